"""The dispatcher claims exactly what rules.releasable_posts() allows, within the limits, and the
sweeper takes back what a dead worker left."""

from datetime import timedelta

import pytest
from django.utils import timezone

from networks.models import AccountStatus
from posts.models import PostState, PostTarget, TargetState
from publishing import dispatcher, pause
from publishing.models import OverdueHold, Pause
from tests.factories import NetworkAccountFactory
from tests.publishing.conftest import approved_post

pytestmark = pytest.mark.django_db


def states(*posts):
    return [target.state for post in posts for target in PostTarget.objects.filter(post=post)]


def test_a_due_approved_post_is_claimed_with_a_claim_and_a_lease(brand_a, fake_account):
    post = approved_post(brand_a, [fake_account])
    claimed = dispatcher.dispatch_due()
    target = PostTarget.objects.get(post=post)
    assert claimed == [target.pk]
    assert target.state == TargetState.PUBLISHING
    assert target.claim_id and target.lease_expires_at > timezone.now()


def test_posts_that_may_not_go_out_are_left_alone(brand_a, brand_b, fake_account):
    future = approved_post(brand_a, [fake_account], at=timezone.now() + timedelta(minutes=5))
    draft = approved_post(brand_a, [fake_account])
    draft.state = PostState.IN_REVIEW
    draft.save()
    disconnected = NetworkAccountFactory(brand=brand_a, status=AccountStatus.NEEDS_RECONNECT)
    waiting_for_reconnect = approved_post(brand_a, [disconnected])
    held = approved_post(brand_a, [fake_account])
    OverdueHold.objects.create(post=held)
    retry_later = approved_post(brand_a, [fake_account])
    retry_later.targets.update(next_attempt_at=timezone.now() + timedelta(minutes=1))
    Pause.objects.create(brand=brand_b, reason="Crisis")
    paused = approved_post(brand_b, [NetworkAccountFactory(brand=brand_b)])

    assert dispatcher.dispatch_due() == []
    assert set(states(future, draft, waiting_for_reconnect, held, retry_later, paused)) == {TargetState.PENDING}


def test_a_claimed_target_is_not_claimed_twice(brand_a, fake_account):
    approved_post(brand_a, [fake_account])
    assert len(dispatcher.dispatch_due()) == 1
    assert dispatcher.dispatch_due() == []


def test_in_flight_limits_per_account_and_per_network(brand_a, settings):
    settings.PUBLISH_MAX_IN_FLIGHT_PER_ACCOUNT = 2
    settings.PUBLISH_MAX_IN_FLIGHT_PER_NETWORK = 3
    first, second = NetworkAccountFactory(brand=brand_a), NetworkAccountFactory(brand=brand_a)
    for _ in range(3):
        approved_post(brand_a, [first, second])
    claimed = PostTarget.objects.filter(pk__in=dispatcher.dispatch_due())
    assert claimed.count() == 3  # the network's limit
    assert claimed.filter(account=first).count() <= 2 and claimed.filter(account=second).count() <= 2
    assert dispatcher.dispatch_due() == []  # nothing finished: nothing more goes


def test_the_oldest_due_post_goes_first(brand_a, settings, fake_account):
    settings.PUBLISH_MAX_IN_FLIGHT_PER_ACCOUNT = 1
    newer = approved_post(brand_a, [fake_account], at=timezone.now() - timedelta(seconds=5))
    older = approved_post(brand_a, [fake_account], at=timezone.now() - timedelta(seconds=50))
    assert dispatcher.dispatch_due() == [older.targets.get().pk]
    assert newer.targets.get().state == TargetState.PENDING


def test_a_paused_brand_due_one_second_after_the_pause_sends_nothing(brand_a, manager, fake_account):
    pause.brand_pause(brand=brand_a, user=manager, reason="Bad buzz")
    post = approved_post(brand_a, [fake_account], at=timezone.now() + timedelta(seconds=1))
    assert dispatcher.dispatch_due(now=timezone.now() + timedelta(seconds=2)) == []
    assert states(post) == [TargetState.PENDING]


def test_sweeper_releases_a_claim_whose_network_was_never_called(brand_a, fake_account):
    post = approved_post(brand_a, [fake_account])
    dispatcher.dispatch_due()
    PostTarget.objects.filter(post=post).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert dispatcher.sweep_expired() == []
    target = post.targets.get()
    assert (target.state, target.claim_id) == (TargetState.PENDING, "")


def test_sweeper_hands_a_called_claim_to_recovery_under_a_new_claim(brand_a, fake_account):
    post = approved_post(brand_a, [fake_account])
    dispatcher.dispatch_due()
    target = post.targets.get()
    PostTarget.objects.filter(pk=target.pk).update(
        called_at=timezone.now() - timedelta(seconds=5), lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert dispatcher.sweep_expired() == [target.pk]
    recovered = PostTarget.objects.get(pk=target.pk)
    assert recovered.state == TargetState.PUBLISHING
    assert recovered.called_at is not None and recovered.claim_id != target.claim_id
