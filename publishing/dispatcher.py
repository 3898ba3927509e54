"""The dispatcher (run by beat every PUBLISH_DISPATCH_INTERVAL seconds) and the sweeper.

The database holds the schedule; the broker only carries work that is due. Each run claims due
targets atomically and enqueues one publish task per claimed target once the claim committed:

- PostgreSQL: candidates are locked with SELECT ... FOR UPDATE SKIP LOCKED, and an advisory lock
  makes concurrent dispatcher runs take turns (so the in-flight limits are counted once).
- SQLite ignores FOR UPDATE; its transactions are IMMEDIATE (one writer at a time), and the claim
  is one compare-and-set UPDATE ... WHERE state='pending' AND id IN (...).

Either way the claiming UPDATE re-applies rules.due_targets(), so a brand paused a moment before
is seen inside the claiming statement itself.

A claim is `<uuid>`; the publish task sets the target's `called_at` just before calling the
network. A lease that expires on a claim never called is simply released; one that expires on a
called claim is an unknown outcome, settled by engine.target_recover. Leases are short and
renewed by the worker holding them (leases.py), so a dead worker's claims come back in seconds.

Accounts' budgets (networks/budget.py): targets of an account its network paused (a 429) or
whose publishing budget is spent are not claimed, and an account is given at most as many
claims as it has calls left; the publish itself takes the calls, so this only avoids claims
that would have to wait.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from cm_platform.models import Heartbeat
from cm_platform.reasons import reason
from core.db import writing
from networks import budget
from networks.registry import get_adapter_class
from posts.models import PostTarget, TargetState
from publishing import history, rules
from publishing.pause import brands_resume_due

logger = logging.getLogger(__name__)

NOT_STARTED = reason("No worker started it in time; nothing was sent, it goes back in the queue.")
# Any constant shared by every dispatcher: the PostgreSQL advisory lock's key.
DISPATCH_LOCK_KEY = 7_412_001


def new_claim() -> str:
    return uuid.uuid4().hex


def as_held(target: PostTarget) -> dict:
    """The compare-and-set of every write on a claimed target: the same claim, still `publishing`,
    and called or not as this worker last saw it (a call started meanwhile makes it someone
    else's: a redelivered message, or the sweeper racing the call's start)."""
    return {
        "pk": target.pk,
        "claim_id": target.claim_id,
        "called_at__isnull": target.called_at is None,
        "state": TargetState.PUBLISHING,
    }


def lease_until(now: datetime, *, queued: bool = False) -> datetime:
    """A claim's lease: short once a worker holds it (renewed by its heartbeat, leases.py);
    longer while its message waits in the broker for a free worker."""
    seconds = settings.PUBLISH_QUEUE_LEASE_SECONDS if queued else settings.PUBLISH_LEASE_SECONDS
    return now + timedelta(seconds=seconds)


# --- dispatch ----------------------------------------------------------------------------------
def dispatch_due(*, now: datetime | None = None) -> list[int]:
    """Claim what is due within the in-flight limits and enqueue it; returns the claimed ids."""
    now = now or timezone.now()
    brands_resume_due(now=now)
    claim = new_claim()
    with writing():
        _take_turns()
        room = budget.room(now=now)
        chosen = _within_limits(_candidates(now, room), room)
        claimed = _claim(chosen, claim, now)
        history.record_claims(claimed)
        Heartbeat.touch("dispatcher")
    # Registered after the claiming transaction, so the messages are written once it committed
    # and without holding the writers' turn (or at the end of a caller's own transaction).
    transaction.on_commit(lambda: _enqueue(claimed, claim))
    return claimed


def _take_turns() -> None:
    """Serialise dispatcher runs on PostgreSQL (SQLite's IMMEDIATE transactions already do)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DISPATCH_LOCK_KEY])


def _candidates(now: datetime, room: budget.Room) -> list[tuple[int, int, str]]:
    """(target id, account id, network) of due targets, oldest first, a batch at most; those of
    accounts their network paused or whose publishing budget is spent are not even read (a
    backlog waiting for one account's reset must not hide the other accounts' due posts)."""
    due = room.exclude_held(rules.due_targets(now)).order_by("post__scheduled_at", "pk")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self",))
    return list(due.values_list("pk", "account_id", "account__network")[: settings.PUBLISH_DISPATCH_BATCH])


def _within_limits(candidates: list[tuple[int, int, str]], room: budget.Room) -> list[int]:
    """The candidates that fit under the per-account and per-network in-flight limits, and under
    what is left of each account's budget (each claim will make at least one call)."""
    per_account = _in_flight_by("account_id")
    per_network = _in_flight_by("account__network")
    chosen = []
    for pk, account_id, network in candidates:
        account_limit, network_limit = limits_for(network)
        if per_account[account_id] >= min(account_limit, room.left.get(account_id, account_limit)):
            continue
        if per_network[network] >= network_limit:
            continue
        per_account[account_id] += 1
        per_network[network] += 1
        chosen.append(pk)
    return chosen


def _in_flight_by(field: str) -> Counter:
    in_flight = PostTarget.objects.filter(state=TargetState.PUBLISHING).order_by()
    return Counter(dict(in_flight.values(field).annotate(n=Count("pk")).values_list(field, "n")))


def limits_for(network: str) -> tuple[int, int]:
    """(per account, per network) in-flight limits: the adapter's own, else the settings'."""
    try:
        adapter = get_adapter_class(network)
    except LookupError:
        adapter = None
    return (
        getattr(adapter, "max_in_flight_per_account", settings.PUBLISH_MAX_IN_FLIGHT_PER_ACCOUNT),
        getattr(adapter, "max_in_flight_per_network", settings.PUBLISH_MAX_IN_FLIGHT_PER_NETWORK),
    )


def _claim(chosen: list[int], claim: str, now: datetime) -> list[int]:
    """One compare-and-set UPDATE that re-checks every rule; returns what this run claimed."""
    if not chosen:
        return []
    rules.due_targets(now).filter(pk__in=chosen).update(
        state=TargetState.PUBLISHING, claim_id=claim, lease_expires_at=lease_until(now, queued=True)
    )
    return list(PostTarget.objects.filter(claim_id=claim).values_list("pk", flat=True))


def _enqueue(claimed: list[int], claim: str) -> None:
    """One message per target, all sent through one producer (a burst sends hundreds)."""
    from publishing.tasks import publish_target  # noqa: PLC0415 — cycle: the tasks call this module

    with publish_target.app.producer_or_acquire() as producer:
        for pk in claimed:
            publish_target.apply_async((pk, claim), producer=producer)


# --- sweep -------------------------------------------------------------------------------------
def sweep_expired(*, now: datetime | None = None) -> list[int]:
    """Take back targets whose lease expired (a dead or stuck worker).

    Never called: back to pending at once. Called: the outcome is unknown, so a recover task
    settles it (same key where the network recognises repeats, a look, or a person's check).
    """
    now = now or timezone.now()
    expired = PostTarget.objects.filter(state=TargetState.PUBLISHING, lease_expires_at__lt=now)
    if connection.features.has_select_for_update_skip_locked:
        expired = expired.select_for_update(skip_locked=True)
    recovered = []
    with writing():
        for target in expired[: settings.PUBLISH_DISPATCH_BATCH]:
            if target.called_at is not None:
                recovered.append(_hand_to_recovery(target, now))
            else:
                _release(target)
        Heartbeat.touch("sweeper")
    return recovered


def _release(target: PostTarget) -> None:
    taken = PostTarget.objects.filter(**as_held(target)).update(
        state=TargetState.PENDING, claim_id="", lease_expires_at=None, called_at=None
    )
    if taken:
        history.record(target, TargetState.PUBLISHING, TargetState.PENDING, note=NOT_STARTED)


def _hand_to_recovery(target: PostTarget, now: datetime) -> int:
    """Re-claim under a new claim (still `called_at`: the outcome is unknown) so one recover task
    owns the target."""
    from publishing.tasks import recover_target  # noqa: PLC0415 — cycle: the tasks call this module

    claim = new_claim()
    # The recover task waits in the broker like a queued claim; its worker then renews it.
    PostTarget.objects.filter(pk=target.pk, claim_id=target.claim_id).update(
        claim_id=claim, lease_expires_at=lease_until(now, queued=True)
    )
    logger.warning("target %s: lease expired after the network was called; recovering", target.pk)
    transaction.on_commit(lambda: recover_target.delay(target.pk, claim))
    return target.pk
