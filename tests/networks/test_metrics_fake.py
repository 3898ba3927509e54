"""The fake network's metrics (used by the demo and by the analytics tests) pass the contract."""

import pytest

from networks.base import ErrorKind
from networks.fake.adapter import FAKE_POST_METRICS
from tests.factories import NetworkAccountFactory
from tests.networks.metrics_contract import MetricsContract, MetricsSetup


class TestFakeMetricsContract(MetricsContract):
    network = "fake"

    @pytest.fixture
    def metrics(self, brand_a):
        account = NetworkAccountFactory(brand=brand_a, network="fake")
        config = account.config
        config.update(post_metrics={}, deleted_posts=[])

        def post(counts):
            remote_id = f"fake-{len(config['post_metrics']) + 1}"
            config["post_metrics"][remote_id] = {FAKE_POST_METRICS[m]: v for m, v in counts.items()}
            return remote_id

        def rename(metric):
            for entry in config["post_metrics"].values():
                entry[f"{FAKE_POST_METRICS[metric]}_v2"] = entry.pop(FAKE_POST_METRICS[metric], 0)

        def fail_with(kind):
            return lambda: config.update(metrics_fail=str(kind))

        return MetricsSetup(
            account=account,
            post=post,
            delete=lambda remote_id: config["deleted_posts"].append(remote_id),
            set_followers=lambda count: config.update(followers=count),
            rename=rename,
            garble_next=lambda: config.update(metrics_garble_next=True),
            failures={ErrorKind.RETRY: fail_with(ErrorKind.RETRY), ErrorKind.RECONNECT: fail_with(ErrorKind.RECONNECT)},
        )


def test_a_post_without_given_numbers_gets_the_same_made_up_numbers_at_every_read(brand_a):
    adapter = NetworkAccountFactory(brand=brand_a, network="fake").adapter()
    first = adapter.read_post_metrics(remote_ids=["demo-1"])["demo-1"]
    assert first.values == adapter.read_post_metrics(remote_ids=["demo-1"])["demo-1"].values
    assert first.values[next(iter(FAKE_POST_METRICS))] >= 0
