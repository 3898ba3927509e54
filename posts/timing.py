"""Wall times in a brand's zone: turning what a person typed into one exact instant.

Twice a year a wall time is not one instant: on the night clocks go forward, 02:30 in Paris
never happens (a gap); on the night they go back, it happens twice (a fold). zoneinfo answers
both silently, so we check by round-tripping through UTC and refuse with a clear message.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.formats import time_format
from django.utils.translation import gettext as _


def wall_time_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant (UTC) of `day` `at` in `zone`; ValidationError if it does not exist or is ambiguous."""
    naive = datetime.combine(day, at.replace(second=0, microsecond=0, tzinfo=None))
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if _round_trips(first) != naive and _round_trips(second) != naive:
        raise ValidationError(
            _("%(time)s does not exist on %(day)s in %(zone)s: the clocks go forward that night. Choose another time.")
            % {"time": time_format(at, "H:i"), "day": day.isoformat(), "zone": zone.key},
            code="nonexistent_time",
        )
    if first.utcoffset() != second.utcoffset():
        raise ValidationError(
            _("%(time)s happens twice on %(day)s in %(zone)s: the clocks go back that night. Choose another time.")
            % {"time": time_format(at, "H:i"), "day": day.isoformat(), "zone": zone.key},
            code="ambiguous_time",
        )
    return first.astimezone(UTC)


def _round_trips(aware: datetime) -> datetime:
    return aware.astimezone(UTC).astimezone(aware.tzinfo).replace(tzinfo=None, fold=0)


def parse_wall_time(value: str) -> tuple[date, time] | None:
    """`YYYY-MM-DDTHH:MM` (the calendar's ?at= links) as a date and a time, or None."""
    try:
        moment = datetime.strptime(value.strip()[:16], "%Y-%m-%dT%H:%M")
    except (ValueError, AttributeError):
        return None
    return moment.date(), moment.time()
