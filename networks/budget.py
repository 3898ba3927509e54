"""An account's budget of calls to its network, shared by every call and every worker.

Each adapter declares its network's documented limits (`Adapter.rates`: Mastodon's 300 calls per
5 minutes per account, 30 media uploads per 30 minutes, 300 statuses per 3 hours; Instagram's 50
posts per 24 hours; ...). Every call to a network made inside `spending(account, priority)` goes
through networks/http.py, which takes one "calls" (plus the kinds the call names, e.g. "media"
for an upload, "posts" for the call that publishes) before sending, and hands the answer back
here: a 429, or a reset header with nothing left, pauses the WHOLE account until the reset.

    with budget.spending(account, Priority.BACKGROUND):   # inbox polling, search, metrics
        adapter.fetch_mentions()                          # may raise OverBudget(until=...)

Where it lives: one row per account and kind (networks.models.RateBudget) in the database every
worker already shares (SQLite or PostgreSQL; no other service). A take is ONE conditional
UPDATE over the rows of the kinds it needs ("count if the window's use plus this stays under
the limit and the account is not paused"): a compare-and-set, so two workers can never both
take the last call. Windows are fixed and aligned on the epoch, as Mastodon's Rack::Attack
counts, so our windows are the network's; a call is not started in the last GUARD seconds of
a window, so a request taken in one window cannot arrive in the next one.

Priority: publishing may spend the whole budget; background work (polling, search, metrics)
stops at (1 - NETWORK_BUDGET_PUBLISH_RESERVE) of it, leaving the rest for publishing.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import IntEnum
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cm_platform.reasons import Reason, reason
from core.db import writing

if TYPE_CHECKING:
    from networks.models import NetworkAccount  # noqa: PLC0415 — app registry: adapters import this module early

logger = logging.getLogger(__name__)

CALLS, MEDIA, POSTS, READS = "calls", "media", "posts", "reads"
MONTH = 0  # Rate.seconds for a calendar month (X bills reads per month)
T = TypeVar("T")
R = TypeVar("R")


class Priority(IntEnum):
    PUBLISH = 0  # publishing (and, later, replies): may spend the whole budget
    BACKGROUND = 1  # polling, search, metrics: leaves the publishing reserve alone


@dataclass(frozen=True)
class Rate:
    """One documented limit: `limit` calls of `kind` per `seconds` (MONTH: per calendar month)."""

    kind: str
    limit: int
    seconds: int
    app_wide: bool = False  # the network counts our whole app, every account together

    def cap(self, priority: Priority) -> int:
        if priority == Priority.PUBLISH:
            return self.limit
        return int(self.limit * (1 - settings.NETWORK_BUDGET_PUBLISH_RESERVE))


@dataclass(frozen=True)
class Refusal:
    """Why a take was refused: the account's budget (or its network's pause) allows no call
    of `kind` before `until`."""

    until: datetime
    kind: str
    paused: bool  # the network said so (a 429), rather than our count of a documented limit
    rate: Rate | None = None


class OverBudget(Exception):
    """Nothing was sent: the account's budget (or its network's pause) allows no call now.

    Why and until when (`refusal`) is read from the budget's rows when first asked, so a take
    refused inside the caller's transaction can raise at once: the caller asks once its
    transaction rolled back (a transaction being rolled back runs no query)."""

    def __init__(self, *, refusal: Refusal | None = None, explain: Callable[[], Refusal] | None = None):
        super().__init__("over budget")
        self._refusal, self._explain = refusal, explain

    @property
    def refusal(self) -> Refusal:
        if self._refusal is None:
            assert self._explain is not None
            self._refusal = self._explain()
        return self._refusal

    until = property(lambda self: self.refusal.until)
    kind = property(lambda self: self.refusal.kind)
    paused = property(lambda self: self.refusal.paused)
    rate = property(lambda self: self.refusal.rate)


def _now() -> datetime:
    """The budget's clock (tests pin it here)."""
    return timezone.now()


