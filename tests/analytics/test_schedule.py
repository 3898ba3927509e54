"""The decaying schedule, with pinned times (analytics/schedule.py is pure)."""

from datetime import UTC, datetime, timedelta

from analytics.models import Slot
from analytics.schedule import first_slot, followers_due_after, jitter, slot_after, slot_due_at

PUBLISHED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_slots_run_1h_6h_24h_3d_7d_30d_then_stop():
    slots, slot = [], first_slot(PUBLISHED, PUBLISHED)
    while slot is not None:
        slots.append(slot)
        slot = slot_after(slot)
    assert [timedelta(hours=int(s)) for s in slots] == [
        timedelta(hours=1),
        timedelta(hours=6),
        timedelta(hours=24),
        timedelta(days=3),
        timedelta(days=7),
        timedelta(days=30),
    ]


def test_a_target_seen_late_starts_at_the_latest_slot_already_due(settings):
    assert first_slot(PUBLISHED, PUBLISHED + timedelta(minutes=59)) == Slot.H1
    assert first_slot(PUBLISHED, PUBLISHED + timedelta(hours=7)) == Slot.H6
    assert first_slot(PUBLISHED, PUBLISHED + timedelta(days=8)) == Slot.D7
    assert first_slot(PUBLISHED, PUBLISHED + timedelta(days=32)) is None


def test_due_times_are_the_slot_plus_a_steady_jitter_within_the_spread(settings):
    settings.METRICS_JITTER_SECONDS = 600
    dues = [slot_due_at(PUBLISHED, Slot.H1, target_id) for target_id in range(1, 201)]
    assert all(PUBLISHED + timedelta(hours=1) <= due < PUBLISHED + timedelta(hours=1, minutes=10) for due in dues)
    # Posts published at the same minute are read spread out: no minute takes more than a fifth.
    by_minute: dict[int, int] = {}
    for due in dues:
        by_minute[due.minute] = by_minute.get(due.minute, 0) + 1
    assert len(by_minute) == 10 and max(by_minute.values()) <= 40
    assert slot_due_at(PUBLISHED, Slot.H1, 7) == slot_due_at(PUBLISHED, Slot.H1, 7)


def test_no_jitter_when_the_spread_is_zero(settings):
    settings.METRICS_JITTER_SECONDS = 0
    assert jitter(12345) == timedelta(0)


def test_followers_are_due_after_the_brands_next_midnight_even_across_a_clock_change(settings):
    settings.METRICS_JITTER_SECONDS = 0
    # Saturday 28 March 2026, 23:00 in Paris: the clocks go forward that night.
    now = datetime(2026, 3, 28, 22, 0, tzinfo=UTC)
    due = followers_due_after(now, "Europe/Paris", 1)
    assert due == datetime(2026, 3, 29, 0, 30, tzinfo=due.tzinfo)
    assert due.utcoffset() == timedelta(hours=1)  # 00:30 is still winter time
