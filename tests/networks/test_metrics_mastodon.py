"""Mastodon's metrics against the local Mastodon server: statuses' counters and followers."""

import pytest

from networks.base import ErrorKind
from networks.capabilities.metrics import Metric
from networks.mastodon.adapter import MASTODON_METRICS, MastodonAdapter
from tests.networks.metrics_contract import MetricsContract, MetricsSetup
from tests.networks.test_mastodon import connect_account

SERVER_NAMES = {Metric.REPLIES: "replies", Metric.REPOSTS: "reblogs", Metric.LIKES: "favourites"}


class TestMastodonMetricsContract(MetricsContract):
    network = "mastodon"

    @pytest.fixture
    def metrics(self, brand_a, mastodon_server):
        account = connect_account(brand_a, mastodon_server)

        def post(counts):
            status_id = account.adapter().publish(text="Counted", media=[], key=f"k{len(mastodon_server.counts)}")
            mastodon_server.set_counts(status_id.remote_id, **{SERVER_NAMES[m]: v for m, v in counts.items()})
            return status_id.remote_id

        def rename(metric):
            mastodon_server.renamed_fields[MASTODON_METRICS[metric]] = f"{MASTODON_METRICS[metric]}_v2"

        def set_followers(count):
            mastodon_server.followers_count = count

        return MetricsSetup(
            account=account,
            post=post,
            delete=mastodon_server.forget,
            set_followers=set_followers,
            rename=rename,
            garble_next=lambda: mastodon_server.garble_next(path="/api/v1/statuses/"),
            failures={
                ErrorKind.RETRY: lambda: mastodon_server.fail_next(429, path="/api/v1/statuses/", reset_in=30),
                ErrorKind.RECONNECT: lambda: mastodon_server.fail_next(401, path="/api/v1/statuses/"),
            },
            secrets=[mastodon_server.token],
        )


def test_a_status_is_read_with_get_status_and_the_token(brand_a, mastodon_server):
    account = connect_account(brand_a, mastodon_server)
    remote_id = account.adapter().publish(text="Hello", media=[], key="one").remote_id
    mastodon_server.set_counts(remote_id, replies=2, reblogs=5, favourites=11)

    counters = account.adapter().read_post_metrics(remote_ids=[remote_id])[remote_id]

    assert counters.values == {Metric.REPLIES: 2, Metric.REPOSTS: 5, Metric.LIKES: 11}
    (request,) = mastodon_server.requests_to("GET", f"/api/v1/statuses/{remote_id}")
    assert request.bearer == mastodon_server.token


def test_mastodon_gives_no_views_so_views_are_never_declared():
    assert Metric.VIEWS not in MastodonAdapter.post_metrics
    assert Metric.REACH not in MastodonAdapter.post_metrics


def test_an_instance_that_cannot_be_reached_is_a_retry(brand_a, mastodon_server):
    account = connect_account(brand_a, mastodon_server)
    mastodon_server.drop_next(path="/api/v1/accounts/verify_credentials")
    with pytest.raises(Exception) as caught:
        account.adapter().read_account_metrics()
    assert getattr(caught.value, "kind", None) == ErrorKind.RETRY
