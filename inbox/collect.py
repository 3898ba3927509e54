"""Collecting conversations without cron, without gaps and without duplicates.

Beat runs `inbox_dispatch` every INBOX_DISPATCH_INTERVAL seconds. It gives every connected
account whose network declares `conversations` a read state (networks.ReadState) the first time
it sees it, claims those due (a compare-and-set UPDATE: claim id + lease, so one worker reads an
account at a time and a dead one's claim expires) and enqueues one `inbox.poll_account` task per
claim on INBOX_POLL_QUEUE. It also hands pending replies to senders (inbox/sending.py).

A poll reads page after page from the stored cursor; a new account's first read reaches back
INBOX_BACKFILL_DAYS. Each page is stored in ONE transaction that first moves the cursor under
the claim and then stores the messages (inbox.services.messages_store, idempotent): a worker
killed mid-page leaves neither the cursor nor any of the page, and the next poll reads it again.
A failure (the network down, a rate limit with its reset time, a malformed page) stores nothing
more, keeps the cursor, records the error on the account, and the next read waits (backoff, or
the network's reset time). The Networks page and /healthz show the last success and error.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cm_platform.models import Heartbeat
from cm_platform.reasons import reason
from inbox import sending
from inbox.services import messages_store
from networks import budget
from networks.base import Adapter, Capability, ErrorKind, PublishError
from networks.models import AccountStatus, NetworkAccount, ReadState
from networks.registry import adapter_classes
from networks.services import account_keep_rotated_credentials, account_mark_needs_reconnect
from publishing.db import writing

logger = logging.getLogger(__name__)

CONVERSATIONS = str(Capability.CONVERSATIONS)
HEARTBEAT = "inbox"


class LostClaim(Exception):  # noqa: N818 - a signal inside this module, not an error for people
    """Another poller holds the account now (our lease expired): stop without writing."""


def networks_with_conversations() -> list[str]:
    return [adapter.slug for adapter in adapter_classes() if adapter.has(Capability.CONVERSATIONS)]


def _lease_until(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.INBOX_POLL_LEASE_SECONDS)


# --- the dispatcher ------------------------------------------------------------------------------
def inbox_dispatch(*, now: datetime | None = None) -> list[int]:
    """Claim the accounts due for reading and enqueue their polls; send what replies wait."""
    now = now or timezone.now()
    with writing():
        _give_read_states()
        claim = uuid.uuid4().hex
        claimed = _claim_due(claim, now)
        Heartbeat.touch(HEARTBEAT)
    transaction.on_commit(lambda: _enqueue_polls(claimed, claim))
    sending.replies_recover(now)
    _enqueue_replies(sending.replies_due(now))
    return claimed


def _readable_accounts():
    return NetworkAccount.objects.filter(status=AccountStatus.CONNECTED, network__in=networks_with_conversations())


def _give_read_states() -> None:
    """A newly connected account is read at once (its first read backfills)."""
    missing = _readable_accounts().exclude(read_states__capability=CONVERSATIONS).values_list("pk", flat=True)
    ReadState.objects.bulk_create(
        [ReadState(account_id=pk, capability=CONVERSATIONS) for pk in missing], ignore_conflicts=True
    )


def _due(now: datetime) -> Q:
    free = Q(claim_id="") | Q(lease_expires_at__lt=now)
    return free & (Q(next_read_at__isnull=True) | Q(next_read_at__lte=now))


def _claim_due(claim: str, now: datetime) -> list[int]:
    due = ReadState.objects.filter(
        _due(now), capability=CONVERSATIONS, account__in=_readable_accounts().values("pk")
    ).order_by("next_read_at", "pk")
    chosen = list(due.values_list("pk", flat=True)[: settings.INBOX_DISPATCH_BATCH])
    if not chosen:
        return []
    # Compare-and-set: the same conditions again inside the UPDATE, so two dispatchers never
    # both take one account.
    ReadState.objects.filter(_due(now), pk__in=chosen).update(claim_id=claim, lease_expires_at=_lease_until(now))
    return list(ReadState.objects.filter(claim_id=claim).values_list("pk", flat=True))


def _enqueue_polls(claimed: list[int], claim: str) -> None:
    from inbox.tasks import poll_account  # noqa: PLC0415 — cycle: the tasks call this module

    for pk in claimed:
        poll_account.delay(pk, claim)


def _enqueue_replies(reply_ids: list[int]) -> None:
    from inbox.tasks import send_reply  # noqa: PLC0415 — cycle: the tasks call this module

    for pk in reply_ids:
        send_reply.delay(pk)


# --- one poll ---------------------------------------------------------------------------------------
def account_poll(*, read_state_id: int, claim: str) -> str:
    """Read one account's conversations from its cursor, page by page; returns what happened."""
    state = ReadState.objects.select_related("account").filter(pk=read_state_id, claim_id=claim).first()
    if state is None:
        return "skipped"
    adapter = state.account.adapter()
    try:
        # Reading takes from the account's budget after publishing (networks/budget.py).
        with budget.spending(state.account, budget.Priority.BACKGROUND):
            roots = _read_pages(state, adapter, claim)
            if not adapter.reads_every_depth:
                _read_threads(state, adapter, claim, roots)
    except LostClaim:
        return "skipped"
    except budget.OverBudget as refused:
        _wait_for_budget(state, claim, refused.refusal.until)
        return "waiting"
    except PublishError as error:
        _record_failure(state, claim, error)
        return "failed"
    except Exception:  # a bug or an answer no adapter check caught: nothing more was stored
        logger.exception("inbox: reading account %s failed", state.account_id)
        _record_failure(state, claim, PublishError(_("The messages could not be read (an unexpected error).")))
        return "failed"
    finally:
        account_keep_rotated_credentials(adapter=adapter)
    _record_success(state, claim)
    return "read"


