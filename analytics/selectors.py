"""The numbers of a brand's analytics page, its reports and its API, read in a fixed number of
queries from the engine's targets (publishing) and the rollups (metrics), never from snapshots.

A number no post gave is None ("not available"), never 0: every metric comes with how many
targets gave it.

Speed (bench/bench_analytics.py: 10,000 targets in 90 days): the engine's numbers come from one
grouped pass over the period's targets (their posts' (brand, scheduled_at) index, no join to the
accounts: the brand's few accounts are read once and mapped here), the trend's days are bucketed
by the database, metrics come from the daily rollups (only the metrics a page shows), and top
posts are picked by id before their rows are read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Expression, F, IntegerField, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import Brand
from analytics.models import (
    ENGAGEMENT,
    ENGAGEMENT_WITH_REACH,
    AccountSnapshot,
    DailyRollup,
    HourRollup,
    SnapshotSchedule,
)
from inbox.selectors import community_numbers
from listening.selectors import period_numbers
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

    @classmethod
    def last_days(cls, brand: Brand, days: int, *, network: str = "", campaign: int | None = None) -> Filters:
        """The `days` days ending today in the brand's zone (the page's periods, the API's default)."""
        end = timezone.now().astimezone(brand.tz).date()
        return cls(start=end - timedelta(days=days - 1), end=end, network=network, campaign=campaign)


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


# What the analytics page shows of the rollups (reports show every metric): engagement, and reach
# with the engagement of the posts that give it (the engagement rate).
PAGE_METRICS = (ENGAGEMENT, ENGAGEMENT_WITH_REACH, str(Metric.REACH))


def accounts_of(brand: Brand) -> dict[int, str]:
    """The brand's accounts and their network: read once, so no query joins the accounts table."""
    return dict(brand.network_accounts.values_list("pk", "network"))


def _planned(brand: Brand, filters: Filters, accounts: dict[int, str]) -> QuerySet:
    """The engine's targets planned in the period (by their post's time), cancelled ones aside."""
    start, end = period_bounds(brand, filters)
    targets = PostTarget.objects.filter(
        post__brand=brand, post__scheduled_at__gte=start, post__scheduled_at__lt=end
    ).exclude(state=TargetState.CANCELLED)
    if filters.network:
        targets = targets.filter(account_id__in=[pk for pk, slug in accounts.items() if slug == filters.network])
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


def _publishing_groups(brand: Brand, filters: Filters, accounts: dict[int, str]) -> list[dict]:
    """One row per account and campaign (with its account's network): the period's targets."""
    published = Q(state=TargetState.PUBLISHED)
    rows = (
        _planned(brand, filters, accounts)
        .values("account_id", "post__campaign_id")
        .annotate(
            planned=Count("pk"),
            published=Count("pk", filter=published),
            failed=Count("pk", filter=Q(state=TargetState.FAILED)),
            on_time=Count("pk", filter=published & Q(lateness_seconds__lte=settings.ANALYTICS_ON_TIME_SECONDS)),
            lateness=Sum("lateness_seconds", filter=published),
        )
    )
    return [
        {**row, "network": accounts.get(row["account_id"], ""), "campaign": row["post__campaign_id"] or 0}
        for row in rows
    ]


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
    return _publishing_of(_publishing_groups(brand, filters, accounts_of(brand)))


def _rollup_groups(brand: Brand, filters: Filters, metrics: Collection[str] | None = None) -> list[dict]:
    """One row per network, campaign and metric of the period's rollups (`metrics` only, if given)."""
    rows = _rollups(DailyRollup, brand, filters)
    if metrics is not None:
        rows = rows.filter(metric__in=list(metrics))
    return list(rows.values("network", "campaign_key", "metric").annotate(s=Sum("total"), n=Sum("count")))


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


class DayIndex(Expression):
    """The number of the day holding `field` (midnights[i] <= field < midnights[i + 1]) as a
    balanced CASE: a handful of comparisons a row (7 for 90 days), exact on the days the clocks
    change (23 or 25 hours), the same SQL on every database. A time-zone function instead runs
    Python on every row on SQLite; and the same CASE built of Case/When objects took Django
    longer to compile (10 ms for 90 days) than the database to run, so its SQL is written here."""

    output_field = IntegerField()

    def __init__(self, field: str, midnights: Sequence[datetime]) -> None:
        super().__init__()
        self.moment: Any = F(field)
        self.midnights = list(midnights)

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = self.copy()
        resolved.moment = self.moment.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return resolved

    def get_source_expressions(self) -> list:
        return [self.moment]

    def set_source_expressions(self, exprs) -> None:
        (self.moment,) = exprs

    def as_sql(self, compiler, connection):
        column, column_params = compiler.compile(self.moment)
        bounds = [connection.ops.adapt_datetimefield_value(midnight) for midnight in self.midnights]
        params: list = []

        def case(first: int, last: int) -> str:
            if first == last:
                return str(first)
            middle = (first + last + 1) // 2
            params.extend([*column_params, bounds[middle]])
            below = case(first, middle - 1)
            above = case(middle, last)
            return f"CASE WHEN {column} < %s THEN {below} ELSE {above} END"

        return case(0, len(bounds) - 1), params


