"""Collecting mentions without cron: beat runs `dispatch_due` every LISTENING_DISPATCH_INTERVAL; it
claims the sources whose time has come (a compare-and-set with a lease) and enqueues one poll
each. A poll reads its source whole, then in ONE transaction releases its claim (a compare-and-set:
a poll whose claim was taken back stores nothing) and stores the new mentions. So:

- the same entry read twice, by two sources or two polls, is stored once (unique constraints,
  each insert in a savepoint that also holds its counters);
- a poller killed mid-read stored nothing and kept the claim: once the lease expires the source
  is claimed again and read again; none lost, none twice.

A failure is stored on the source in words (last error, last success); the poller goes on with the
next source. A source failing for LISTENING_SOURCE_FAILING_NOTICE seconds tells its brand's owners
and its creator, once per failing spell.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Min, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.roles import Perm, Role, has_perm
from cm_platform.models import Heartbeat
from core.sentiment import Label, analyse, guess_language
from listening import alerts, feeds, network_search
from listening.expressions import Document, Node
from listening.models import Mention, MentionHourly, MentionMatch, SavedSearch, Source, SourceKind
from notifications.models import NotificationKind
from notifications.services import notify

logger = logging.getLogger(__name__)
HEARTBEAT = "listening-dispatcher"
DEMO_FEED = Path(__file__).resolve().parent / "demo" / "feed.xml"
# Query parameters that only say where a click came from: the same page with or without them.
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ref_src")


def url_key(url: str) -> str:
    """The address two sources would give for the same page, in one spelling ("" if not http(s))."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith(_TRACKING))
    return urlunsplit(("https", host + port, parts.path.rstrip("/") or "/", urlencode(query), ""))[:1000]


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


# --- storing ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Stored:
    mention: Mention
    searches: tuple[SavedSearch, ...]


def active_searches(brand_id: int) -> list[tuple[SavedSearch, Node]]:
    return [(search, search.matcher()) for search in SavedSearch.objects.filter(brand_id=brand_id, active=True)]


def items_store(
    *, source: Source, items: Iterable[feeds.Item], searches: Sequence[tuple[SavedSearch, Node]], now: datetime
) -> list[Stored]:
    """Store the items any active search finds, once each, and count them in their hours;
    returns what was new.

    Two polls of one brand's sources run at once (two feeds, one worker thread each) and each
    holds its row locks until it commits. Both take them in one order - the items by their
    address or id, the counters by (search, hour) once all are stored - so one may wait for the
    other but they never wait for each other (PostgreSQL detected that deadlock in the cycle
    benchmark when each mention added to its counters as it came)."""
    stored = []
    for item in sorted(items, key=lambda item: (url_key(item.url), item.remote_id)):
        result = _store_one(source, item, searches, now)
        if result is not None:
            stored.append(result)
    hours_count(stored)
    return stored


def _store_one(source: Source, item: feeds.Item, searches, now: datetime) -> Stored | None:
    text = f"{item.title}\n{item.text}" if item.title and item.title not in item.text else item.text
    language = (item.language or guess_language(text))[:10]
    doc = Document.of(text, tags=item.tags)
    found = tuple(s for s, node in searches if s.matches(doc, language=language, author=item.author, compiled=node))
    if not found:
        return None
    network, key = item.network, url_key(item.url)
    if _known(source.brand_id, network, item.remote_id, key):
        return None
    sentiment = analyse(text, language)
    try:
        with transaction.atomic():  # a savepoint: the mention and its matches, or neither
            mention = Mention.objects.create(
                brand_id=source.brand_id,
                source=source,
                network=network,
                remote_id=item.remote_id,
                url=item.url,
                url_key=key,
                author=item.author,
                title=item.title,
                text=item.text,
                language=language,
                sentiment=sentiment.label,
                polarity=sentiment.polarity,
                reach=item.reach,
                published_at=item.published_at or now,
                collected_at=now,
            )
            MentionMatch.objects.bulk_create(
                MentionMatch(search=s, mention=mention, published_at=mention.published_at) for s in found
            )
    except IntegrityError:  # another poll stored it a moment ago
        return None
    return Stored(mention, found)


