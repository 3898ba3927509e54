"""Reads that need care: the mentions page's filters (all in the URL) and its volume chart."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from statistics import median

from django.core.exceptions import ValidationError
from django.db.models import Count, Min, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDay, TruncHour
from django.http import QueryDict
from django.utils import timezone

from accounts.models import Brand
from cm_platform.ids import parse_id
from core.sentiment import Label
from core.timing import validate_day_in_range
from inbox.models import Conversation, Message, Reply, ReplyState
from listening.models import Alert, Incident, Mention, MentionHourly, MentionTag, Statement
from networks.capabilities.conversations import MessageAction
from networks.models import AccountStatus, NetworkAccount
from posts.models import PostTarget, TargetState

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
    if filters.words:
        mentions = mentions.filter(words_q(filters.words, "text", "title"))
    if filters.tag:
        mentions = mentions.filter(tags__name=filters.tag)
    if filters.start:
        mentions = mentions.filter(published_at__gte=_local_midnight(filters.start, brand))
    if filters.end:
        mentions = mentions.filter(published_at__lt=_local_midnight(filters.end + timedelta(days=1), brand))
    return mentions


def answerable_networks(brand: Brand) -> set[str]:
    """Networks where the brand has a connected account that can answer a mention said there."""
    accounts = NetworkAccount.objects.filter(brand=brand, status=AccountStatus.CONNECTED)
    return {account.network for account in accounts if account.adapter_class.offers(MessageAction.REPLY)}


def answerable_mentions(brand: Brand, mentions: Sequence[Mention]) -> set[int]:
    """The mentions the desk can answer: already in the inbox, or said (with their id) on a
    network the brand can answer from. A web page's mention cannot be answered from here."""
    networks = answerable_networks(brand)
    return {m.pk for m in mentions if m.conversation_id or (m.remote_id and m.network in networks)}


def words_q(words: Sequence[str], *fields: str) -> Q:
    """Any of the words in any of the fields (an incident's words: its mentions and messages)."""
    found = Q(pk__in=[])
    for word in words:
        for name in fields:
            found |= Q(**{f"{name}__icontains": word})
    return found


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


# --- the crisis room ------------------------------------------------------------------------------
# The room looks this far before the opening: the burst that made someone open it.
HOURS_BEFORE_OPENING = 24
ROOM_ROWS = 50


def _incident_span(incident: Incident, until: datetime | None = None) -> tuple[datetime, datetime]:
    since = incident.opened_at - timedelta(hours=HOURS_BEFORE_OPENING)
    return since, until or incident.closed_at or timezone.now()


def incident_mentions(incident: Incident, *, until: datetime | None = None) -> QuerySet[Mention]:
    """The brand's mentions holding any of the incident's words, from the day before it opened."""
    since, until = _incident_span(incident, until)
    return Mention.objects.filter(
        words_q(incident.words, "text", "title"),
        brand_id=incident.brand_id,
        published_at__gte=since,
        published_at__lte=until,
    )


def incident_conversations(incident: Incident, *, until: datetime | None = None) -> QuerySet[Conversation]:
    """The inbox narrowed to the incident: conversations with a message holding one of its words."""
    since, until = _incident_span(incident, until)
    messages = Message.objects.filter(
        words_q(incident.words, "text"),
        conversation__brand_id=incident.brand_id,
        created_at__gte=since,
        created_at__lte=until,
    )
    return Conversation.objects.filter(brand_id=incident.brand_id, pk__in=messages.values("conversation_id"))


def incident_response(incident: Incident, *, until: datetime | None = None) -> dict:
    """How fast the brand answered: the first statement or reply out after the opening, and the
    inbox's first-response times (business minutes) of the incident's conversations."""
    conversations = incident_conversations(incident, until=until)
    statement_out = PostTarget.objects.filter(
        post__crisis_statement__incident=incident, state=TargetState.PUBLISHED
    ).aggregate(at=Min("published_at"))["at"]
    reply_out = Reply.objects.filter(
        conversation__in=conversations.values("pk"), state=ReplyState.SENT, sent_at__gte=incident.opened_at
    ).aggregate(at=Min("sent_at"))["at"]
    first = min((moment for moment in (statement_out, reply_out) if moment is not None), default=None)
    seconds = [s for s in conversations.values_list("first_response_seconds", flat=True) if s is not None]
    return {
        "first_response_at": first.isoformat() if first else None,
        "first_response_seconds": round((first - incident.opened_at).total_seconds()) if first else None,
        "conversations": conversations.count(),
        "answered": len(seconds),
        "median_response_minutes": round(median(seconds) / 60, 1) if seconds else None,
    }