def trend(brand: Brand, filters: Filters, accounts: dict[int, str] | None = None) -> dict[str, list]:
    """Per day of the period: the period's planned targets published that day, and the
    engagement of the posts published that day (None: not available)."""
    accounts = accounts_of(brand) if accounts is None else accounts
    start, end = period_bounds(brand, filters)
    days = [filters.start + timedelta(days=n) for n in range(filters.days)]
    zone = ZoneInfo(brand.time_zone)
    midnights = [datetime.combine(day, time.min, tzinfo=zone) for day in days]
    published = [0] * len(days)
    by_day = (
        _planned(brand, filters, accounts)
        .filter(state=TargetState.PUBLISHED, published_at__gte=start, published_at__lt=end)
        .annotate(day=DayIndex("published_at", midnights))
        .values("day")
        .annotate(n=Count("pk"))
    )
    for row in by_day:
        published[row["day"]] = row["n"]
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
    # The best ids from the schedule table alone, then only those rows with their posts: joined
    # first, the database would read every post of the period to sort them.
    ids = list(rows.order_by("-engagement", "pk").values_list("pk", flat=True)[:limit])
    found = SnapshotSchedule.objects.select_related("target__post", "account").in_bulk(ids)
    return [found[pk] for pk in ids]


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


def page_numbers(brand: Brand, filters: Filters, *, metrics: Collection[str] | None = None, top: int = 5) -> dict:
    """Everything the analytics page (`metrics`: PAGE_METRICS) or a report (every metric, more
    top posts) shows, in a fixed number of queries: the engine's, the rollups', the inbox's
    (response times, sentiment) and listening's (mentions, spikes, incidents)."""
    campaigns = dict(brand.campaigns.values_list("pk", "name"))
    accounts = accounts_of(brand)
    targets, rollups = _publishing_groups(brand, filters, accounts), _rollup_groups(brand, filters, metrics)
    targets_by_network = _split(targets, lambda row: row["network"])
    rollups_by_network = _split(rollups, lambda row: row["network"])
    targets_by_campaign = _split(targets, lambda row: row["campaign"])
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
            "id": int(str(key)) or None,
            "name": campaigns.get(int(str(key)), "—") if key else None,
            "published": _publishing_of(targets_by_campaign.get(key, [])).published,
            "totals": _totals_of(rollups_by_campaign.get(key, [])),
        }
        for key in sorted(set(targets_by_campaign) | set(rollups_by_campaign), key=lambda k: int(str(k)))
    ]
    followers, growth = follower_growth(brand, filters)
    grid = best_hours(brand, filters)
    start, end = period_bounds(brand, filters)
    return {
        # The inbox and listening are the brand's whole: the network and campaign filters
        # narrow posts, not conversations or mentions.
        "community": community_numbers(brand, start=start, end=end, networks=set(accounts.values())),
        "listening": period_numbers(brand, start=start, end=end),
        "publishing": _publishing_of(targets),
        "totals": _totals_of(rollups),
        "followers": followers,
        "follower_growth": growth,
        "networks": networks,
        "campaigns": campaign_rows,
        "top_posts": top_posts(brand, filters, limit=top),
        "best_hours": grid,
        "best_hours_peak": max((v for row in grid for v in row if v is not None), default=None),
        "chart_data": {
            "trend": trend(brand, filters, accounts),
            "networks": {
                "labels": [row["name"] for row in networks],
                "published": [row["published"] for row in networks],
                "engagement": [_engagement(row["totals"]) for row in networks],
            },
        },
    }


def brands_numbers(brands: Sequence[Brand], *, days: int = 7) -> list[dict]:
    """The home page's numbers card: for each brand, its last `days` days (in its own zone) —
    published of planned, on time, engagement — in two queries whatever the number of brands."""
    if not brands:
        return []
    periods = {brand.pk: Filters.last_days(brand, days) for brand in brands}
    planned, rolled = Q(), Q()
    for brand in brands:
        start, end = period_bounds(brand, periods[brand.pk])
        planned |= Q(post__brand=brand, post__scheduled_at__gte=start, post__scheduled_at__lt=end)
        rolled |= Q(brand=brand, day__gte=periods[brand.pk].start, day__lte=periods[brand.pk].end)
    published = Q(state=TargetState.PUBLISHED)
    targets = {
        row["post__brand_id"]: row
        for row in PostTarget.objects.filter(planned)
        .exclude(state=TargetState.CANCELLED)
        .values("post__brand_id")
        .annotate(
            planned=Count("pk"),
            published=Count("pk", filter=published),
            on_time=Count("pk", filter=published & Q(lateness_seconds__lte=settings.ANALYTICS_ON_TIME_SECONDS)),
        )
    }
    engagement = dict(
        DailyRollup.objects.filter(rolled, metric=ENGAGEMENT)
        .values("brand_id")
        .annotate(s=Sum("total"))
        .values_list("brand_id", "s")
    )
    return [
        {"brand": brand, "publishing": _counts(targets.get(brand.pk)), "engagement": engagement.get(brand.pk)}
        for brand in brands
    ]


def _counts(row: Mapping[str, Any] | None) -> Publishing:
    if row is None:
        return Publishing()
    return Publishing(planned=row["planned"], published=row["published"], on_time=row["on_time"])
