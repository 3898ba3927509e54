"""Bluesky's metrics against a local AppView that follows the lexicons (getPosts, getProfile):
a PDS alone does not serve app.bsky reads."""

import pytest

from networks.base import ErrorKind
from networks.bluesky.adapter import BLUESKY_METRICS
from networks.capabilities.metrics import Metric
from tests.factories import NetworkAccountFactory
from tests.networks.metrics_contract import MetricsContract, MetricsSetup
from tests.networks.servers.bluesky_appview import AppViewServer

DID = "did:plc:desk4analytics"
SERVER_ARGS = {Metric.LIKES: "likes", Metric.REPOSTS: "reposts", Metric.REPLIES: "replies", Metric.QUOTES: "quotes"}


@pytest.fixture
def appview(settings):
    with AppViewServer() as server:
        settings.BLUESKY_APPVIEW_URL = server.url
        yield server


@pytest.fixture
def account(brand_a):
    return NetworkAccountFactory(
        brand=brand_a,
        network="bluesky",
        credentials={"accessJwt": "access-jwt-secret", "refreshJwt": "refresh-jwt-secret", "did": DID},
        config={"service": "http://127.0.0.1:9", "pds": "http://127.0.0.1:9", "handle": "desk.test"},
    )


class TestBlueskyMetricsContract(MetricsContract):
    network = "bluesky"

    @pytest.fixture
    def metrics(self, account, appview):
        def rename(metric):
            appview.renamed_fields[BLUESKY_METRICS[metric]] = f"{BLUESKY_METRICS[metric]}V2"

        return MetricsSetup(
            account=account,
            post=lambda counts: appview.add_post(DID, **{SERVER_ARGS[m]: v for m, v in counts.items()}),
            delete=appview.delete,
            set_followers=lambda count: appview.set_followers(DID, count),
            rename=rename,
            garble_next=lambda: appview.garble_next(path="/xrpc/app.bsky.feed.getPosts"),
            failures={
                ErrorKind.RETRY: lambda: appview.fail_next(429, reset_in=30),
                ErrorKind.RECONNECT: lambda: appview.fail_next(401),
            },
            secrets=["access-jwt-secret", "refresh-jwt-secret"],
        )


def test_one_call_reads_25_posts_and_sends_no_token_to_the_public_appview(account, appview):
    uris = [appview.add_post(DID, likes=n) for n in range(25)]

    read = account.adapter().read_post_metrics(remote_ids=uris)

    assert [read[uri].values[Metric.LIKES] for uri in uris] == list(range(25))
    (request,) = appview.requests_to("GET", "/xrpc/app.bsky.feed.getPosts")
    assert request.path.count("uris=") == 25
    assert request.header("Authorization") is None
