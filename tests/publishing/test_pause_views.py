"""The crisis pause as a manager lives it: one button and a reason, a banner on every page,
and after resuming, the posts that fell due listed for a decision instead of fired in a burst."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Brand
from cm_platform.models import Heartbeat
from posts.models import PostTarget, TargetState
from publishing import dispatcher, pause
from publishing.models import OverdueHold, Pause
from publishing.pause import is_paused
from tests.publishing.conftest import approved_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine_alive(db):
    for name in ("beat", "dispatcher"):
        Heartbeat.objects.create(name=name, beat_at=timezone.now())


def test_manager_pauses_with_a_reason_and_everyone_sees_the_banner(client, brand_a, manager, editor, engine_alive):
    client.force_login(manager)
    response = client.post(
        reverse("publishing:pause", args=[brand_a.slug]),
        {"reason": "Bad buzz on the new ad", "resume_at": "2099-01-02T09:30"},
        follow=True,
    )
    brand = Pause.objects.get(brand=brand_a)
    assert brand.paused_at and brand.paused_by == manager and brand.reason == "Bad buzz on the new ad"
    assert brand.resume_at == datetime(2099, 1, 2, 8, 30, tzinfo=UTC)  # 09:30 in Paris
    assert b"pause-banner" in response.content
    client.force_login(editor)
    page = client.get(reverse("posts:list", args=[brand_a.slug]))
    assert "Bad buzz on the new ad" in page.content.decode()


def test_a_pause_without_a_reason_is_refused_and_nothing_is_paused(client, brand_a, manager):
    client.force_login(manager)
    response = client.post(reverse("publishing:pause", args=[brand_a.slug]), {"reason": " "})
    assert response.status_code == 200
    assert not is_paused(Brand.objects.get(pk=brand_a.pk))


def test_a_resume_time_in_the_past_is_refused(client, brand_a, manager):
    client.force_login(manager)
    client.post(reverse("publishing:pause", args=[brand_a.slug]), {"reason": "Crisis", "resume_at": "2001-01-01T10:00"})
    assert not is_paused(Brand.objects.get(pk=brand_a.pk))


def test_resume_lists_what_fell_due_instead_of_sending_it(client, brand_a, manager, fake_account, engine_alive):
    pause.brand_pause(brand=brand_a, user=manager, reason="Crisis")
    due_during_pause = approved_post(brand_a, [fake_account], at=timezone.now() - timedelta(seconds=1))
    still_ahead = approved_post(brand_a, [fake_account], at=timezone.now() + timedelta(hours=1))
    client.force_login(manager)
    response = client.post(reverse("publishing:resume", args=[brand_a.slug]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("publishing:overdue", args=[brand_a.slug])
    assert f'data-post="{due_during_pause.pk}"' in response.content.decode()
    assert f'data-post="{still_ahead.pk}"' not in response.content.decode()
    assert dispatcher.dispatch_due() == []  # resumed, yet nothing fired in a burst


def test_publish_now_from_the_overdue_list_releases_the_post(client, brand_a, manager, fake_account):
    post = approved_post(brand_a, [fake_account], at=timezone.now() - timedelta(minutes=5))
    OverdueHold.objects.create(post=post)
    client.force_login(manager)
    client.post(reverse("publishing:overdue_decide", args=[brand_a.slug, post.pk]), {"action": "publish_now"})
    assert not OverdueHold.objects.filter(post=post).exists()
    assert dispatcher.dispatch_due() == [post.targets.get().pk]


def test_reschedule_from_the_overdue_list_sets_a_new_time(client, brand_a, manager, fake_account):
    post = approved_post(brand_a, [fake_account], at=timezone.now() - timedelta(minutes=5))
    OverdueHold.objects.create(post=post)
    client.force_login(manager)
    client.post(
        reverse("publishing:overdue_decide", args=[brand_a.slug, post.pk]),
        {"action": "reschedule", "scheduled_at": "2099-06-01T12:00"},
    )
    post.refresh_from_db()
    assert post.scheduled_at == datetime(2099, 6, 1, 10, 0, tzinfo=UTC)
    assert not OverdueHold.objects.filter(post=post).exists()


def test_reschedule_without_a_time_says_so_and_keeps_the_hold(client, brand_a, manager, fake_account):
    post = approved_post(brand_a, [fake_account], at=timezone.now() - timedelta(minutes=5))
    OverdueHold.objects.create(post=post)
    client.force_login(manager)
    response = client.post(
        reverse("publishing:overdue_decide", args=[brand_a.slug, post.pk]), {"action": "reschedule"}, follow=True
    )
    assert OverdueHold.objects.filter(post=post).exists()
    assert list(response.context["messages"])


def test_cancel_from_the_overdue_list_cancels_its_targets(client, brand_a, manager, fake_account):
    post = approved_post(brand_a, [fake_account], at=timezone.now() - timedelta(minutes=5))
    OverdueHold.objects.create(post=post)
    client.force_login(manager)
    client.post(reverse("publishing:overdue_decide", args=[brand_a.slug, post.pk]), {"action": "cancel"})
    assert post.targets.get().state == TargetState.CANCELLED


def test_the_automatic_resume_time_is_honoured_by_the_dispatcher(brand_a, manager, fake_account):
    pause.brand_pause(brand=brand_a, user=manager, reason="Crisis", resume_at=timezone.now() + timedelta(minutes=1))
    post = approved_post(brand_a, [fake_account], at=timezone.now())
    assert dispatcher.dispatch_due() == []
    dispatcher.dispatch_due(now=timezone.now() + timedelta(minutes=2))
    assert not is_paused(Brand.objects.get(pk=brand_a.pk))
    assert OverdueHold.objects.filter(post=post, resumed_by=None).exists()


def test_needs_checking_answered_by_a_person(client, brand_a, manager, fake_account):
    target = approved_post(brand_a, [fake_account]).targets.get()
    PostTarget.objects.filter(pk=target.pk).update(state=TargetState.NEEDS_CHECKING)
    client.force_login(manager)
    client.post(
        reverse("publishing:target_resolve", args=[brand_a.slug, target.pk]),
        {"published": "yes", "url": "https://fake.invalid/posts/1"},
    )
    target.refresh_from_db()
    assert (target.state, target.remote_url) == (TargetState.PUBLISHED, "https://fake.invalid/posts/1")


def test_a_failed_target_is_sent_again_on_request(client, brand_a, manager, fake_account):
    target = approved_post(brand_a, [fake_account]).targets.get()
    PostTarget.objects.filter(pk=target.pk).update(state=TargetState.FAILED, attempts=5, last_error="Down")
    client.force_login(manager)
    client.post(reverse("publishing:target_retry", args=[brand_a.slug, target.pk]))
    assert dispatcher.dispatch_due() == [target.pk]


def test_managers_see_a_banner_when_the_scheduler_is_down(client, brand_a, manager, editor):
    client.force_login(manager)
    page = client.get(reverse("publishing:overdue", args=[brand_a.slug])).content.decode()
    assert "data-engine-problem" in page
    client.force_login(editor)
    assert "data-engine-problem" not in client.get(reverse("posts:list", args=[brand_a.slug])).content.decode()