def _known(brand_id: int, network: str, remote_id: str, key: str) -> bool:
    """Stored already, by the same id on the network or at the same address: one look-up in each
    unique index. Each repeats its index's condition, so SQLite can use the partial index (one
    query with OR walked every mention of the brand: detection grew with the history)."""
    mentions = Mention.objects.filter(brand_id=brand_id)
    by_id = remote_id and mentions.filter(~Q(remote_id=""), network=network, remote_id=remote_id).exists()
    return bool(by_id or (key and mentions.filter(~Q(url_key=""), url_key=key).exists()))


def hours_count(stored: Iterable[Stored]) -> None:
    """Add new mentions to their searches' hourly counters: one update per (search, hour), in
    that order (see items_store), inside the caller's transaction."""
    added: dict[tuple[int, datetime], list[int]] = defaultdict(lambda: [0, 0])
    for new in stored:
        for search in new.searches:
            counts = added[(search.pk, hour_of(new.mention.published_at))]
            counts[0] += 1
            counts[1] += int(new.mention.sentiment == Label.NEGATIVE)
    for (search_id, hour), (count, negative) in sorted(added.items()):
        _add_to_hour(search_id, hour, count, negative)


def count_in_hour(search: SavedSearch, mention: Mention) -> None:
    """One mention's counters (the benchmark's history uses it)."""
    hours_count([Stored(mention, (search,))])


def _add_to_hour(search_id: int, hour: datetime, count: int, negative: int) -> None:
    counters = MentionHourly.objects.filter(search_id=search_id, hour=hour)
    if counters.update(count=F("count") + count, negative=F("negative") + negative):
        return
    try:
        with transaction.atomic():
            MentionHourly.objects.create(search_id=search_id, hour=hour, count=count, negative=negative)
    except IntegrityError:  # created meanwhile by another poll
        counters.update(count=F("count") + count, negative=F("negative") + negative)


# --- polling one source ---------------------------------------------------------------------------
def _read(source: Source) -> feeds.FeedPage:
    if source.kind == SourceKind.DEMO_FILE:
        return _demo_page(source)
    if source.kind == SourceKind.NETWORK_SEARCH:
        return network_search.read(source)
    return feeds.fetch(source.url, etag=source.etag, last_modified=source.last_modified)