def incident_curve(incident: Incident, *, until: datetime | None = None) -> list[dict]:
    """Mentions (and negative ones) per hour, from the day before the opening to `until`."""
    since, until = _incident_span(incident, until)
    rows = (
        incident_mentions(incident, until=until)
        .annotate(hour=TruncHour("published_at", tzinfo=UTC))
        .values("hour")
        .annotate(n=Count("pk"), negative=Count("pk", filter=Q(sentiment=Label.NEGATIVE)))
    )
    counted = {row["hour"]: (row["n"], row["negative"]) for row in rows}
    first = since.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    hours = min(int((until - first).total_seconds() // 3600) + 1, MAX_CURVE_HOURS)
    curve = []
    for step in range(hours):
        hour = first + timedelta(hours=step)
        count, negative = counted.get(hour, (0, 0))
        curve.append({"hour": hour.isoformat(), "mentions": count, "negative": negative})
    return curve


MAX_CURVE_HOURS = 24 * 31


def incident_summary(incident: Incident, *, until: datetime) -> dict:
    """What management reads once the incident is closed; kept on it (Incident.summary)."""
    curve = incident_curve(incident, until=until)
    peak = max(curve, key=lambda point: point["mentions"], default=None)
    actions = Counter(incident.events.values_list("action", flat=True))
    return {
        "opened_at": incident.opened_at.isoformat(),
        "closed_at": until.isoformat(),
        "duration_minutes": round((until - incident.opened_at).total_seconds() / 60),
        "mentions": sum(point["mentions"] for point in curve),
        "negative": sum(point["negative"] for point in curve),
        "peak": peak if peak and peak["mentions"] else None,
        "curve": curve,
        "statements_published": Statement.objects.filter(incident=incident, post__isnull=False).count(),
        "actions": dict(sorted(actions.items())),
        **incident_response(incident, until=until),
    }


# --- management's reports -------------------------------------------------------------------------
REPORT_SPIKES = 50  # listed in a report; the count says how many more


@dataclass(frozen=True)
class IncidentReport:
    """An incident as a report tells it: its summary (written at closing; so far, while open)."""

    title: str
    opened_at: datetime
    closed_at: datetime | None
    duration_minutes: int
    mentions: int
    negative: int
    peak_at: datetime | None
    peak_mentions: int | None
    first_response_minutes: float | None  # the first statement or reply out after the opening
    median_response_minutes: float | None  # the inbox's, of the incident's conversations
    statements_published: int

    @classmethod
    def of(cls, incident: Incident, *, now: datetime) -> IncidentReport:
        # An incident closed before summaries were kept has none: made now, from its records.
        summary = incident.summary if incident.summary and not incident.is_open else None
        summary = summary or incident_summary(incident, until=incident.closed_at or now)
        peak = summary.get("peak") or {}
        first = summary.get("first_response_seconds")
        return cls(
            title=incident.title,
            opened_at=incident.opened_at,
            closed_at=incident.closed_at,
            duration_minutes=summary.get("duration_minutes", 0),
            mentions=summary.get("mentions", 0),
            negative=summary.get("negative", 0),
            peak_at=datetime.fromisoformat(peak["hour"]) if peak.get("hour") else None,
            peak_mentions=peak.get("mentions"),
            first_response_minutes=round(first / 60, 1) if first is not None else None,
            median_response_minutes=summary.get("median_response_minutes"),
            statements_published=summary.get("statements_published", 0),
        )


@dataclass(frozen=True)
class ListeningNumbers:
    """Listening over a period. `mentions` is None when the brand listens to nothing (no saved
    search, no source): not available, not 0."""

    mentions: int | None
    sentiment: dict[str, int]
    spikes: list[Alert]  # the first REPORT_SPIKES of the period
    spikes_total: int
    incidents: list[IncidentReport]


def period_numbers(brand: Brand, *, start: datetime, end: datetime, now: datetime | None = None) -> ListeningNumbers:
    """Mentions by sentiment, spikes and the incidents open at any time between `start`
    (included) and `end` (excluded): a fixed number of queries, plus the one open incident's
    summary so far (a brand has at most one open)."""
    by_sentiment = list(
        Mention.objects.filter(brand=brand, published_at__gte=start, published_at__lt=end)
        .values("sentiment")
        .annotate(n=Count("pk"))
    )
    spikes = Alert.objects.filter(brand=brand, created_at__gte=start, created_at__lt=end)
    listed = list(spikes.select_related("search").order_by("created_at", "pk")[:REPORT_SPIKES])
    incidents = Incident.objects.filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=start), brand=brand, opened_at__lt=end
    ).order_by("opened_at", "pk")
    now = now or timezone.now()
    return ListeningNumbers(
        mentions=sum(row["n"] for row in by_sentiment) if by_sentiment or _listens(brand) else None,
        sentiment={row["sentiment"]: row["n"] for row in by_sentiment if row["sentiment"]},
        spikes=listed,
        spikes_total=spikes.count() if len(listed) == REPORT_SPIKES else len(listed),
        incidents=[IncidentReport.of(incident, now=now) for incident in incidents],
    )


def _listens(brand: Brand) -> bool:
    """Whether the brand has a saved search or a source (one query for both)."""
    return Brand.objects.filter(
        Q(saved_searches__isnull=False) | Q(listening_sources__isnull=False), pk=brand.pk
    ).exists()
