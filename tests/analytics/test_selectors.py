"""The analytics numbers read straight from the selectors: days cut at the brand's midnights."""

from datetime import UTC, date, datetime

import pytest

from analytics import selectors
from analytics.selectors import Filters
from tests.analytics.conftest import published


@pytest.mark.django_db
def test_the_trend_puts_each_post_on_its_day_in_the_brands_zone_across_the_clock_change(brand_a, fake_account):
    brand_a.time_zone = "Europe/Paris"
    brand_a.save(update_fields=["time_zone"])
    # Paris leaves summer time on Sunday 25 October 2026 (a day of 25 hours): 22:30 UTC on the
    # 25th is 23:30 in Paris, still the 25th; 23:30 UTC is already the 26th there.
    published(fake_account, at=datetime(2026, 10, 24, 21, 59, tzinfo=UTC))  # 23:59 on the 24th (summer time)
    published(fake_account, at=datetime(2026, 10, 24, 22, 0, tzinfo=UTC))  # 00:00 on the 25th
    published(fake_account, at=datetime(2026, 10, 25, 22, 30, tzinfo=UTC))  # 23:30 on the 25th
    published(fake_account, at=datetime(2026, 10, 25, 23, 30, tzinfo=UTC))  # 00:30 on the 26th

    trend = selectors.trend(brand_a, Filters(start=date(2026, 10, 23), end=date(2026, 10, 27)))

    assert trend["days"] == ["2026-10-23", "2026-10-24", "2026-10-25", "2026-10-26", "2026-10-27"]
    assert trend["published"] == [0, 1, 2, 1, 0]
    assert trend["engagement"] == [None] * 5  # nothing read yet: not available, not 0


@pytest.mark.django_db
def test_the_trend_counts_only_the_periods_planned_posts_that_were_published(brand_a, fake_account):
    published(fake_account, at=datetime(2026, 10, 5, 10, tzinfo=UTC))
    failed = published(fake_account, at=datetime(2026, 10, 5, 11, tzinfo=UTC))
    failed.state, failed.published_at = "failed", None
    failed.save(update_fields=["state", "published_at"])
    published(fake_account, at=datetime(2026, 10, 9, 10, tzinfo=UTC))  # after the period

    trend = selectors.trend(brand_a, Filters(start=date(2026, 10, 5), end=date(2026, 10, 6)))

    assert trend["published"] == [1, 0]
