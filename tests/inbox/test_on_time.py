"""On time: a conversation about to miss the brand's response target is highlighted on the list
and its assignee (else the brand's managers) told once, through the notifications, while the
team works (inbox/ontime.py, run by beat). The clock is pinned (Paris, business hours 9-18)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from inbox import services, tasks
from inbox.states import Move
from networks.capabilities.conversations import MessageKind
from notifications.models import Notification, NotificationKind
from tests.inbox.conftest import inbound, store

TUESDAY_10 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 10:00 in Paris
FRIDAY_17 = datetime(2026, 12, 4, 16, 0, tzinfo=UTC)  # 17:00 in Paris


class Clock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock(monkeypatch):
    pinned = Clock(TUESDAY_10)
    monkeypatch.setattr(timezone, "now", pinned)
    return pinned


def notices(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user, kind=NotificationKind.INBOX_DUE).values_list("message", flat=True)
    )


def mention(account, remote_id: str, at: datetime):
    store(account, inbound("Vous êtes là ?", remote_id=remote_id, kind=MessageKind.MENTION, author="@claire", at=at))
    return services.Conversation.objects.get(root_remote_id=remote_id)


def test_beat_looks_for_answers_about_to_be_late():
    entry = settings.CELERY_BEAT_SCHEDULE["inbox-warn-due"]
    assert entry["task"] == tasks.warn_due.name == "inbox.warn_due"


def test_the_managers_are_told_once_when_nobody_holds_it(clock, account, owner, manager, editor):
    mention(account, "m1", TUESDAY_10)  # due at 11:00, Paris
    clock.moment = TUESDAY_10 + timedelta(minutes=40)
    assert tasks.warn_due() == 0  # 20 minutes left: not yet
    clock.moment = TUESDAY_10 + timedelta(minutes=47)
    assert tasks.warn_due() == 1
    clock.moment = TUESDAY_10 + timedelta(minutes=50)
    assert tasks.warn_due() == 0  # told once, not twice
    assert len(notices(manager)) == 1 and notices(manager)[0].startswith("@claire is waiting for an answer, due by")
    assert len(notices(owner)) == 1 and notices(editor) == []


def test_the_assignee_alone_is_told_and_a_new_clock_warns_again(clock, account, manager, editor):
    conversation = mention(account, "m2", TUESDAY_10)
    services.conversation_assign(conversation=conversation, user=editor, assignee=editor)
    clock.moment = TUESDAY_10 + timedelta(minutes=50)
    tasks.warn_due()
    assert len(notices(editor)) == 1 and notices(manager) == []
    services.conversation_move(conversation=conversation, user=editor, move=Move.WAIT)
    services.conversation_move(conversation=conversation, user=editor, move=Move.REOPEN)  # due at 11:50
    clock.moment = TUESDAY_10 + timedelta(minutes=100)
    tasks.warn_due()
    assert len(notices(editor)) == 2


def test_nobody_is_told_outside_business_hours_and_the_late_one_is_told_at_opening(clock, account, manager):
    mention(account, "m3", FRIDAY_17 - timedelta(minutes=30))  # 16:30, due at 17:30 Friday
    clock.moment = FRIDAY_17 + timedelta(hours=2)  # 19:00: closed, already late
    assert tasks.warn_due() == 0
    clock.moment = FRIDAY_17 + timedelta(days=1)  # Saturday: closed
    assert tasks.warn_due() == 0
    assert notices(manager) == []
    clock.moment = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # Monday 09:00 in Paris
    assert tasks.warn_due() == 1
    assert "the response target is missed" in notices(manager)[0]


def test_a_conversation_about_to_be_late_is_highlighted_on_the_list(client, clock, account, brand_a, viewer):
    mention(account, "m4", TUESDAY_10)
    clock.moment = TUESDAY_10 + timedelta(minutes=50)
    client.force_login(viewer)
    page = client.get(reverse("inbox:list", kwargs={"brand_slug": brand_a.slug})).content.decode()
    assert "inbox-row-soon" in page and "due-soon" in page