def _demo_page(source: Source) -> feeds.FeedPage:
    """The demo feed's entries appear a few at a time (three, then one more per poll interval), so
    a newcomer sees mentions arrive; each is dated when it appears."""
    page = feeds.read_file(DEMO_FEED)
    shown = 3 + int((timezone.now() - source.created_at).total_seconds() // max(source.interval, 1))
    return feeds.FeedPage(tuple(item for item in page.items[:shown]))


def source_poll(*, source_id: int, claim: str) -> str:
    """Read a claimed source and store what is new; returns "stored", "not_modified", "failed" or "skipped"."""
    source = Source.objects.select_related("brand").filter(pk=source_id, claim_id=claim).first()
    if source is None:
        return "skipped"
    try:
        page = _read(source)
    except feeds.FeedError as error:
        _failed(source, claim, error.message)
        return "failed"
    except Exception:  # a bug or a surprise answer: said on the source, and the poller goes on
        logger.exception("listening source %s: unexpected error", source.pk)
        _failed(source, claim, _("An unexpected error happened while reading this source."))
        return "failed"
    return _succeeded(source, claim, page)


def _succeeded(source: Source, claim: str, page: feeds.FeedPage) -> str:
    searches = active_searches(source.brand_id)
    with transaction.atomic():
        now = timezone.now()
        released = Source.objects.filter(pk=source.pk, claim_id=claim).update(
            claim_id="",
            lease_expires_at=None,
            next_poll_at=now + timedelta(seconds=source.interval),
            last_polled_at=now,
            last_success_at=now,
            last_error="",
            failing_since=None,
            failure_notified_at=None,
            etag=page.etag if not page.not_modified else F("etag"),
            last_modified=page.last_modified if not page.not_modified else F("last_modified"),
            cursor=page.cursor if page.cursor is not None else F("cursor"),
            items_seen=F("items_seen") + len(page.items),
        )
        if not released:
            return "skipped"  # taken back after the lease ran out: the new claim reads it again
        stored = items_store(source=source, items=page.items, searches=searches, now=now)
        alerts.judge_after_insert(stored, now=now)
    return "not_modified" if page.not_modified else "stored"


def _failed(source: Source, claim: str, message: str) -> None:
    now = timezone.now()
    updated = Source.objects.filter(pk=source.pk, claim_id=claim).update(
        claim_id="",
        lease_expires_at=None,
        next_poll_at=now + timedelta(seconds=source.interval),
        last_polled_at=now,
        last_error=message,
        last_error_at=now,
        failing_since=Coalesce(F("failing_since"), now),
    )
    if updated:
        _tell_if_failing_long(source.pk, now)


def _tell_if_failing_long(source_id: int, now: datetime) -> None:
    since = now - timedelta(seconds=settings.LISTENING_SOURCE_FAILING_NOTICE)
    # Taken by one compare-and-set: told once per failing spell, whoever polls.
    if not Source.objects.filter(pk=source_id, failing_since__lte=since, failure_notified_at=None).update(
        failure_notified_at=now
    ):
        return
    source = Source.objects.select_related("brand", "created_by").get(pk=source_id)
    owners = [
        m.user
        for m in Membership.objects.filter(brand=source.brand).select_related("user")
        if has_perm(m.role, Perm.MANAGE_BRAND) or (m.user_id == source.created_by_id and m.role != Role.VIEWER)
    ]
    link = settings.SITE_URL + reverse("listening:sources", kwargs={"brand_slug": source.brand.slug})
    notify(
        owners,
        brand=source.brand,
        kind=NotificationKind.SOURCE_FAILING,
        link=link,
        excerpt=source.last_error,
        message_for=lambda: (
            _("The listening source “%(name)s” has been failing for an hour: %(error)s")
            % {"name": source.name, "error": source.last_error}
        ),
    )


# --- dispatching ---------------------------------------------------------------------------------
def _claimable(now: datetime) -> Q:
    return Q(claim_id="") | Q(lease_expires_at__lt=now)


def dispatch_due(*, now: datetime | None = None) -> list[int]:
    """Claim the active sources whose time has come and enqueue one poll each, after commit."""
    from listening.tasks import poll_source  # noqa: PLC0415 — cycle: the task module calls this one

    now = now or timezone.now()
    Heartbeat.touch(HEARTBEAT)
    due = Source.objects.filter(_claimable(now), active=True, next_poll_at__lte=now).order_by("next_poll_at")
    lease = now + timedelta(seconds=settings.LISTENING_POLL_LEASE_SECONDS)
    claimed = []
    for source_id in due.values_list("pk", flat=True)[: settings.LISTENING_DISPATCH_BATCH]:
        claim = uuid.uuid4().hex
        if Source.objects.filter(_claimable(now), pk=source_id).update(claim_id=claim, lease_expires_at=lease):
            claimed.append(source_id)
            transaction.on_commit(partial(poll_source.delay, source_id, claim))
    return claimed


# --- health ---------------------------------------------------------------------------------------
def check_listening() -> dict:
    """Fails when sources wait to be read and nobody reads them: the dispatcher stopped (no
    cycle for 3 dispatch intervals), or a source waits far longer than it should (no worker
    polls: LISTENING_STALL_SECONDS past its time). A desk that listens to nothing is fine."""
    age = Heartbeat.age(HEARTBEAT)
    limit = 3 * settings.LISTENING_DISPATCH_INTERVAL
    active = Source.objects.filter(active=True).aggregate(oldest=Min("next_poll_at"), count=Count("pk"))
    oldest = active["oldest"]
    late = max((timezone.now() - oldest).total_seconds(), 0.0) if oldest else 0.0
    dispatching = age is not None and age <= limit
    return {
        "ok": not active["count"] or (dispatching and late <= settings.LISTENING_STALL_SECONDS),
        "active_sources": active["count"],
        "last_dispatch_age_seconds": age,
        "oldest_due_seconds": round(late, 1),
    }
