"""The `metrics` contract as tests (networks/capabilities/metrics.py): every network that declares
metrics has a test class mixing `MetricsContract` in and providing a `metrics` fixture that
returns a `MetricsSetup` driving that network (a local server, or the fake's config).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from networks.base import ErrorKind, PublishError
from networks.capabilities.metrics import Counters, GapReason, Metric
from networks.models import NetworkAccount


@dataclass
class MetricsSetup:
    account: NetworkAccount
    # Makes a post on the network holding these counts (the desk's names); returns its remote id.
    post: Callable[[dict[Metric, int]], str]
    delete: Callable[[str], None]
    set_followers: Callable[[int], None]
    # Makes the network answer `metric` under another name from now on (a renamed metric).
    rename: Callable[[Metric], None]
    # Makes the next read's answer a body cut short.
    garble_next: Callable[[], None]
    # The next read fails this way (RETRY with a rate limit's reset, RECONNECT, ...).
    failures: dict[ErrorKind, Callable[[], None]] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)


def _counts(metrics: frozenset[Metric], start: int) -> dict[Metric, int]:
    return {metric: start + index for index, metric in enumerate(sorted(metrics))}


def _assert_complete(counters: Counters, declared: frozenset[Metric]) -> None:
    """Every declared metric has a number or a gap, never both, and nothing undeclared shows."""
    assert set(counters.values) | set(counters.gaps) == set(declared)
    assert not set(counters.values) & set(counters.gaps)


class MetricsContract:
    network: str  # the adapter slug under test: tests/networks/test_registry.py finds it by it

    @pytest.fixture
    def adapter(self, metrics: MetricsSetup):
        return metrics.account.adapter()

    def test_declares_known_metrics_and_a_batch_size(self, adapter):
        assert adapter.slug == self.network
        assert adapter.post_metrics and all(isinstance(m, Metric) for m in adapter.post_metrics)
        assert Metric.FOLLOWERS not in adapter.post_metrics
        assert adapter.account_metrics == frozenset({Metric.FOLLOWERS})
        assert adapter.metrics_batch_size >= 1

    def test_reads_each_posts_counts_as_the_network_holds_them(self, adapter, metrics):
        wanted = [_counts(adapter.post_metrics, start) for start in (3, 40)]
        ids = [metrics.post(counts) for counts in wanted]
        read = adapter.read_post_metrics(remote_ids=ids)
        assert set(read) == set(ids)
        for remote_id, counts in zip(ids, wanted, strict=True):
            assert read[remote_id].values == counts
            assert not read[remote_id].gaps

    def test_zero_is_a_number_not_a_gap(self, adapter, metrics):
        remote_id = metrics.post(dict.fromkeys(adapter.post_metrics, 0))
        counters = adapter.read_post_metrics(remote_ids=[remote_id])[remote_id]
        assert counters.values == dict.fromkeys(adapter.post_metrics, 0)

    def test_reads_a_full_batch_in_one_call(self, adapter, metrics):
        ids = [metrics.post(_counts(adapter.post_metrics, n)) for n in range(min(adapter.metrics_batch_size, 30))]
        read = adapter.read_post_metrics(remote_ids=ids)
        assert [read[i].values[sorted(adapter.post_metrics)[0]] for i in ids] == list(range(len(ids)))

    def test_a_deleted_post_is_a_gap_with_its_reason_and_the_others_keep_their_numbers(self, adapter, metrics):
        kept, gone = metrics.post(_counts(adapter.post_metrics, 5)), metrics.post(_counts(adapter.post_metrics, 9))
        metrics.delete(gone)
        read = adapter.read_post_metrics(remote_ids=[kept, gone])
        assert read[kept].values == _counts(adapter.post_metrics, 5)
        assert read[gone].values == {}
        assert {gap.reason for gap in read[gone].gaps.values()} == {GapReason.DELETED}
        _assert_complete(read[gone], adapter.post_metrics)

    def test_a_renamed_metric_is_a_gap_and_the_other_metrics_keep_their_numbers(self, adapter, metrics):
        renamed = sorted(adapter.post_metrics)[0]
        remote_id = metrics.post(_counts(adapter.post_metrics, 7))
        metrics.rename(renamed)
        counters = adapter.read_post_metrics(remote_ids=[remote_id])[remote_id]
        assert counters.gaps[renamed].reason == GapReason.UNSUPPORTED
        assert counters.values == {m: v for m, v in _counts(adapter.post_metrics, 7).items() if m != renamed}
        _assert_complete(counters, adapter.post_metrics)

    def test_a_malformed_answer_is_a_gap_not_an_exception(self, adapter, metrics):
        remote_id = metrics.post(_counts(adapter.post_metrics, 1))
        metrics.garble_next()
        counters = adapter.read_post_metrics(remote_ids=[remote_id])[remote_id]
        assert {gap.reason for gap in counters.gaps.values()} == {GapReason.MALFORMED}
        _assert_complete(counters, adapter.post_metrics)
        assert adapter.read_post_metrics(remote_ids=[remote_id])[remote_id].values  # the next read is fine

    def test_followers_are_read_for_the_account(self, adapter, metrics):
        metrics.set_followers(1234)
        assert adapter.read_account_metrics().values == {Metric.FOLLOWERS: 1234}
        metrics.set_followers(0)
        assert adapter.read_account_metrics().values == {Metric.FOLLOWERS: 0}

    def test_failures_of_the_whole_read_raise_with_a_message_and_no_secret(self, adapter, metrics):
        assert ErrorKind.RETRY in metrics.failures, "a rate limit must be provokable"
        remote_id = metrics.post(_counts(adapter.post_metrics, 2))
        for kind, provoke in metrics.failures.items():
            provoke()
            with pytest.raises(PublishError) as caught:
                adapter.read_post_metrics(remote_ids=[remote_id])
            assert caught.value.kind == kind, caught.value.message
            assert caught.value.message.strip()
            for secret in metrics.secrets:
                assert secret not in caught.value.message

    def test_a_rate_limit_says_how_long_to_wait(self, adapter, metrics):
        remote_id = metrics.post(_counts(adapter.post_metrics, 2))
        metrics.failures[ErrorKind.RETRY]()
        with pytest.raises(PublishError) as caught:
            adapter.read_post_metrics(remote_ids=[remote_id])
        assert caught.value.retry_after is not None and 1 <= caught.value.retry_after <= 600
