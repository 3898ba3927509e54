"""A wait a network asks for (Retry-After, a rate limit's reset) is its input too: any value of it
leaves the target waiting for a sane retry, never a task that crashes on a timedelta overflow."""

from datetime import timedelta

import pytest
from django.utils import timezone

from networks import http_adapter as remote
from networks import services as network_services
from posts.models import PostTarget, TargetState
from publishing import dispatcher, engine
from tests.networks.servers.receiver import Receiver
from tests.publishing.conftest import approved_post, mastodon_account_for

pytestmark = pytest.mark.django_db

ODD_WAITS = ["inf", "1e308", "nan", "²", "-5", "soon", "9" * 400]


def _publish_once(account) -> PostTarget:
    post = approved_post(account.brand, [account])
    dispatcher.dispatch_due()
    target = PostTarget.objects.get(post=post)
    engine.target_publish(target_id=target.pk, claim=target.claim_id)
    target.refresh_from_db()
    return target


def _assert_waits_sanely(target: PostTarget) -> None:
    assert target.state == TargetState.PENDING and target.next_attempt_at is not None
    assert timezone.now() < target.next_attempt_at <= timezone.now() + timedelta(seconds=remote.MAX_WAIT + 60)


@pytest.mark.parametrize("wait", ODD_WAITS)
def test_any_retry_after_from_a_webhook_leaves_a_sane_retry(brand_a, owner, wait):
    with Receiver(lambda request: (429, {"Retry-After": wait}, b"{}")) as site:
        account = network_services.account_connect(
            brand=brand_a, user=owner, network="webhook", data={"name": "Intranet", "url": f"{site.url}/hook"}
        )
        _assert_waits_sanely(_publish_once(account))


@pytest.mark.parametrize("reset", ["9999-12-31T23:59:59.000Z", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00Z"])
def test_any_rate_limit_reset_from_mastodon_leaves_a_sane_retry(brand_a, mastodon, reset):
    mastodon.fail_next(429, path="/api/v1/statuses", headers={"X-RateLimit-Reset": reset})
    _assert_waits_sanely(_publish_once(mastodon_account_for(brand_a, mastodon)))
