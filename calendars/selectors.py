"""Reads for the calendar: the events of a visible range, built with a fixed number of queries.

The events endpoint is the calendar's hot path (a busy month holds thousands of posts): it reads
plain rows in a fixed number of queries, asks posts' rules once per combination of states rather
than once per post, reads times as text that `datetime.fromisoformat()` parses in C, and builds
URLs from one reversed template instead of one `reverse()` per post. bench/bench_calendar.py
measures it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db.models import CharField, Func, Q, QuerySet
from django.db.models.functions import Left
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import filepath_to_uri

from accounts.models import Brand
from cm_platform.ids import parse_id, parse_ids
from networks.models import NetworkAccount
from networks.registry import network_icon
from posts import workflow
from posts.models import Campaign, DisplayStatus, Media, Post, PostMedia, PostState, PostTarget, TargetState
from publishing.waiting import TargetFacts, waits

# A post is an instant, but FullCalendar gives an event without an end (or with end == start) an
# hour, which carried a post after 23:00 into the next day in every view. Its event lasts one
# minute instead, cut at the local midnight: it never leaves its own day.
INSTANT = timedelta(minutes=1)


@dataclass(frozen=True)
class EventFilters:
    """What the calendar's filter bar asks for; empty means "everything"."""

    accounts: frozenset[int] = frozenset()
    statuses: frozenset[str] = frozenset()
    campaign: int | None = None
    author: int | None = None

    @classmethod
    def from_query(cls, query: QueryDict) -> EventFilters:
        campaign, author = query.get("campaign", ""), query.get("author", "")
        return cls(
            accounts=frozenset(parse_ids(query.getlist("account"))),
            statuses=frozenset(s for s in query.getlist("status") if s in DisplayStatus.values),
            campaign=parse_id(campaign),
            author=parse_id(author),
        )


class _Targets:
    """What `post.targets.all()` gives the posts rules."""

    __slots__ = ("items",)

    def __init__(self, items: list[_TargetRow]):
        self.items = items

    def all(self) -> list[_TargetRow]:
        return self.items


@dataclass(slots=True)
class _TargetRow:
    state: str


class _PostRow:
    """A post as the posts rules (display status, may it move) see it: its state, its brand and
    its targets' states, nothing else.

    The rules are not copied: `display_status` IS Post's property and may_move is posts.workflow's;
    tests/calendars/test_events.py checks both against real posts. A rule that started reading
    another field would fail here (slots), not answer wrongly.
    """

    __slots__ = ("state", "brand", "targets")
    display_status = Post.display_status

    def __init__(self, state: str, brand: Brand, target_states: tuple[str, ...]):
        self.state, self.brand = state, brand
        self.targets = _Targets([_TargetRow(s) for s in target_states])


def instant_range(at: datetime, tz: tzinfo) -> tuple[str, str]:
    """The ISO start and end, with the offset in force in `tz`, of the event of an instant `at`."""
    start, end = at.astimezone(tz), (at + INSTANT).astimezone(tz)
    if end.date() != start.date():
        end = datetime.combine(end.date(), time(), tzinfo=tz)
    return start.isoformat(), end.isoformat()


