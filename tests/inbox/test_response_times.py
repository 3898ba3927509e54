"""Business hours and response times (inbox/hours.py): counted in the brand's open hours and
zone; a reply is due when the target runs out; a late conversation shows as late."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inbox import selectors, sending, services
from inbox.hours import BusinessHours
from inbox.models import Conversation
from inbox.states import Move
from tests.inbox.conftest import inbound, store

PARIS = "Europe/Paris"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_time_outside_business_hours_does_not_count():
    hours = BusinessHours.of(PARIS, None)  # Monday to Friday, 09:00-18:00, Paris
    friday_evening = at("2026-11-27T19:00:00+01:00")
    monday_morning = at("2026-11-30T09:30:00+01:00")
    assert hours.seconds_between(friday_evening, monday_morning) == 30 * 60
    assert hours.add(friday_evening, 60 * 60) == at("2026-11-30T10:00:00+01:00")


def test_a_target_spanning_the_night_resumes_the_next_morning():
    hours = BusinessHours.of(PARIS, None)
    assert hours.add(at("2026-11-26T17:30:00+01:00"), 60 * 60) == at("2026-11-27T09:30:00+01:00")


def test_opening_hours_stay_local_across_the_clock_change():
    hours = BusinessHours.of(PARIS, {str(d): ["09:00", "18:00"] for d in range(7)})
    saturday = at("2026-03-28T17:00:00+01:00")  # clocks go forward on Sunday 29 March
    assert hours.add(saturday, 2 * 3600) == at("2026-03-29T10:00:00+02:00")


def test_a_brand_that_never_opens_has_no_due_time():
    assert BusinessHours.of(PARIS, {}).add(at("2026-11-26T10:00:00+01:00"), 60) is None


@pytest.fixture
def paris_tuesday(monkeypatch):
    """The clock pinned to a Tuesday at 10:00 in Paris (09:00 UTC)."""
    moment = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def test_their_message_starts_the_clock_and_our_reply_stops_it(client, paris_tuesday, account, target, editor):
    store(account, inbound("Bonjour ?", remote_id="q", in_reply_to=target.remote_id, at=paris_tuesday))
    conversation = Conversation.objects.get()
    assert conversation.reply_due_at == paris_tuesday + timedelta(hours=1)  # 60 business minutes
    reply = services.reply_create(conversation=conversation, user=editor, text="Bonjour !")
    sending.reply_send(reply_id=reply.pk)
    conversation.refresh_from_db()
    assert conversation.reply_due_at is None
    assert conversation.first_response_seconds == 0  # the clock was pinned: answered at once
    figures = selectors.response_times(account.brand, since=paris_tuesday - timedelta(days=1))
    assert figures["brand"] == {"answered": 1, "median_minutes": 0.0}
    client.force_login(editor)
    page = client.get(reverse("inbox:conversation", args=[account.brand.slug, conversation.pk])).content.decode()
    assert "First answer after 0 min of business hours (target: 60 min)." in page


def test_putting_a_conversation_aside_stops_the_clock_and_reopening_starts_it(paris_tuesday, conversation, editor):
    services.conversation_move(conversation=conversation, user=editor, move=Move.RESOLVE)
    conversation.refresh_from_db()
    assert conversation.reply_due_at is None
    services.conversation_move(conversation=conversation, user=editor, move=Move.REOPEN)
    conversation.refresh_from_db()
    assert conversation.reply_due_at == paris_tuesday + timedelta(hours=1)


def test_a_late_conversation_shows_as_late_and_one_about_to_be_shows_when(client, editor, account, brand_a):
    now = timezone.now()
    store(account, inbound("En retard", remote_id="late", kind="mention"))
    store(account, inbound("Bientôt", remote_id="soon", kind="mention"))
    Conversation.objects.filter(root_remote_id="late").update(reply_due_at=now - timedelta(minutes=5))
    Conversation.objects.filter(root_remote_id="soon").update(reply_due_at=now + timedelta(minutes=10))
    client.force_login(editor)
    html = client.get(reverse("inbox:list", args=[brand_a.slug])).content.decode()
    assert html.count('class="badge text-bg-danger due-late"') == 1
    assert 'class="badge text-bg-warning due-soon">Due in' in html
