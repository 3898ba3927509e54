"""The fake network's search passes the shared contract (listening's tests rely on it)."""

import pytest

from networks.base import ErrorKind
from networks.fake.adapter import FakeAdapter
from tests.factories import NetworkAccountFactory
from tests.networks.search_contract import SearchContract, SearchSetup


class TestFakeSearch(SearchContract):
    network = "fake"

    @pytest.fixture
    def search(self, brand_a):
        account = NetworkAccountFactory(brand=brand_a, network="fake", config={"page_size": 4})

        def post(text, at=None):
            return FakeAdapter.post_publicly(account, text, at=at)

        def fail_next(kind):
            return lambda: account.config.update(search_fail=str(kind))

        return SearchSetup(
            account=account,
            post=post,
            page_size=4,
            failures={ErrorKind.RETRY: fail_next(ErrorKind.RETRY), ErrorKind.RECONNECT: fail_next(ErrorKind.RECONNECT)},
            malformed=fail_next("malformed"),
        )