class _UtcIso(Func):
    """A date-time column as ISO 8601 text in UTC: "YYYY-MM-DD HH:MM:SS[.ffffff]+00:00".

    `datetime.fromisoformat()` reads it in C; Django's per-row datetime converter on SQLite, and
    its pure-Python time-zone loader on PostgreSQL, cost more than the rest of the row.
    """

    output_field = CharField()
    template = """to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US"+00:00"')"""

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django keeps SQLite date-times as UTC text without the offset (no DATABASES TIME_ZONE
        # here); being an expression, not a column, also keeps sqlite3's converter away.
        return self.as_sql(compiler, connection, template="%(expressions)s || '+00:00'", **extra_context)


def _matching_posts(*, brand: Brand, start: datetime, end: datetime, filters: EventFilters) -> QuerySet[Post]:
    posts = Post.objects.filter(brand=brand, scheduled_at__gte=start, scheduled_at__lt=end)
    if filters.accounts:
        posts = posts.filter(pk__in=PostTarget.objects.filter(account_id__in=filters.accounts).values("post_id"))
    if filters.campaign:
        posts = posts.filter(campaign_id=filters.campaign)
    if filters.author:
        posts = posts.filter(author_id=filters.author)
    return posts


def _thumbnails(post_ids) -> dict[int, str]:
    """The thumbnail URL of each post's first media that has one."""
    storage = Media._meta.get_field("thumbnail").storage
    links = (
        PostMedia.objects.filter(post_id__in=post_ids)
        .exclude(media__thumbnail="")
        .order_by("post_id", "-position")
        .values_list("post_id", "media__thumbnail")
    )
    # Ordered by position descending: the last one kept per post is its first media.
    first = dict(links)
    prefix = storage.url("")  # the storage's URL of a name is its base URL + the name as a URI
    return {post_id: prefix + filepath_to_uri(name) for post_id, name in first.items()}


class _EventBuilder:
    """Turns query rows into FullCalendar event objects for one request.

    Events share their read-only parts: the dicts of networks and campaigns, one list of networks
    for the posts on the same accounts, one list of class names per status. The fewer objects a
    month of events keeps alive, the rarer Python's full garbage collections, which scan every
    object of the process (~70 ms with Django loaded on the benchmark's machine) and made the
    endpoint's slowest calls.
    """

    def __init__(self, *, brand: Brand, membership):
        self.brand = brand
        self.tz = brand.tz
        self.membership = membership
        self.networks = {
            a.pk: {"id": a.pk, "icon": network_icon(a.network), "name": a.display_name}
            # only(): loading credentials would decrypt them for nothing.
            for a in NetworkAccount.objects.filter(brand=brand).only("pk", "network", "display_name")
        }
        self.campaign_list = list(Campaign.objects.filter(brand=brand))
        self.campaigns = {c.pk: {"name": c.name, "colour": c.colour} for c in self.campaign_list}
        self.labels = {value: str(label) for value, label in DisplayStatus.choices}
        self.class_names = {status.value: [status.css_class] for status in DisplayStatus}
        self.judgements: dict[tuple[str, tuple[str, ...]], tuple[str, bool]] = {}
        # reverse() once: the detail URL of post 0, whose trailing "0/" each post replaces.
        self.detail_prefix = reverse("posts:detail", kwargs={"brand_slug": brand.slug, "pk": 0})[:-2]

    def _judged(self, state: str, target_states: tuple[str, ...]) -> tuple[str, bool]:
        """(display status, may the member move it) by posts' own rules, once per combination of
        state and target states (sorted: their order does not matter): that is all the rules read,
        and a month holds few combinations."""
        key = (state, target_states)
        if key not in self.judgements:
            post: Any = _PostRow(state, self.brand, target_states)  # stands in for a Post
            self.judgements[key] = (str(post.display_status), workflow.may_move(post, self.membership))
        return self.judgements[key]

    def _targets(self, posts: QuerySet[Post]) -> tuple[dict[int, tuple[str, ...]], dict[int, list[dict[str, Any]]]]:
        """Per post, its targets' states (sorted: what the rules read) and the networks they go to,
        in the targets' order. Posts on the same accounts share one list of networks."""
        states: dict[int, tuple[str, ...]] = {}
        networks: dict[int, list[dict[str, Any]]] = {}
        lists: dict[tuple[int, ...], list[dict[str, Any]]] = {}
        rows = PostTarget.objects.filter(post_id__in=posts.values("pk")).order_by("post_id", "pk")
        for post_id, group in groupby(rows.values_list("post_id", "account_id", "state"), key=itemgetter(0)):
            targets = list(group)
            states[post_id] = tuple(sorted(state for _, _, state in targets))
            accounts = tuple(account for _, account, _ in targets if account in self.networks)
            if accounts not in lists:
                lists[accounts] = [self.networks[account] for account in accounts]
            networks[post_id] = lists[accounts]
        return states, networks

    def _waiting(self, rows: list[tuple], target_states: dict[int, tuple[str, ...]]) -> dict[int, str]:
        """Why each due post that has not gone out waits (publishing/waiting.py), as words.

        Costs queries only when such posts are in view (their targets, the accounts' holds, the
        overdue holds): a month of future or published posts adds none."""
        now = timezone.now()
        due = [
            pk
            for pk, _title, at, state, *_rest in rows
            if state == PostState.APPROVED
            and datetime.fromisoformat(at) <= now
            and any(s in (TargetState.PENDING, TargetState.PUBLISHING) for s in target_states.get(pk, ()))
        ]
        if not due:
            return {}
        fields = [
            "pk", "post_id", "post__state", "post__scheduled_at", "state", "account_id", "account__display_name",
            "account__network", "account__status", "next_attempt_at", "lease_expires_at", "called_at",
        ]  # fmt: skip
        targets = PostTarget.objects.filter(post_id__in=due).order_by("pk").values_list(*fields)
        facts = [TargetFacts(*row) for row in targets]
        found = waits(facts, brand=self.brand)
        texts: dict[int, str] = {}
        for target in facts:
            if target.pk in found and target.post_id not in texts:
                texts[target.post_id] = found[target.pk].text
        return texts

    def events(self, posts: QuerySet[Post], statuses: frozenset[str]) -> list[dict[str, Any]]:
        rows = list(
            posts.annotate(title=Left("text", 80), at=_UtcIso("scheduled_at"))
            .order_by("scheduled_at", "pk")
            .values_list("pk", "title", "at", "state", "campaign_id", "author__display_name", "author__email")
        )
        target_states, networks = self._targets(posts)
        thumbnails = _thumbnails(posts.values("pk"))
        waiting = self._waiting(rows, target_states)
        tz, events = self.tz, []
        for pk, title, at, state, campaign_id, author_name, author_email in rows:
            status, editable = self._judged(state, target_states.get(pk, ()))
            if statuses and status not in statuses:
                continue
            campaign = self.campaigns.get(campaign_id)
            start, end = instant_range(datetime.fromisoformat(at), tz)
            events.append(
                {
                    "id": str(pk),
                    "title": title or f"#{pk}",
                    "start": start,
                    "end": end,
                    "url": f"{self.detail_prefix}{pk}/",
                    "classNames": self.class_names[status],
                    "editable": editable,
                    "borderColor": campaign["colour"] if campaign else None,
                    "extendedProps": {
                        "status": status,
                        "statusLabel": self.labels[status],
                        "networks": networks.get(pk, []),
                        "thumbnail": thumbnails.get(pk, ""),
                        "campaign": campaign,
                        "author": author_name or author_email or "",
                        "waiting": waiting.get(pk, ""),
                    },
                }
            )
        return events


def campaign_bands(
    campaigns: list[Campaign], *, start: date, end: date, only: int | None = None
) -> list[dict[str, Any]]:
    """The campaigns overlapping [start, end) as all-day background events."""
    return [
        {
            "id": f"campaign-{c.pk}",
            "title": c.name,
            "start": c.starts_on.isoformat(),
            # FullCalendar's all-day end is exclusive.
            "end": (c.ends_on + timedelta(days=1)).isoformat(),
            "display": "background",
            "allDay": True,
            "color": c.colour,
            "classNames": ["cm-campaign-band"],
        }
        for c in campaigns
        if c.starts_on and c.ends_on and c.starts_on < end and c.ends_on >= start and (not only or c.pk == only)
    ]


def calendar_events(
    *, brand: Brand, membership, start: datetime, end: datetime, filters: EventFilters
) -> list[dict[str, Any]]:
    """Everything the calendar draws for [start, end): posts, then campaign bands.

    A fixed number of queries whatever the number of posts (accounts, campaigns, posts, targets,
    thumbnails), and no model instance per post: this is the calendar's hot path.
    """
    builder = _EventBuilder(brand=brand, membership=membership)
    events = builder.events(_matching_posts(brand=brand, start=start, end=end, filters=filters), filters.statuses)
    tz = brand.tz
    events += campaign_bands(
        builder.campaign_list,
        start=start.astimezone(tz).date(),
        end=end.astimezone(tz).date() + timedelta(days=1),
        only=filters.campaign,
    )
    return events


def unscheduled_posts(*, brand: Brand, limit: int = 20) -> QuerySet[Post]:
    """Posts without a time, newest first: what the queue can place."""
    return (
        Post.objects.filter(brand=brand, scheduled_at__isnull=True)
        .select_related("author")
        .prefetch_related("targets")
        .order_by("-created_at")[:limit]
    )


def active_campaigns(*, brand: Brand, today: date) -> QuerySet[Campaign]:
    return Campaign.objects.filter(brand=brand).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