def _read_pages(state: ReadState, adapter: Adapter, claim: str) -> set[str]:
    """Every page waiting, each stored with its cursor; the post threads that got messages."""
    since = timezone.now() - timedelta(days=settings.INBOX_BACKFILL_DAYS)
    cursor, roots = state.cursor, set()
    for _page in range(settings.INBOX_POLL_MAX_PAGES):
        page = adapter.read_messages(cursor=cursor, since=since)
        roots |= _store(state, claim, page.messages, cursor=page.cursor)
        cursor = page.cursor
        if not page.more:
            break
    return roots


def _read_threads(state: ReadState, adapter: Adapter, claim: str, roots: set[str]) -> None:
    """Notifications bring what names the account; the thread brings every depth of it."""
    for root in sorted(roots)[: settings.INBOX_THREADS_PER_POLL]:
        _store(state, claim, adapter.read_thread(root_id=root), cursor=None)


def _store(state: ReadState, claim: str, messages, *, cursor: str | None) -> set[str]:
    """One transaction: the cursor moves (under our claim) with exactly what it covers."""
    with writing():
        fields: dict[str, object] = {"lease_expires_at": _lease_until(timezone.now())}
        if cursor is not None:
            fields["cursor"] = cursor
        if not ReadState.objects.filter(pk=state.pk, claim_id=claim).update(**fields):
            raise LostClaim
        return messages_store(account=state.account, messages=list(messages)).post_roots


def _record_success(state: ReadState, claim: str) -> None:
    now = timezone.now()
    interval = max(settings.INBOX_POLL_INTERVAL, state.account.adapter_class.read_at_most_every)
    next_read = now + timedelta(seconds=interval)
    with writing():
        ReadState.objects.filter(pk=state.pk, claim_id=claim).update(
            claim_id="",
            lease_expires_at=None,
            next_read_at=next_read,
            last_success_at=now,
            last_error="",
            last_error_at=None,
            failures=0,
        )


def _wait_for_budget(state: ReadState, claim: str, until: datetime) -> None:
    """Read again when the budget refills: not a failure, so no longer wait each time (the
    backoff would otherwise outgrow a short window such as Discord's 2 s)."""
    message = reason("The account's call budget is kept for publishing; reading resumes when it refills.")
    with writing():
        ReadState.objects.filter(pk=state.pk, claim_id=claim).update(
            claim_id="",
            lease_expires_at=None,
            next_read_at=max(until, timezone.now() + timedelta(seconds=1)),
            last_error=message,
            last_error_at=timezone.now(),
        )


def _record_failure(state: ReadState, claim: str, error: PublishError) -> None:
    """Keep the cursor; say what failed; wait longer each time, or as long as the network asked."""
    if error.kind == ErrorKind.RECONNECT:
        account_mark_needs_reconnect(account=state.account, message=error.message)
    now = timezone.now()
    failures = state.failures + 1
    delay = min(settings.INBOX_POLL_INTERVAL * 2 ** (failures - 1), settings.INBOX_POLL_BACKOFF_MAX)
    delay = max(delay, error.retry_after or 0)
    with writing():
        ReadState.objects.filter(pk=state.pk, claim_id=claim).update(
            claim_id="",
            lease_expires_at=None,
            next_read_at=now + timedelta(seconds=delay),
            last_error=error.message,
            last_error_at=now,
            failures=failures,
        )
    logger.warning("inbox: reading account %s failed (%s): %s", state.account_id, error.kind, error.message)


# --- health ------------------------------------------------------------------------------------------
def check_collection() -> dict:
    """For /healthz: how reading goes, in numbers only (the page is public).

    Informational: a network that fails (down, a token revoked) is the account's problem, shown
    on its Networks page, not a reason to take the site out of a load balancer. A dead worker
    already fails the dispatcher check.
    """
    states = ReadState.objects.filter(capability=CONVERSATIONS, account__in=_readable_accounts().values("pk"))
    figures = states.aggregate(
        accounts=Count("pk"),
        failing=Count("pk", filter=~Q(last_error="")),
        never_read=Count("pk", filter=Q(last_success_at__isnull=True)),
        oldest=Min("last_success_at"),
    )
    oldest = figures.pop("oldest")
    age = round((timezone.now() - oldest).total_seconds(), 1) if oldest else None
    return {
        "ok": True,
        **figures,
        "oldest_success_age_seconds": age,
        "last_dispatch_age_seconds": Heartbeat.age(HEARTBEAT),
    }
