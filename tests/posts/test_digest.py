"""The daily email digest: off unless chosen on the profile; once the person's morning has come,
one email with their unread lines since the last digest, for brands they still belong to — and
never twice a day, however often beat runs the task. The clock is pinned: each call names its
instant."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import Membership
from cm_platform.celery import app
from notifications.digest import digests_send
from notifications.models import DigestSent, Notification
from posts import services

pytestmark = pytest.mark.django_db
# 07:30 in Paris (winter, UTC+1): past DIGEST_HOUR (7) for a Paris user.
MORNING = datetime(2031, 1, 15, 6, 30, tzinfo=UTC)
NIGHT = datetime(2031, 1, 15, 4, 0, tzinfo=UTC)  # 05:00 in Paris


@pytest.fixture
def subscriber(manager):
    manager.daily_digest, manager.language, manager.time_zone = True, "en", "Europe/Paris"
    manager.save()
    return manager


@pytest.fixture
def waiting(write_post, editor, subscriber):
    """Two posts submitted the day before: two unread lines for the manager."""
    for text in ("Lancement d’été", "Jeu concours"):
        post = services.post_submit(post=write_post(editor, text=text), user=editor)
        Notification.objects.filter(post=post).update(created_at=datetime(2031, 1, 14, 15, 5, tzinfo=UTC))
    return subscriber


def test_the_digest_is_off_by_default(manager):
    assert manager.daily_digest is False


def test_the_profile_turns_it_on(client, editor):
    client.force_login(editor)
    client.post(
        reverse("accounts:profile"), {"display_name": "Éd", "language": "en", "time_zone": "", "daily_digest": "on"}
    )
    editor.refresh_from_db()
    assert editor.daily_digest is True


def test_nothing_leaves_before_the_persons_morning(waiting):
    assert digests_send(now=NIGHT) == 0
    assert mail.outbox == [] and not DigestSent.objects.exists()


def test_one_digest_with_every_unread_line_even_when_the_task_runs_twice(waiting, editor):
    assert digests_send(now=MORNING) == 1
    assert digests_send(now=MORNING) == 0  # a second beat, a retry, a second worker
    assert digests_send(now=MORNING.replace(hour=20)) == 0  # later the same day
    [email] = mail.outbox
    assert email.to == [waiting.email] and email.subject == "Your daily digest: 2 notifications"
    assert "Brand A\n" in email.body
    assert f"- {editor} asks for your review of “Lancement d’été”. (14 Jan., 16:05)" in email.body
    assert "Jeu concours" in email.body and "/notifications/" in email.body and "/me/" in email.body
    assert DigestSent.objects.get().day.isoformat() == "2031-01-15"


def test_the_next_morning_brings_only_what_came_since(waiting, write_post, editor):
    digests_send(now=MORNING)
    post = services.post_submit(post=write_post(editor, text="Le lendemain"), user=editor)
    Notification.objects.filter(post=post).update(created_at=datetime(2031, 1, 15, 12, 0, tzinfo=UTC))
    assert digests_send(now=MORNING.replace(day=16)) == 1
    latest = mail.outbox[-1]
    assert "Le lendemain" in latest.body and "Jeu concours" not in latest.body


def test_read_lines_and_brands_left_are_left_out(waiting):
    Notification.objects.filter(message__contains="Jeu concours").update(read_at=MORNING)
    assert digests_send(now=MORNING) == 1
    assert "Jeu concours" not in mail.outbox[0].body
    Membership.objects.filter(user=waiting).delete()
    assert digests_send(now=MORNING.replace(day=16)) == 0  # nothing of a brand one left


def test_a_day_without_news_sends_nothing(subscriber):
    assert digests_send(now=MORNING) == 0 and mail.outbox == []


def test_the_digest_speaks_the_persons_language(waiting):
    waiting.language = "fr"
    waiting.save()
    digests_send(now=MORNING)
    [email] = mail.outbox
    assert email.subject == "Votre résumé du jour\u00a0: 2 notifications"
    assert "(14 janv., 16:05)" in email.body or "(14 jan., 16:05)" in email.body


def test_beat_runs_the_digest_task():
    app.loader.import_default_modules()  # the worker's autodiscovery of each app's tasks
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "posts.send_digests")
    assert entry["schedule"] <= 3600 and "posts.send_digests" in app.tasks
