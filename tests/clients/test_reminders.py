"""Client reviewers reminded by email, with their own link, of posts waiting for them longer
than the brand's delay; once per wait."""

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone, translation

from clients import reminders
from posts import reminders as post_reminders
from posts.models import ApprovalReminder, ReminderAudience


def _waited(post, hours=25):
    post.state_since = timezone.now() - timedelta(hours=hours)
    post.save(update_fields=["state_since"])
    return post


def test_a_client_reviewer_is_reminded_once_with_a_link_that_opens(
    client, invite, awaiting, django_capture_on_commit_callbacks
):
    post = _waited(awaiting())
    reviewer, path = invite()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.client_reminders_send() == 1
    (email,) = mail.outbox
    assert email.to == [reviewer.email] and "still wait for your approval" in email.subject
    reminded = re.search(r"https?://[^/\s]+(/review/\S+/)", email.body).group(1)
    assert reminded == path  # the same link, not a new one that would kill the first
    assert client.get(reminded).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.client_reminders_send() == 0
    assert len(mail.outbox) == 1
    reminder = ApprovalReminder.objects.get(post=post)
    assert (reminder.audience, reminder.recipients) == (ReminderAudience.CLIENT, 1)


def test_revoked_and_expired_reviewers_are_not_reminded(invite, awaiting, owner, django_capture_on_commit_callbacks):
    _waited(awaiting())
    revoked, _ = invite(name="Revoked", email="revoked@client.example")
    revoked.revoked_at = timezone.now()
    revoked.save()
    expired, _ = invite(name="Expired", email="expired@client.example")
    expired.expires_at = timezone.now() - timedelta(minutes=1)
    expired.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.client_reminders_send() == 1  # stored: the owners may follow
    assert mail.outbox == []


def test_a_post_still_young_is_not_reminded(invite, awaiting):
    awaiting()
    invite()
    assert reminders.client_reminders_send() == 0


def test_the_reminder_speaks_the_language_of_the_invitation(invite, awaiting, django_capture_on_commit_callbacks):
    _waited(awaiting())
    with translation.override("fr"):
        invite()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminders.client_reminders_send()
    assert "attendent toujours votre approbation" in mail.outbox[0].subject


def test_the_owners_follow_the_client_reminder_before_the_posts_time(invite, awaiting, owner):
    post = _waited(awaiting())
    invite()
    assert reminders.client_reminders_send() == 1
    assert post_reminders.approval_reminders_send(now=post.scheduled_at - timedelta(hours=2)) == 1
    audiences = set(ApprovalReminder.objects.filter(post=post).values_list("audience", flat=True))
    assert audiences == {ReminderAudience.CLIENT, ReminderAudience.OWNERS}
    assert owner.notifications.filter(post=post, kind="approval_reminder").count() == 1
