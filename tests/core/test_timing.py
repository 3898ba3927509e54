"""Wall times in the brand's zone: the gap and the fold of daylight saving time are refused."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from core.timing import parse_wall_time, wall_time_to_utc

PARIS = ZoneInfo("Europe/Paris")


def test_an_ordinary_time_becomes_its_utc_instant():
    assert wall_time_to_utc(date(2027, 6, 1), time(9, 30), PARIS) == datetime(2027, 6, 1, 7, 30, tzinfo=UTC)


def test_a_time_that_does_not_exist_is_refused():
    with pytest.raises(ValidationError) as error:
        wall_time_to_utc(date(2027, 3, 28), time(2, 30), PARIS)
    assert error.value.code == "nonexistent_time"
    assert "02:30" in error.value.messages[0] and "Europe/Paris" in error.value.messages[0]


def test_a_time_that_exists_twice_is_refused():
    with pytest.raises(ValidationError) as error:
        wall_time_to_utc(date(2027, 10, 31), time(2, 30), PARIS)
    assert error.value.code == "ambiguous_time"


def test_the_minutes_around_the_changes_are_fine():
    assert wall_time_to_utc(date(2027, 3, 28), time(3, 0), PARIS) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    assert wall_time_to_utc(date(2027, 10, 31), time(3, 0), PARIS) == datetime(2027, 10, 31, 2, 0, tzinfo=UTC)


def test_parse_wall_time_reads_the_calendars_links():
    assert parse_wall_time("2027-06-01T09:30") == (date(2027, 6, 1), time(9, 30))
    assert parse_wall_time("nonsense") is None
