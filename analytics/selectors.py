"""The numbers of a brand's analytics page, its reports and its API, read in a fixed number of
queries from the engine's targets (publishing) and the rollups (metrics), never from snapshots.

A number no post gave is None ("not available"), never 0: every metric comes with how many
targets gave it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum

from accounts.models import Brand
from analytics.models import (
    ENGAGEMENT,
    ENGAGEMENT_WITH_REACH,
    AccountSnapshot,
    DailyRollup,
    HourRollup,
    SnapshotSchedule,
)
from networks.capabilities.metrics import Metric
from networks.registry import get_adapter_class
from posts.models import PostTarget, TargetState

PERIODS = (7, 30, 90)


@dataclass(frozen=True)
class Filters:
    start: date  # inclusive, in the brand's zone
    end: date  # inclusive
    network: str = ""
    campaign: int | None = None  # a campaign id; 0: posts without a campaign

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass
class Publishing:
    planned: int = 0
    published: int = 0
    failed: int = 0
    on_time: int = 0
    average_lateness: float | None = None  # seconds

    @property
    def on_time_rate(self) -> float | None:
        return None if not self.published else self.on_time / self.published


@dataclass
class Totals:
    """Sums of the latest numbers of the period's posts, per metric; absent: not available."""

    sums: dict[str, int] = field(default_factory=dict)
    posts: dict[str, int] = field(default_factory=dict)  # how many posts gave each metric

    def get(self, metric: str) -> int | None:
        return self.sums.get(metric)

    @property
    def engagement(self) -> int | None:
        return self.sums.get(ENGAGEMENT)

    @property
    def engagement_rate(self) -> float | None:
        """Engagement over reach, on the posts whose network gives their reach only."""
        reach, engaged = self.sums.get(str(Metric.REACH)), self.sums.get(ENGAGEMENT_WITH_REACH)
        return None if not reach or engaged is None else engaged / reach


