from datetime import UTC, datetime

import pytest
from django.utils import translation

from posts.models import PostState, TargetState
from tests.factories import NetworkAccountFactory, PostFactory, PostTargetFactory

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, 10:00 in Paris


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.METRICS_JITTER_SECONDS = 0
    with translation.override("en"):
        yield


@pytest.fixture
def fake_account(brand_a):
    return NetworkAccountFactory(brand=brand_a, network="fake", config={"post_metrics": {}, "deleted_posts": []})


def published(account, *, at=T0, remote_id=None, campaign=None, scheduled_at=None, **extra):
    """A target the engine published at `at` (its post approved and scheduled for then)."""
    post = PostFactory(
        brand=account.brand, state=PostState.APPROVED, scheduled_at=scheduled_at or at, campaign=campaign
    )
    target = PostTargetFactory(
        post=post,
        account=account,
        state=TargetState.PUBLISHED,
        published_at=at,
        lateness_seconds=((at - (scheduled_at or at)).total_seconds()),
        **extra,
    )
    target.remote_id = remote_id or f"remote-{target.pk}"
    target.save(update_fields=["remote_id"])
    return target


def give(account, target, **counts):
    """The fake network holds these counts for the target's post from now on."""
    account.config["post_metrics"][target.remote_id] = counts
    account.save(update_fields=["config"])


@pytest.fixture
def mastodon_server():
    from tests.networks.servers.mastodon import MastodonServer

    with MastodonServer() as server:
        yield server
