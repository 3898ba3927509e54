"""Reads that need care: the mentions page's filters (all in the URL) and its volume chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDay
from django.http import QueryDict
from django.utils import timezone

from accounts.models import Brand
from cm_platform.ids import parse_id
from core.sentiment import Label
from listening.models import Mention, MentionHourly, MentionTag
from posts.timing import validate_day_in_range

PAGE_SIZE = 50


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 12 else None


def _date(value: str | None) -> date | None:
    """The day written in `value`, if it reads and falls within the dates we take (year 1 has
    no local midnight to compare with)."""
    try:
        day = date.fromisoformat(value or "")
        validate_day_in_range(day)
    except (ValueError, ValidationError):
        return None
    return day


@dataclass(frozen=True)
class MentionFilters:
    """What the URL asks for; anything unreadable is ignored, never an error page."""

    search: int | None = None
    source: int | None = None
    sentiment: str = ""
    handled: str = ""  # "yes", "no" or ""
    text: str = ""
    tag: str = ""
    start: date | None = None
    end: date | None = None
    page: int = 1
    words: tuple[str, ...] = field(default=())  # the crisis room narrows to its incident's words

    @classmethod
    def from_query(cls, query: QueryDict) -> MentionFilters:
        sentiment = query.get("sentiment", "")
        handled = query.get("handled", "")
        return cls(
            search=parse_id(query.get("search")),
            source=parse_id(query.get("source")),
            sentiment=sentiment if sentiment in {label.value for label in Label} else "",
            handled=handled if handled in ("yes", "no") else "",
            text=query.get("q", "").strip()[:200],
            tag=query.get("tag", "").strip()[:50],
            start=_date(query.get("start")),
            end=_date(query.get("end")),
            page=max(_int(query.get("page")) or 1, 1),
        )


def _local_midnight(day: date, brand: Brand) -> datetime:
    return datetime.combine(day, time.min, tzinfo=brand.tz)


def mentions_for(brand: Brand, filters: MentionFilters) -> QuerySet[Mention]:
    mentions = Mention.objects.filter(brand=brand)
    if filters.search:
        mentions = mentions.filter(match_rows__search_id=filters.search)
    if filters.source:
        mentions = mentions.filter(source_id=filters.source)
    if filters.sentiment:
        mentions = mentions.filter(sentiment=filters.sentiment)
    if filters.handled:
        mentions = mentions.filter(handled_at__isnull=filters.handled == "no")
    if filters.text:
        mentions = mentions.filter(Q(text__icontains=filters.text) | Q(title__icontains=filters.text))
    for word in filters.words:
        mentions = mentions.filter(Q(text__icontains=word) | Q(title__icontains=word))
    if filters.tag:
        mentions = mentions.filter(tags__name=filters.tag)
    if filters.start:
        mentions = mentions.filter(published_at__gte=_local_midnight(filters.start, brand))
    if filters.end:
        mentions = mentions.filter(published_at__lt=_local_midnight(filters.end + timedelta(days=1), brand))
    return mentions


def mention_page(brand: Brand, filters: MentionFilters) -> tuple[list[Mention], bool]:
    """One page (newest first) and whether another follows: no COUNT over the brand's history."""
    offset = (filters.page - 1) * PAGE_SIZE
    query = (
        mentions_for(brand, filters)
        .select_related("source", "handled_by")
        .prefetch_related(Prefetch("tags", queryset=MentionTag.objects.order_by("name")))
        .order_by("-published_at", "-pk")[offset : offset + PAGE_SIZE + 1]
    )
    rows = list(query)
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def volume(brand: Brand, search_id: int | None, *, now: datetime | None = None) -> dict:
    """Matches per hour (last 48 hours) and per day (last 30 days) from the hourly counters.

    Without a search chosen, every search of the brand is summed: a mention two searches find
    counts twice (the chart says "matches").
    """
    now = now or timezone.now()
    counters = MentionHourly.objects.filter(search__brand=brand, hour__gte=now - timedelta(days=30))
    if search_id:
        counters = counters.filter(search_id=search_id)
    hourly_start = (now - timedelta(hours=47)).replace(minute=0, second=0, microsecond=0)
    recent = counters.filter(hour__gte=hourly_start).values("hour").annotate(n=Sum("count"))
    per_hour = dict(recent.values_list("hour", "n"))
    hours = [hourly_start + timedelta(hours=h) for h in range(48)]
    per_day = {
        row["day"].date(): row["n"]
        for row in counters.annotate(day=TruncDay("hour", tzinfo=brand.tz)).values("day").annotate(n=Sum("count"))
    }
    today = timezone.localtime(now, brand.tz).date()
    days = [today - timedelta(days=d) for d in range(29, -1, -1)]
    return {
        "hours": [timezone.localtime(h, brand.tz).strftime("%d/%m %Hh") for h in hours],
        "per_hour": [per_hour.get(h, 0) for h in hours],
        "days": [d.isoformat() for d in days],
        "per_day": [per_day.get(d, 0) for d in days],
    }