def period_bounds(brand: Brand, filters: Filters) -> tuple[datetime, datetime]:
    """The period's first and last instants (the brand's midnights)."""
    zone = ZoneInfo(brand.time_zone)
    return (
        datetime.combine(filters.start, time.min, tzinfo=zone),
        datetime.combine(filters.end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _targets(brand: Brand, filters: Filters) -> QuerySet:
    targets = PostTarget.objects.filter(post__brand=brand)
    if filters.network:
        targets = targets.filter(account__network=filters.network)
    if filters.campaign is not None:
        targets = targets.filter(**_campaign_lookup("post", filters.campaign))
    return targets


def _campaign_lookup(prefix: str, campaign: int) -> dict:
    return {f"{prefix}__campaign_id": campaign} if campaign else {f"{prefix}__campaign__isnull": True}


def _rollups(model, brand: Brand, filters: Filters, *, dated: bool = True) -> QuerySet:
    rows = model.objects.filter(brand=brand)
    if dated:
        rows = rows.filter(day__gte=filters.start, day__lte=filters.end)
    if filters.network:
        rows = rows.filter(network=filters.network)
    if filters.campaign is not None and model is DailyRollup:
        rows = rows.filter(campaign_key=filters.campaign)
    return rows


def _publishing_groups(brand: Brand, filters: Filters) -> list[dict]:
    """One row per network and campaign: the engine's targets scheduled in the period."""
    start, end = period_bounds(brand, filters)
    published = Q(state=TargetState.PUBLISHED)
    return list(
        _targets(brand, filters)
        .filter(post__scheduled_at__gte=start, post__scheduled_at__lt=end)
        .exclude(state=TargetState.CANCELLED)
        .values("account__network", "post__campaign_id")
        .annotate(
            planned=Count("pk"),
            published=Count("pk", filter=published),
            failed=Count("pk", filter=Q(state=TargetState.FAILED)),
            on_time=Count("pk", filter=published & Q(lateness_seconds__lte=settings.ANALYTICS_ON_TIME_SECONDS)),
            lateness=Sum("lateness_seconds", filter=published),
        )
    )


def _publishing_of(rows: list[dict]) -> Publishing:
    result, lateness = Publishing(), 0.0
    for row in rows:
        result.planned += row["planned"]
        result.published += row["published"]
        result.failed += row["failed"]
        result.on_time += row["on_time"]
        lateness += row["lateness"] or 0.0
    result.average_lateness = lateness / result.published if result.published else None
    return result


def publishing(brand: Brand, filters: Filters) -> Publishing:
    """From the engine's own records: targets scheduled in the period (published_at vs scheduled_at)."""
    return _publishing_of(_publishing_groups(brand, filters))


def _rollup_groups(brand: Brand, filters: Filters) -> list[dict]:
    """One row per network, campaign and metric of the period's rollups."""
    return list(
        _rollups(DailyRollup, brand, filters)
        .values("network", "campaign_key", "metric")
        .annotate(s=Sum("total"), n=Sum("count"))
    )


def _totals_of(rows: list[dict]) -> Totals:
    result = Totals()
    for row in rows:
        if row["n"]:
            result.sums[row["metric"]] = result.sums.get(row["metric"], 0) + row["s"]
            result.posts[row["metric"]] = result.posts.get(row["metric"], 0) + row["n"]
    return result


def totals(brand: Brand, filters: Filters) -> Totals:
    return _totals_of(_rollup_groups(brand, filters))


def _split(rows: list[dict], key) -> dict[object, list[dict]]:
    grouped: dict[object, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return grouped


def trend(brand: Brand, filters: Filters) -> dict[str, list]:
    """Per day of the period: posts published and their engagement (None: not available)."""
    start, end = period_bounds(brand, filters)
    days = [filters.start + timedelta(days=n) for n in range(filters.days)]
    # Each day's first instant in the brand's zone; the published instants are put in their day
    # here rather than by a time-zone function on every row in the database.
    zone = ZoneInfo(brand.time_zone)
    midnights = [datetime.combine(day, time.min, tzinfo=zone) for day in days]
    published = [0] * len(days)
    instants = (
        _targets(brand, filters)
        .filter(state=TargetState.PUBLISHED, published_at__gte=start, published_at__lt=end)
        .values_list("published_at", flat=True)
    )
    for instant in instants:
        published[bisect_right(midnights, instant) - 1] += 1
    engagement = dict(
        _rollups(DailyRollup, brand, filters)
        .filter(metric=ENGAGEMENT)
        .values("day")
        .annotate(s=Sum("total"))
        .values_list("day", "s")
    )
    return {
        "days": [day.isoformat() for day in days],
        "published": published,
        "engagement": [engagement.get(day) for day in days],
    }


def top_posts(brand: Brand, filters: Filters, limit: int = 5) -> list[SnapshotSchedule]:
    start, end = period_bounds(brand, filters)
    rows = SnapshotSchedule.objects.filter(
        brand=brand, published_at__gte=start, published_at__lt=end, engagement__isnull=False
    )
    if filters.network:
        rows = rows.filter(account__network=filters.network)
    if filters.campaign is not None:
        rows = rows.filter(**_campaign_lookup("target__post", filters.campaign))
    return list(rows.select_related("target__post", "account").order_by("-engagement", "pk")[:limit])


def follower_growth(brand: Brand, filters: Filters) -> tuple[int | None, int | None]:
    """(followers at the end, growth over the period) summed over the brand's accounts that
    were read at both ends of it; None when no account gives followers."""
    rows = AccountSnapshot.objects.filter(
        account__brand=brand,
        metric=str(Metric.FOLLOWERS),
        value__isnull=False,
        day__gte=filters.start - timedelta(days=1),
        day__lte=filters.end,
    )
    if filters.network:
        rows = rows.filter(account__network=filters.network)
    series: dict[int, list[int]] = defaultdict(list)
    for account_id, value in rows.order_by("day").values_list("account_id", "value"):
        series[account_id].append(int(value or 0))
    if not series:
        return None, None
    latest = sum(values[-1] for values in series.values())
    return latest, sum(values[-1] - values[0] for values in series.values() if len(values) > 1)


def best_hours(brand: Brand, filters: Filters) -> list[list[float | None]]:
    """7 x 24: average engagement of a post published at that weekday and hour (None: no post),
    from the brand's whole history."""
    grid: list[list[float | None]] = [[None] * 24 for _ in range(7)]
    rows = (
        _rollups(HourRollup, brand, filters, dated=False)
        .filter(metric=ENGAGEMENT)
        .values("weekday", "hour")
        .annotate(s=Sum("total"), n=Sum("count"))
    )
    for row in rows:
        if row["n"]:
            grid[row["weekday"]][row["hour"]] = row["s"] / row["n"]
    return grid


def network_name(slug: str) -> str:
    try:
        return str(get_adapter_class(slug).name)
    except LookupError:
        return slug


def _engagement(totals: object) -> int | None:
    return totals.engagement if isinstance(totals, Totals) else None


def page_numbers(brand: Brand, filters: Filters) -> dict:
    """Everything the analytics page shows, in a fixed number of queries."""
    campaigns = dict(brand.campaigns.values_list("pk", "name"))
    targets, rollups = _publishing_groups(brand, filters), _rollup_groups(brand, filters)
    targets_by_network = _split(targets, lambda row: row["account__network"])
    rollups_by_network = _split(rollups, lambda row: row["network"])
    targets_by_campaign = _split(targets, lambda row: row["post__campaign_id"] or 0)
    rollups_by_campaign = _split(rollups, lambda row: row["campaign_key"])
    networks = [
        {
            "slug": slug,
            "name": network_name(str(slug)),
            "published": _publishing_of(targets_by_network.get(slug, [])).published,
            "totals": _totals_of(rollups_by_network.get(slug, [])),
        }
        for slug in sorted(set(targets_by_network) | set(rollups_by_network), key=str)
    ]
    campaign_rows = [
        {
            "name": campaigns.get(int(str(key)), "—") if key else None,
            "published": _publishing_of(targets_by_campaign.get(key, [])).published,
            "totals": _totals_of(rollups_by_campaign.get(key, [])),
        }
        for key in sorted(set(targets_by_campaign) | set(rollups_by_campaign), key=lambda k: int(str(k)))
    ]
    followers, growth = follower_growth(brand, filters)
    grid = best_hours(brand, filters)
    return {
        "publishing": _publishing_of(targets),
        "totals": _totals_of(rollups),
        "followers": followers,
        "follower_growth": growth,
        "networks": networks,
        "campaigns": campaign_rows,
        "top_posts": top_posts(brand, filters),
        "best_hours": grid,
        "best_hours_peak": max((v for row in grid for v in row if v is not None), default=None),
        "chart_data": {
            "trend": trend(brand, filters),
            "networks": {
                "labels": [row["name"] for row in networks],
                "published": [row["published"] for row in networks],
                "engagement": [_engagement(row["totals"]) for row in networks],
            },
        },
    }
