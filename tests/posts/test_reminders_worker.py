"""Reminders with real `celery beat` and two `celery worker` processes, beat sending the jobs
every half second so runs overlap in both workers: each audience is reminded once per wait."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from clients import services as client_services
from notifications.models import Notification, NotificationKind
from posts import services
from posts.content import PostContent
from posts.models import ApprovalReminder, ReminderAudience
from tests.factories import NetworkAccountFactory
from tests.publishing.conftest import engine, wait_for  # noqa: F401

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _waiting(brand, author, text, *, hours_ago):
    account = NetworkAccountFactory(brand=brand, network="fake")
    when = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    post = services.post_create(
        brand=brand, author=author, content=PostContent(text=text, accounts=[account], scheduled_at=when)
    )
    post = services.post_submit(post=post, user=author)
    post.state_since = timezone.now() - timedelta(hours=hours_ago)
    post.save(update_fields=["state_since"])
    return post


def test_beat_reminds_internal_and_client_approvers_once_per_wait(
    engine,  # noqa: F811
    brand_a,
    owner,
    editor,
    manager,
):
    internal = _waiting(brand_a, editor, "En relecture depuis hier", hours_ago=30)
    brand_a.client_approval_required = True
    brand_a.save()
    for_client = _waiting(brand_a, editor, "Chez le client depuis hier", hours_ago=0)
    for_client = services.post_approve(post=for_client, user=manager)
    for_client.state_since = timezone.now() - timedelta(hours=30)
    for_client.save(update_fields=["state_since"])
    client_services.client_reviewer_invite(brand=brand_a, by=owner, name="Claire", email="claire@client.fr")

    engine.start_worker(name="worker-1")
    engine.start_worker(name="worker-2")
    engine.start_beat(APPROVAL_REMINDER_INTERVAL="0.5")
    wait_for(lambda: ApprovalReminder.objects.count() == 2, timeout=45, message=lambda: engine.log("worker-1"))
    time.sleep(3)  # a few more runs of both jobs

    reminders = {(r.post_id, r.audience, r.recipients) for r in ApprovalReminder.objects.all()}
    assert reminders == {
        (internal.pk, ReminderAudience.APPROVERS, 2),  # the manager and the owner
        (for_client.pk, ReminderAudience.CLIENT, 1),
    }
    told = Notification.objects.filter(post=internal, kind=NotificationKind.APPROVAL_REMINDER)
    assert sorted(told.values_list("user_id", flat=True)) == sorted([manager.pk, owner.pk])
