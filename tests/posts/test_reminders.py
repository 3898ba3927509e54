"""Reminders of approvals that wait (posts/reminders.py): the approvers after the brand's delay,
then the owners before the post's time, each once per wait whatever is run again."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Notification, NotificationKind
from posts import reminders, services
from posts.models import ApprovalReminder, PostState, ReminderAudience


@pytest.fixture(autouse=True)
def people_read_english(owner, manager, editor):
    for person in (owner, manager, editor):
        person.language = "en"
        person.save(update_fields=["language"])


@pytest.fixture
def waiting(brand_a, write_post, editor, owner):
    """A post submitted `hours_ago` hours ago, due at `due_in` from now."""

    def _make(*, hours_ago=30, due_in=timedelta(days=3)):
        post = write_post(editor, scheduled_at=(timezone.now() + due_in).replace(second=0, microsecond=0))
        post = services.post_submit(post=post, user=editor)
        post.state_since = timezone.now() - timedelta(hours=hours_ago)
        post.save(update_fields=["state_since"])
        return post

    return _make


def _reminders(user):
    return Notification.objects.filter(user=user, kind=NotificationKind.APPROVAL_REMINDER)


def test_an_approval_waiting_longer_than_the_delay_reminds_the_approvers_once(
    waiting, manager, owner, django_capture_on_commit_callbacks
):
    post = waiting(hours_ago=25)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.approval_reminders_send() == 1
    assert _reminders(manager).count() == 1 and _reminders(owner).count() == 1  # both review
    assert "waiting for your approval for 24 hours" in _reminders(manager).get().message
    assert any("waiting for your approval" in message.subject for message in mail.outbox)
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.approval_reminders_send() == 0  # the same wait: never again
    assert len(mail.outbox) == sent
    assert ApprovalReminder.objects.get(post=post).audience == ReminderAudience.APPROVERS


def test_a_wait_shorter_than_the_delay_reminds_nobody(waiting, manager):
    waiting(hours_ago=23)
    assert reminders.approval_reminders_send() == 0
    assert not _reminders(manager).exists()


def test_a_brand_with_no_delay_sends_no_reminder(brand_a, waiting, manager):
    brand_a.approval_reminder_hours = 0
    brand_a.save()
    waiting(hours_ago=500)
    assert reminders.approval_reminders_send() == 0


def test_named_approvers_alone_are_reminded(brand_a, waiting, manager, owner):
    brand_a.internal_approvers.set([manager])
    waiting()
    reminders.approval_reminders_send()
    assert _reminders(manager).count() == 1 and not _reminders(owner).exists()


def test_the_owners_are_told_before_the_posts_time_once_the_approvers_were_reminded(brand_a, waiting, manager, owner):
    brand_a.internal_approvers.set([manager])
    post = waiting(due_in=timedelta(hours=5))
    assert reminders.approval_reminders_send() == 2  # the approvers, then (the time is near) the owners
    message = _reminders(owner).get().message
    assert "still in review" in message and "will not go out" in message
    assert reminders.approval_reminders_send() == 0
    audiences = set(ApprovalReminder.objects.filter(post=post).values_list("audience", flat=True))
    assert audiences == {ReminderAudience.APPROVERS, ReminderAudience.OWNERS}


def test_the_owners_are_told_once_the_posts_time_comes_near(brand_a, waiting, manager, owner):
    brand_a.internal_approvers.set([manager])
    post = waiting(due_in=timedelta(days=3))
    assert reminders.approval_reminders_send() == 1
    assert not _reminders(owner).exists()  # the time is far: the approvers have time
    assert reminders.approval_reminders_send(now=post.scheduled_at - timedelta(hours=2)) == 1
    assert _reminders(owner).count() == 1


def test_a_new_wait_after_changes_reminds_again(waiting, editor, manager, account):
    post = waiting()
    reminders.approval_reminders_send()
    post = services.post_request_changes(post=post, user=manager, comment="Plus court")
    post = services.post_submit(post=post, user=editor)
    assert reminders.approval_reminders_send() == 0  # the new wait has just begun
    post.state_since = timezone.now() - timedelta(hours=25)
    post.save(update_fields=["state_since"])
    assert reminders.approval_reminders_send() == 1
    assert ApprovalReminder.objects.filter(post=post, audience=ReminderAudience.APPROVERS).count() == 2


def test_a_post_approved_meanwhile_is_skipped(waiting, manager):
    post = waiting()
    due = reminders.due_for_approvers(state=PostState.IN_REVIEW, now=timezone.now())
    services.post_approve(post=post, user=manager)
    sent = [
        reminders.remind_once(post_id=pk, audience=ReminderAudience.APPROVERS, states=[PostState.IN_REVIEW], send=len)
        for pk, _hours in due
    ]
    assert sent == [False]
    assert not ApprovalReminder.objects.exists()


def test_the_wait_starts_when_the_post_enters_its_state(write_post, editor):
    before = timezone.now()
    post = services.post_submit(post=write_post(editor), user=editor)
    assert post.state_since >= before


def test_beat_runs_the_reminders_of_both_apps(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"posts.remind_approvers", "clients.remind_reviewers"} <= tasks
    for name in ("remind-approvers", "remind-client-reviewers"):
        entry = settings.CELERY_BEAT_SCHEDULE[name]
        assert entry["options"]["expires"] == entry["schedule"] == settings.APPROVAL_REMINDER_INTERVAL


def test_brands_sharing_a_delay_are_looked_at_in_one_query(brand_a, brand_b, waiting, django_assert_num_queries):
    waiting()
    with django_assert_num_queries(2):  # the delays in use, then the posts due for the one delay
        due = reminders.due_for_approvers(state=PostState.IN_REVIEW, now=timezone.now())
    assert len(due) == 1
