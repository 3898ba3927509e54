"""The Bluesky adapter passes the adapter contract against the real PDS."""

import pytest

from networks.base import ErrorKind
from tests.networks.contract import AdapterContract, ContractSetup

pytestmark = [pytest.mark.pds]


class TestBlueskyContract(AdapterContract):
    network = "bluesky"

    @pytest.fixture
    def contract(self, pds, bluesky_account, bluesky_user, app_password, unused_port):
        reachable_pds = bluesky_account.config["pds"]

        def unreachable():
            bluesky_account.config["pds"] = f"http://127.0.0.1:{unused_port}"

        def deactivated():
            bluesky_account.config["pds"] = reachable_pds
            response = pds.xrpc("POST", "com.atproto.server.deactivateAccount", token=bluesky_user.access_jwt, json={})
            assert response.ok, response.text

        return ContractSetup(
            account=bluesky_account,
            published_count=lambda: pds.post_count(bluesky_user.did),
            # Ordered: each provocation leaves the account as the next one needs it.
            failures={ErrorKind.RETRY: unreachable, ErrorKind.RECONNECT: deactivated},
            secrets=[
                app_password,
                bluesky_account.credentials["accessJwt"],
                bluesky_account.credentials["refreshJwt"],
            ],
        )
