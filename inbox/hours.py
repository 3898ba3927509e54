"""Business hours: when the brand's team answers, in the brand's time zone.

Response times are counted in business time (a message at 19:00 on Friday answered at 09:30 on
Monday took 30 minutes, not 62 hours), and a reply is due once the brand's target of business
minutes has passed. Days are walked in the brand's zone, so a clock change moves nothing: a
09:00 opening is 09:00 local on both sides of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Monday to Friday, 09:00 to 18:00 (weekday 0 is Monday), unless the brand says otherwise.
DEFAULT_HOURS: dict[str, list[str]] = {str(day): ["09:00", "18:00"] for day in range(5)}
MAX_DAYS = 400  # a search for open hours gives up after this (a brand with no hours at all)


@dataclass(frozen=True)
class BusinessHours:
    zone: ZoneInfo
    days: dict[int, tuple[time, time]]  # weekday -> (opens, closes), local time

    @classmethod
    def of(cls, zone_name: str, hours: dict[str, list[str]] | None) -> BusinessHours:
        days = {}
        for day, (opens, closes) in (hours if hours is not None else DEFAULT_HOURS).items():
            start, end = time.fromisoformat(opens), time.fromisoformat(closes)
            if start < end:
                days[int(day)] = (start, end)
        return cls(ZoneInfo(zone_name), days)

    def _open_interval(self, day: date) -> tuple[datetime, datetime] | None:
        if day.weekday() not in self.days:
            return None
        opens, closes = self.days[day.weekday()]
        return datetime.combine(day, opens, self.zone), datetime.combine(day, closes, self.zone)

    def _intervals_from(self, moment: datetime):
        """Open intervals (aware, local) from the day of `moment` on."""
        day = moment.astimezone(self.zone).date()
        for offset in range(MAX_DAYS):
            interval = self._open_interval(day + timedelta(days=offset))
            if interval is not None:
                yield interval

    def is_open(self, moment: datetime) -> bool:
        """Whether the team works at `moment`."""
        interval = self._open_interval(moment.astimezone(self.zone).date())
        return interval is not None and interval[0] <= moment < interval[1]

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Business seconds from `start` to `end` (0 when end is not after start)."""
        total = 0.0
        for opens, closes in self._intervals_from(start):
            if opens >= end:
                break
            overlap = (min(closes, end) - max(opens, start)).total_seconds()
            total += max(0.0, overlap)
        return total

    def add(self, start: datetime, seconds: float) -> datetime | None:
        """The instant `seconds` of business time after `start` (None: the brand never opens)."""
        left = seconds
        for opens, closes in self._intervals_from(start):
            begin = max(opens, start)
            if begin >= closes:
                continue
            available = (closes - begin).total_seconds()
            if left <= available:
                return begin + timedelta(seconds=left)
            left -= available
        return None