# --- windows ---------------------------------------------------------------------------------
def window_of(seconds: int, now: datetime) -> int:
    if seconds == MONTH:
        return now.year * 12 + now.month - 1
    return int(now.timestamp() // seconds)


def window_end(seconds: int, window: int) -> datetime:
    if seconds == MONTH:
        year, month = divmod(window + 1, 12)
        return datetime(year, month + 1, 1, tzinfo=UTC)
    return datetime.fromtimestamp((window + 1) * seconds, UTC)


def _guard(seconds: int) -> float:
    """How long before a window's end no call starts (a tenth of short test windows at most)."""
    if seconds == MONTH:
        return 0.0
    return min(settings.NETWORK_BUDGET_GUARD_SECONDS, seconds / 10)


# --- the rows --------------------------------------------------------------------------------
def rates_for(account: NetworkAccount) -> list[Rate]:
    """The account's limits: its adapter's declaration (with the account's own overrides)."""
    return list(account.adapter().get_rates())


def _key(account: NetworkAccount, rate: Rate) -> str:
    """A network may limit one kind over two windows (Bluesky: per hour and per day)."""
    where = f"app:{account.network}" if rate.app_wide else str(account.pk)
    return f"{where}:{rate.kind}:{rate.seconds}"


def _rows(account: NetworkAccount, rates: Iterable[Rate]) -> list:
    from networks.models import RateBudget  # noqa: PLC0415 — app registry: adapters import this module early

    return [
        RateBudget(
            key=_key(account, rate),
            account=None if rate.app_wide else account,
            network=account.network,
            kind=rate.kind,
            limit=rate.limit,
            seconds=rate.seconds,
        )
        for rate in rates
    ]


UNLIMITED = 2**31 - 1


def _needed(account: NetworkAccount, kinds: Iterable[str] | None) -> list[Rate]:
    """The declared rates of these kinds (None: all); "calls" always (the pause is on its row)."""
    wanted = None if kinds is None else {CALLS, *kinds}
    rates = [rate for rate in rates_for(account) if wanted is None or rate.kind in wanted]
    if not any(rate.kind == CALLS and not rate.app_wide for rate in rates):
        # An undeclared call budget is unlimited, but the row still carries the account's pause.
        rates.append(Rate(CALLS, UNLIMITED, 3600))
    return rates


# --- taking ----------------------------------------------------------------------------------
def take(
    account: NetworkAccount,
    kinds: Iterable[str] = (),
    *,
    priority: Priority = Priority.PUBLISH,
    count: int = 1,
    force: bool = False,
    guard: bool = True,
    part_of_callers_transaction: bool = False,
) -> None:
    """Spend `count` calls (and as many of each of `kinds`) now, or raise OverBudget.

    `force`: count them whatever is left (a call that must follow one that already published,
    such as reading back the post's address: refusing it would make the engine publish again).
    `part_of_callers_transaction`: no savepoint of its own (two round trips less); a refusal
    then makes the caller's whole transaction roll back (it must let OverBudget out of it).
    """

    rates = _needed(account, kinds)
    if guard:
        _wait_out_guard(rates, _now())
    for attempt in range(2):
        now = _now()
        try:
            with writing(savepoint=not part_of_callers_transaction):
                _ensure_rows(account, rates)  # in the same transaction: no commit of its own
                if _update(account, rates, now, priority, count, force) != len(rates):
                    raise _Refused  # rolls back what this statement counted
            return
        except _Refused:
            if attempt == 0 and not part_of_callers_transaction and _forget_missing(account, rates):
                continue
            raise OverBudget(explain=partial(_why_refused, account, rates, now, priority, count)) from None


class _Refused(Exception):
    """Rolls back a take that could not count every row."""


def _update(account, rates: list[Rate], now: datetime, priority: Priority, count: int, force: bool) -> int:
    """ONE compare-and-set UPDATE over the rows of `rates`; how many rows it counted (a row
    whose limit would be passed is left out: the caller rolls the others back).

    Plain SQL: the ORM spent longer building this statement than the database running it, on
    every call of a burst; and one statement is one round trip to PostgreSQL."""
    from networks.models import RateBudget  # noqa: PLC0415 — app registry: adapters import this module early

    q = connection.ops.quote_name
    table, used, window, limit, key, paused = (
        q(name) for name in (RateBudget._meta.db_table, "used", "window", "limit", "key", "paused_until")
    )
    keys = [_key(account, rate) for rate in rates]
    currents = [window_of(rate.seconds, now) for rate in rates]
    per_key = " ".join(["WHEN %s THEN %s"] * len(rates))
    params: list[Any] = []
    for name, current in zip(keys, currents, strict=True):
        params += [name, current]
    window_params = list(params)
    limit_params: list[Any] = []
    for name, rate in zip(keys, rates, strict=True):
        limit_params += [name, rate.limit]
    # Only quoted names of our own table and columns are formatted in; values are parameters.
    sql = (
        f"UPDATE {table} SET {used} = CASE WHEN {window} = (CASE {key} {per_key} END) "  # noqa: S608
        f"THEN {used} + %s ELSE %s END, {window} = CASE {key} {per_key} END, "
        f"{limit} = CASE {key} {per_key} END WHERE {key} IN ({', '.join(['%s'] * len(keys))})"
    )
    params = [*window_params, count, count, *window_params, *limit_params, *keys]
    if not force:
        room_for = " OR ".join(
            [f"({key} = %s AND (CASE WHEN {window} = %s THEN {used} ELSE 0 END) + %s <= %s)"] * len(rates)
        )
        sql += f" AND ({paused} IS NULL OR {paused} <= %s) AND ({room_for})"
        params.append(connection.ops.adapt_datetimefield_value(now))
        for name, current, rate in zip(keys, currents, rates, strict=True):
            params += [name, current, count, rate.cap(priority)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# The rows this process knows exist: made once (rows go only with their account; a row found
# missing is forgotten here and made again).
_made: set[str] = set()


def _forget_missing(account: NetworkAccount, rates: list[Rate]) -> bool:
    """Whether some of these rows do not exist (then: forgotten, to be made again)."""
    from networks.models import RateBudget  # noqa: PLC0415 — app registry: adapters import this module early

    keys = {_key(account, rate) for rate in rates}
    missing = keys - set(RateBudget.objects.filter(key__in=keys).values_list("key", flat=True))
    _made.difference_update(missing)
    return bool(missing)


def _ensure_rows(account: NetworkAccount, rates: list[Rate], *, trust_memory: bool = True) -> None:
    from networks.models import RateBudget  # noqa: PLC0415 — app registry: adapters import this module early

    missing = [rate for rate in rates if not trust_memory or _key(account, rate) not in _made]
    if not missing:
        return
    keys = {_key(account, rate) for rate in missing}
    with writing():  # ignore_conflicts: another worker may make them at the same moment
        RateBudget.objects.bulk_create(_rows(account, missing), ignore_conflicts=True)
        # Remembered once they exist for everyone (a caller's transaction may roll back).
        transaction.on_commit(lambda: _made.update(keys))


def _why_refused(account, rates: list[Rate], now: datetime, priority: Priority, count: int) -> Refusal:
    from networks.models import RateBudget  # noqa: PLC0415 — app registry: adapters import this module early

    rows = {row.key: row for row in RateBudget.objects.filter(key__in=[_key(account, r) for r in rates])}
    _made.difference_update({_key(account, r) for r in rates} - set(rows))  # made again next time
    reasons = []
    for rate in rates:
        row = rows.get(_key(account, rate))  # None: made with the refused take, rolled back
        if row is not None and row.paused_until and row.paused_until > now:
            reasons.append(Refusal(until=row.paused_until, kind=rate.kind, paused=True, rate=rate))
        current = window_of(rate.seconds, now)
        spent = row.used if row is not None and row.window == current else 0
        if spent + count > rate.cap(priority):
            reasons.append(Refusal(until=window_end(rate.seconds, current), kind=rate.kind, paused=False, rate=rate))
    if not reasons:  # a row changed window between the UPDATE and this read: try again soon
        return Refusal(until=now + timedelta(seconds=1), kind=CALLS, paused=False)
    return max(reasons, key=lambda refusal: refusal.until)


def _wait_out_guard(rates: list[Rate], moment: datetime) -> None:
    """Sleep into the next window when this one is about to end (at most GUARD seconds)."""
    now = moment.timestamp()
    waits = [
        (now // rate.seconds + 1) * rate.seconds - now
        for rate in rates
        if rate.seconds != MONTH and (now // rate.seconds + 1) * rate.seconds - now < _guard(rate.seconds)
    ]
    if waits:
        time.sleep(max(waits))


# --- pauses ----------------------------------------------------------------------------------
def pause(account: NetworkAccount, until: datetime) -> None:
    """The network asked us to stop: no call of this account starts before `until`."""
    from networks.models import RateBudget  # noqa: PLC0415 — app registry: adapters import this module early

    rates = _needed(account, ())
    _ensure_rows(account, rates, trust_memory=False)  # rare, and it must not be lost
    key = _key(account, next(r for r in rates if r.kind == CALLS and not r.app_wide))
    with writing():
        RateBudget.objects.filter(key=key).filter(Q(paused_until__isnull=True) | Q(paused_until__lt=until)).update(
            paused_until=until
        )
    logger.warning("account %s paused by its network until %s", account.pk, until.isoformat())


# The longest wait a network may ask for. Its number becomes a timedelta: "inf" or "1e308" (a
# float() reads both) overflowed it in the worker; a week is longer than any real rate limit.
MAX_WAIT = 7 * 24 * 3600.0


def reset_of(headers: Any, *, now: datetime | None = None) -> datetime | None:
    """When the network says its limit resets: Retry-After (seconds or a date), X-RateLimit-Reset
    (Mastodon: ISO 8601), x-rate-limit-reset / RateLimit-Reset (X, Bluesky: epoch seconds, or
    seconds to wait in the IETF draft), X-RateLimit-Reset-After (Discord: seconds)."""
    now = now or _now()
    for name in ("Retry-After", "X-RateLimit-Reset-After", "X-RateLimit-Reset", "RateLimit-Reset"):
        value = (headers.get(name) or "").strip()
        if value:
            moment = _moment(value, now)
            if moment is not None:
                return min(max(moment, now), now + timedelta(seconds=MAX_WAIT))
    return None


def _moment(value: str, now: datetime) -> datetime | None:
    try:
        number = float(value)
    except ValueError:
        pass
    else:
        if not math.isfinite(number):
            return None
        number = min(number, 1e11)  # past year 5000 it is no moment a network means; beyond, an overflow
        return datetime.fromtimestamp(number, UTC) if number > 1e9 else now + timedelta(seconds=max(0.0, number))
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _waited_in_body(response: Any) -> datetime | None:
    """Telegram ({"parameters": {"retry_after": 5}}) and Discord ({"retry_after": 1.5}) say it
    in the body of their 429."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    wait = body.get("retry_after", (body.get("parameters") or {}).get("retry_after"))
    try:
        return _now() + timedelta(seconds=float(wait)) if wait is not None else None
    except (TypeError, ValueError):
        return None


def observe(account: NetworkAccount, response: Any) -> None:
    """What an answer says about the budget: a 429 pauses the account until its reset (a minute
    when it names none); a reset header with nothing remaining pauses it until then too."""
    headers = response.headers
    if response.status_code == 429:
        pause(account, reset_of(headers) or _waited_in_body(response) or _now() + timedelta(seconds=60))
        return
    remaining = headers.get("X-RateLimit-Remaining") or headers.get("RateLimit-Remaining")
    if remaining is not None and remaining.strip() == "0":
        reset = reset_of(headers)
        if reset is not None and reset > _now():
            pause(account, reset)


# --- the calls of a piece of work --------------------------------------------------------------
@dataclass(frozen=True)
class _Spending:
    account: NetworkAccount
    priority: Priority
    prepaid: bool = False  # a parallel call whose budget the caller took (see parallel())


@dataclass
class _Work:
    """What a piece of work has done so far (shared by its parallel calls)."""

    publish_prepaid: bool  # the call that publishes was taken beforehand (see spending())
    published: bool = False  # that call went out: later calls are counted, never refused


_current: ContextVar[_Spending | None] = ContextVar("network_budget", default=None)
_work: ContextVar[_Work | None] = ContextVar("network_budget_work", default=None)


@contextmanager
def spending(
    account: NetworkAccount, priority: Priority = Priority.PUBLISH, *, publish_prepaid: bool = False
) -> Iterator[None]:
    """Every network call made inside takes from `account`'s budget (networks/http.py).

    `publish_prepaid`: the caller already took the call that publishes ("calls" and "posts",
    see take_publish()), in the transaction that started the attempt: that call takes nothing
    more (on SQLite, one writer's turn less per post)."""
    token, work = _current.set(_Spending(account, priority)), _work.set(_Work(publish_prepaid))
    try:
        yield
    finally:
        _current.reset(token)
        _work.reset(work)


def before_publish(account: NetworkAccount) -> None:
    """Wait out a window's last moments before the transaction that will take_publish()."""
    _wait_out_guard(_needed(account, (POSTS,)), _now())


def take_publish(account: NetworkAccount) -> None:
    """Take the call that publishes a post now (then: spending(..., publish_prepaid=True)),
    inside the caller's transaction: call before_publish() first, outside it."""
    take(account, (POSTS,), guard=False, part_of_callers_transaction=True)


def before_call(spends: tuple[str, ...]) -> None:
    """Called by networks/http.py before each request: take from the budget (or OverBudget)."""
    current, work = _current.get(), _work.get()
    if current is None or current.prepaid or work is None:
        return
    publishing = POSTS in spends
    if publishing and work.publish_prepaid and not work.published:
        work.published = True  # taken when the attempt started; from now on the post may exist
        return
    take(current.account, spends, priority=current.priority, force=work.published)
    if publishing:
        work.published = True


def after_call(response: Any) -> None:
    """Called by networks/http.py with each answer."""
    current = _current.get()
    if current is not None:
        observe(current.account, response)


def parallel(function: Callable[[T], R], items: list[T], *, spends: tuple[str, ...] = ()) -> list[R]:
    """`function(item)` for every item at once (a few threads), each item being one call whose
    budget is taken here first, in one UPDATE: all of them, or OverBudget and none is sent.

    The threads touch the database only when an answer pauses the account; they close what they
    opened, as Django's connections are per thread.
    """
    current = _current.get()
    if current is not None and items:
        take(current.account, spends, priority=current.priority, count=len(items))
    prepaid = replace(current, prepaid=True) if current is not None else None

    def one(item: T, *, in_pool: bool = True) -> R:
        try:
            _current.set(prepaid)
            return function(item)
        finally:
            if in_pool:
                connections.close_all()

    if len(items) <= 1:  # no thread for one call (and its budget is taken already)
        return [copy_context().run(one, item, in_pool=False) for item in items]
    with ThreadPoolExecutor(max_workers=min(len(items), settings.NETWORK_PARALLEL_CALLS)) as pool:
        futures = [pool.submit(copy_context().run, one, item) for item in items]
        return [future.result() for future in futures]


# --- what the pages show ---------------------------------------------------------------------
KIND_LABELS = {CALLS: _("Calls"), MEDIA: _("Media uploads"), POSTS: _("Posts"), READS: _("Reads")}


def period_words(seconds: int) -> Reason:
    """A window's length in words, rendered in the reader's language."""
    if seconds == MONTH:
        return reason("month")
    if seconds % 3600 == 0:
        return reason("%(count)d h", count=seconds // 3600)
    if seconds % 60 == 0:
        return reason("%(count)d min", count=seconds // 60)
    return reason("%(count)d s", count=seconds)


@dataclass(frozen=True)
class Use:
    """One limit of an account as the Networks page shows it."""

    kind: str
    limit: int
    seconds: int
    used: int
    refills_at: datetime | None  # the end of the current window (None: nothing used)
    paused_until: datetime | None
    app_wide: bool

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)

    @property
    def label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def period(self) -> str:
        return str(period_words(self.seconds))

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.used / self.limit)) if self.limit else 100


def uses(accounts: Iterable[NetworkAccount], *, now: datetime | None = None) -> dict[int, list[Use]]:
    """Each account's declared limits with what its current windows used (one query)."""
    from networks.models import RateBudget  # noqa: PLC0415 — app registry: adapters import this module early

    now = now or _now()
    accounts = list(accounts)
    keys = {}
    for account in accounts:
        for rate in _needed(account, None):
            keys[_key(account, rate)] = (account, rate)
    rows = {row.key: row for row in RateBudget.objects.filter(key__in=list(keys))}
    paused = {
        row.account_id: row.paused_until
        for row in rows.values()
        if row.kind == CALLS and row.paused_until and row.paused_until > now
    }
    found: dict[int, list[Use]] = {account.pk: [] for account in accounts}
    for key, (account, rate) in keys.items():
        if rate.limit == UNLIMITED:
            continue  # kept for its pause only
        row = rows.get(key)
        current = window_of(rate.seconds, now)
        used = row.used if row is not None and row.window == current else 0
        refills = window_end(rate.seconds, current) if used else None
        found[account.pk].append(
            Use(rate.kind, rate.limit, rate.seconds, used, refills, paused.get(account.pk), rate.app_wide)
        )
    return found


@dataclass(frozen=True)
class Hold:
    """Why an account may not publish now, and until when."""

    until: datetime
    kind: str  # CALLS, or the action's kind ("posts")
    paused: bool  # the network said so (a 429), rather than our count of its documented limit
    limit: int = 0
    seconds: int = 0


@dataclass
class Room:
    """What the accounts of a dispatcher run may do now: held ones wait; the others may start
    at most `left[account]` more publishing calls (their "calls" and "posts" budgets)."""

    held: dict[int, Hold]
    held_networks: dict[str, Hold]
    left: dict[int, int]

    def hold_for(self, account_id: int, network: str) -> Hold | None:
        return self.held.get(account_id) or self.held_networks.get(network)

    def exclude_held(self, rows: QuerySet) -> QuerySet:
        """`rows` (of a model with an `account`) without those of held accounts."""
        if self.held:
            rows = rows.exclude(account_id__in=list(self.held))
        if self.held_networks:
            rows = rows.exclude(account__network__in=list(self.held_networks))
        return rows


PUBLISHING_KINDS = (CALLS, POSTS)


def room(*, now: datetime | None = None, account_ids: Iterable[int] | None = None) -> Room:
    """Which accounts are held (paused by their network, or a publishing limit spent) and how
    much the others have left, from the budget rows alone (one query)."""
    from networks.models import RateBudget  # noqa: PLC0415 — app registry: adapters import this module early

    now = now or _now()
    rows = RateBudget.objects.filter(kind__in=PUBLISHING_KINDS).filter(Q(paused_until__gt=now) | Q(used__gt=0))
    if account_ids is not None:
        rows = rows.filter(Q(account_id__in=list(account_ids)) | Q(account__isnull=True))
    found = Room(held={}, held_networks={}, left={})
    for row in rows:
        hold, left = _state(row, now)
        if hold is not None and row.account_id:
            _keep_latest(found.held, row.account_id, hold)
        elif hold is not None:
            _keep_latest(found.held_networks, row.network, hold)
        if row.account_id and left is not None:
            found.left[row.account_id] = min(left, found.left.get(row.account_id, left))
    return found


def _keep_latest(held: dict, where: Any, hold: Hold) -> None:
    if where not in held or hold.until > held[where].until:
        held[where] = hold


def _state(row, now: datetime) -> tuple[Hold | None, int | None]:
    if row.paused_until and row.paused_until > now:
        return Hold(until=row.paused_until, kind=CALLS, paused=True), 0
    current = window_of(row.seconds, now)
    if row.window != current:
        return None, None
    if row.used >= row.limit:
        until = window_end(row.seconds, current)
        return Hold(until=until, kind=row.kind, paused=False, limit=row.limit, seconds=row.seconds), 0
    return None, row.limit - row.used
