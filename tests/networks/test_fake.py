import pytest

from networks.base import ErrorKind
from networks.fake.adapter import FakeAdapter
from tests.factories import NetworkAccountFactory
from tests.networks.contract import AdapterContract, ContractSetup

SECRET = "fake-secret-token-4f9c2a"


class TestFakeAdapterContract(AdapterContract):
    network = "fake"

    @pytest.fixture
    def contract(self, brand_a):
        FakeAdapter.outbox.clear()
        account = NetworkAccountFactory(brand=brand_a, network="fake", credentials={"token": SECRET})

        def fail_with(kind):
            return lambda: account.config.update(fail=str(kind))

        return ContractSetup(
            account=account,
            published_count=lambda: len(FakeAdapter.outbox),
            failures={kind: fail_with(kind) for kind in ErrorKind},
            secrets=[SECRET],
        )
