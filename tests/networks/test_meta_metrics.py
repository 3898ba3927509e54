"""Facebook, Instagram and Threads metrics against the local Meta servers: the shared contract
(renamed metric, deleted post, malformed answer, followers, throttles), then the current names."""

import pytest

from networks.base import ErrorKind
from networks.capabilities.metrics import GapReason, Metric
from networks.facebook.adapter import INSIGHTS, POST_FIELDS
from networks.instagram.adapter import INSTAGRAM_INSIGHTS
from networks.threads.adapter import THREADS_INSIGHTS
from tests.networks.metrics_contract import MetricsContract, MetricsSetup
from tests.networks.test_meta_conversations import (  # noqa: F401 - fixtures
    facebook_account,
    graph,
    instagram_account,
    threads,
    threads_account,
)

FACEBOOK_NAMES = {**POST_FIELDS, **INSIGHTS}


def _setup(server, account, post, names, *, prefix, delete):
    def put(counts):
        remote_id = post()
        server.counts[remote_id] = {names[metric]: value for metric, value in counts.items()}
        return remote_id

    return MetricsSetup(
        account=account,
        post=put,
        delete=delete,
        set_followers=lambda count: setattr(server, "followers_count", count),
        rename=lambda metric: server.renamed.update({names[metric]: f"{names[metric]}_v2"}),
        garble_next=lambda: server.garble_next(path=prefix, method="GET"),
        failures={ErrorKind.RETRY: lambda: server.throttle_reads(minutes=3), ErrorKind.RECONNECT: server.expire_tokens},
        secrets=[str(v) for v in account.credentials.values()],
    )


class TestFacebookMetrics(MetricsContract):
    network = "facebook"

    @pytest.fixture
    def metrics(self, graph, facebook_account):  # noqa: F811 - the fixtures above
        def post():
            return facebook_account.adapter().publish(text=f"Compté {len(graph.posts)}", media=[], key="k").remote_id

        return _setup(graph, facebook_account, post, FACEBOOK_NAMES, prefix="/v21.0/", delete=graph.delete_post)


class TestInstagramMetrics(MetricsContract):
    network = "instagram"

    @pytest.fixture
    def metrics(self, graph, instagram_account):  # noqa: F811 - the fixtures above
        def post():
            return graph.media_post("Compté")

        return _setup(graph, instagram_account, post, INSTAGRAM_INSIGHTS, prefix="/v21.0/", delete=graph.delete_post)


class TestThreadsMetrics(MetricsContract):
    network = "threads"

    @pytest.fixture
    def metrics(self, threads, threads_account):  # noqa: F811 - the fixtures above
        def post():
            return threads_account.adapter().publish(text="Compté", media=[], key="k").remote_id

        return _setup(threads, threads_account, post, THREADS_INSIGHTS, prefix="/v1.0/", delete=threads.forget)


def test_instagram_asks_for_the_current_names_never_the_retired_ones(graph, instagram_account):  # noqa: F811
    media = graph.media_post("Carte")
    instagram_account.adapter().read_post_metrics(remote_ids=[media])
    asked = graph.requests_to("GET", f"/v21.0/{media}/insights")[-1].query["metric"].split(",")
    assert set(asked) == {"views", "reach", "likes", "comments", "shares", "saved"}
    assert not {"impressions", "plays"} & set(asked)


def test_facebook_asks_for_media_views_and_counts_a_post_nobody_shared_as_zero_shares(graph, facebook_account):  # noqa: F811
    post = facebook_account.adapter().publish(text="Personne ne partage", media=[], key="k").remote_id
    graph.counts[post] = {"reactions": 4, "comments": 1, "post_media_view": 90}
    counters = facebook_account.adapter().read_post_metrics(remote_ids=[post])[post]
    assert counters.values[Metric.SHARES] == 0 and counters.values[Metric.VIEWS] == 90
    fields = graph.requests_to("GET", f"/v21.0/{post}")[-1].query["fields"]
    assert "post_media_view" in fields and "post_impressions" not in fields


def test_a_deleted_thread_is_a_gap_and_never_zero(threads, threads_account):  # noqa: F811
    post = threads_account.adapter().publish(text="Bientôt effacé", media=[], key="k").remote_id
    threads.forget(post)
    counters = threads_account.adapter().read_post_metrics(remote_ids=[post])[post]
    assert counters.values == {} and {g.reason for g in counters.gaps.values()} == {GapReason.DELETED}
