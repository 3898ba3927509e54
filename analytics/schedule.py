"""When numbers are read: a decaying schedule after publishing, and followers once a day.

Pure functions of times (no clock, no database), so the schedule is tested with pinned times.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from analytics.models import Slot

SLOTS: tuple[Slot, ...] = tuple(sorted(Slot, key=int))
# A target published longer ago than this when first seen gets no schedule: its slots are gone.
DISCOVERY_WINDOW = timedelta(hours=SLOTS[-1] + 24)


def jitter(key: int) -> timedelta:
    """A steady delay in [0, METRICS_JITTER_SECONDS) for one target or account: posts published
    at the same minute (a campaign's burst) are read spread out, not in one burst."""
    spread = settings.METRICS_JITTER_SECONDS
    if spread <= 0:
        return timedelta(0)
    return timedelta(seconds=(key * 2_654_435_761) % 4_294_967_296 / 4_294_967_296 * spread)


def slot_due_at(published_at: datetime, slot: int, key: int) -> datetime:
    return published_at + timedelta(hours=int(slot)) + jitter(key)


def first_slot(published_at: datetime, now: datetime) -> Slot | None:
    """The slot a newly seen target starts at: the latest one already due (a target seen late,
    after a restart, is read once for it rather than for every slot it missed), else the first."""
    if now - published_at > DISCOVERY_WINDOW:
        return None
    passed = [slot for slot in SLOTS if published_at + timedelta(hours=int(slot)) <= now]
    return passed[-1] if passed else SLOTS[0]


def slot_after(slot: int) -> Slot | None:
    later = [candidate for candidate in SLOTS if int(candidate) > int(slot)]
    return later[0] if later else None


def followers_due_after(now: datetime, zone: str, key: int) -> datetime:
    """The next daily followers read: shortly after the brand's next midnight, jittered."""
    local = now.astimezone(ZoneInfo(zone))
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0, 30), tzinfo=local.tzinfo)
    return midnight + jitter(key)
