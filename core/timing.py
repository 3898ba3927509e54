"""Wall times in a brand's zone: turning what a person typed into one exact instant.

Twice a year a wall time is not one instant: on the night clocks go forward, 02:30 in Paris
never happens (a gap); on the night they go back, it happens twice (a fold). zoneinfo answers
both silently, so we check by round-tripping through UTC and refuse with a clear message.

Every date a person types or a client sends is also kept between EARLIEST_DAY and LATEST_DAY:
Python's datetime ends at years 1 and 9999, so 0001-01-01 00:00 in Paris has no UTC instant and
9999-12-31 23:00 UTC no New York one (OverflowError wherever a page converts it). The range is
far inside what any zone converts and wider than anything a desk plans or looks back on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.formats import time_format
from django.utils.translation import gettext as _

EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)


def validate_day_in_range(value: date | datetime) -> None:
    """A validator for every date and date-time field (forms and API): EARLIEST_DAY to LATEST_DAY."""
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationError(
            _("Choose a date between %(earliest)s and %(latest)s.")
            % {"earliest": EARLIEST_DAY.isoformat(), "latest": LATEST_DAY.isoformat()},
            code="date_out_of_range",
        )


def wall_time_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant (UTC) of `day` `at` in `zone`; ValidationError if it does not exist, is
    ambiguous, or falls outside the dates we take."""
    validate_day_in_range(day)
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
        validate_day_in_range(moment)
    except (ValueError, AttributeError, ValidationError):
        return None
    return moment.date(), moment.time()
