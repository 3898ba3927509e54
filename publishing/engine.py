"""The engine's own writes: publishing a target the dispatcher claimed, settling every outcome
(published, retry with backoff, reconnect, rejected, unknown), and recovering a dead worker's call.
A person's decisions are in decisions.py, the crisis pause in pause.py.

Never twice, never lost: every write to a target after the network was called is a
compare-and-set on the claim that called it, and an unknown outcome is resolved by the same key
(networks that recognise repeats), by looking (networks that can tell), or by a person.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from cm_platform.reasons import Reason, literal, reason
from core.db import writing
from networks import budget, http
from networks.base import Adapter, ErrorKind, PublishError, PublishResult
from networks.models import NetworkAccount
from networks.services import account_keep_rotated_credentials, account_mark_needs_reconnect
from posts.media import media_files_for
from posts.models import PostMedia, PostTarget, TargetState
from posts.notices import notify_if_published, notify_publish_failed
from publishing import health, history, leases, rules
from publishing.db import pause_lock
from publishing.dispatcher import as_held, lease_until
from publishing.waiting import budget_reason

logger = logging.getLogger(__name__)
NOT_SENT = reason(
    "It may no longer go out (brand paused, post no longer approved or account disconnected): nothing was sent."
)


# --- publishing one target -----------------------------------------------------------------
def target_publish(*, target_id: int, claim: str) -> str:
    """Publish a target the dispatcher claimed under `claim`; returns the state it ended in.

    A stale claim (the target was taken back or already done) does nothing; a target that may
    no longer go out (its brand was paused, its post unapproved) goes back to pending.
    """
    target = _start_call(target_id, claim)
    if target is None:
        return "skipped"
    with leases.held(target.pk, claim):
        outcome = _call_network(target, publish_prepaid=bool(target.account.adapter().get_rates()))
    health.note_publish_finished()
    return outcome


def _call_network(target: PostTarget, *, publish_prepaid: bool) -> str:
    adapter = target.account.adapter()
    try:
        media = _media_for(target, adapter)
    except ValidationError as error:  # nothing was sent: a file cannot be made to fit this network
        return _fail(target, literal(" ".join(error.messages)), ErrorKind.REJECTED)
    try:
        with budget.spending(target.account, budget.Priority.PUBLISH, publish_prepaid=publish_prepaid):
            result = adapter.publish(text=target.effective_text, media=media, key=target.key)
    except budget.OverBudget as refusal:  # nothing was published: wait for the budget
        outcome = _wait_for_budget(target, refusal)
    except PublishError as error:
        outcome = _after_error(target, adapter, error)
    except Exception:  # a bug or a surprise answer: the request may have gone out, so "unknown"
        logger.exception("target %s: unexpected error while publishing", target.pk)
        unknown = PublishError(reason("An unexpected error happened while publishing."), kind=ErrorKind.UNKNOWN)
        outcome = _after_error(target, adapter, unknown)
    else:
        outcome = _published(target, result)
    finally:
        account_keep_rotated_credentials(adapter=adapter)
    return outcome


def target_recover(*, target_id: int, claim: str) -> str:
    """Settle a target whose worker died after calling the network (handed over by the sweeper)."""
    target = _owned(target_id, claim)
    if target is None:
        return "skipped"
    message = reason("The publishing worker stopped while sending to %(account)s.", account=str(target.account))
    with leases.held(target.pk, claim), budget.spending(target.account, budget.Priority.PUBLISH):
        try:
            outcome = _settle_unknown(target, target.account.adapter(), message)
        except budget.OverBudget as refusal:  # the look for the post must wait: still unknown
            outcome = _retry_or_fail(target, message, retry_after=_seconds_until(refusal.until), kind=ErrorKind.UNKNOWN)
    health.note_publish_finished()
    return outcome


def _start_call(target_id: int, claim: str) -> PostTarget | None:
    """Mark the claim as called (and count the attempt) if the target may still go out.

    The target is read first, outside the writers' turn (on SQLite the whole process queues for
    it); then, inside it, one compare-and-set UPDATE decides. Its claim conditions are on the row
    itself, which PostgreSQL re-checks if another transaction changed the row meanwhile; the
    release rules are subqueries (rules.releasable_target_q) read after the brand's pause lock was
    taken, so a pause either committed before them or waits for this transaction. An edit that
    changes what goes out revokes the approval, which the same UPDATE sees. The outcome's event
    records the attempt number: starting an attempt writes no event of its own.
    """
    target = _owned(target_id, claim)
    if target is None:
        return None  # taken back by the sweeper, or already done: someone else's now
    if target.called_at is not None:
        return None  # a message delivered twice: the call under this claim has started already
    metered = bool(target.account.adapter().get_rates())
    if metered:
        budget.before_publish(target.account)  # never sleep inside the writers' turn
    try:
        with writing():
            pause_lock(target.post.brand_id, shared=True)
            now = timezone.now()
            started = PostTarget.objects.filter(rules.releasable_target_q(now), **as_held(target)).update(
                called_at=now, attempts=F("attempts") + 1, lease_expires_at=lease_until(now)
            )
            if not started:
                # Paused, unapproved or disconnected since the claim: back to pending, unsent (a
                # compare-and-set on the claim, so nothing happens if the claim is no longer ours).
                _settle(target, TargetState.PENDING, NOT_SENT)
                return None
            if metered:
                # The call that publishes takes its budget here, in the same transaction (no
                # writer's turn of its own); refused, the whole start rolls back.
                budget.take_publish(target.account)
    except budget.OverBudget as refusal:  # nothing started: wait for the budget
        _wait_for_budget(target, refusal, attempt_counted=False)
        return None
    # What the UPDATE wrote, on the copy read before it (the claim kept everyone else out).
    target.called_at, target.attempts = now, target.attempts + 1
    return target


def _owned(target_id: int, claim: str) -> PostTarget | None:
    """The target if `claim` holds it, with what publishing reads (and whether it has media).

    On every publish: no ORDER BY (one row at most) and no brand (read only when something
    goes wrong) keep the ORM's share of a burst small.
    """
    targets = PostTarget.objects.select_related("post", "account").annotate(
        has_media=Exists(PostMedia.objects.filter(post_id=OuterRef("post_id")))
    )
    found = targets.filter(pk=target_id, claim_id=claim, state=TargetState.PUBLISHING)[:1]
    return next(iter(found), None)


def _media_for(target: PostTarget, adapter: Adapter) -> list:
    if not getattr(target, "has_media", True):  # known from _owned: no query for a text post
        return []
    media = [link.media for link in target.post.postmedia_set.select_related("media").order_by("position")]
    return media_files_for(adapter.get_limits(), media) if media else []


def _settle(target: PostTarget, to_state: str, note: str | Reason, **fields) -> bool:
    """Move a target out of `publishing` under its claim and record it, in one transaction."""
    with writing():
        settled = _finish(target, state=to_state, **fields)
        if settled:
            history.record(target, TargetState.PUBLISHING, to_state, note=note)
    return settled


def _finish(target: PostTarget, **fields) -> bool:
    """Compare-and-set on the claim that called the network: a taken-back target is left alone."""
    updated = PostTarget.objects.filter(**as_held(target)).update(
        claim_id="", lease_expires_at=None, called_at=None, **fields
    )
    for name, value in fields.items():
        setattr(target, name, value)
    return bool(updated)


# --- outcomes --------------------------------------------------------------------------------
def _published(target: PostTarget, result: PublishResult) -> str:
    """Success always wins, whoever holds the claim now: the network has the post."""
    now = timezone.now()
    scheduled = target.post.scheduled_at or now
    link = http.http_link(result.url)
    fields = {
        "state": TargetState.PUBLISHED,
        "remote_id": result.remote_id[:300],
        "remote_url": link,
        "published_at": now,
        "lateness_seconds": (now - scheduled).total_seconds(),
        "claim_id": "",
        "lease_expires_at": None,
        "called_at": None,
        "next_attempt_at": None,
        "error_kind": "",
        "last_error": "",
    }
    before = target.state
    with writing():
        if PostTarget.objects.filter(pk=target.pk).exclude(state=TargetState.PUBLISHED).update(**fields):
            history.record(target, before, TargetState.PUBLISHED, note=literal(link or result.remote_id))
            tell_author_if_all_out(target)
    return TargetState.PUBLISHED


def _after_error(target: PostTarget, adapter: Adapter, error: PublishError) -> str:
    if error.kind == ErrorKind.RETRY:
        return _retry_or_fail(target, error.reason, retry_after=error.retry_after)
    if error.kind == ErrorKind.RECONNECT:
        return _wait_for_reconnect(target, error.reason)
    if error.kind == ErrorKind.REJECTED:
        return _fail(target, error.reason, ErrorKind.REJECTED)
    return _settle_unknown(target, adapter, error.reason)


def _wait_for_budget(target: PostTarget, refusal: budget.OverBudget, *, attempt_counted: bool = True) -> str:
    """The account's budget (or its network's pause) allows no call now: back to pending until
    it refills, the attempt given back (nothing was published), the post saying why."""
    why = budget_reason(refusal, target.account)
    attempts = max(0, target.attempts - 1) if attempt_counted else target.attempts
    now = timezone.now()
    _settle(target, TargetState.PENDING, why, next_attempt_at=refusal.until, attempts=attempts, **_error("", why, now))
    return TargetState.PENDING


def _seconds_until(moment: datetime) -> float:
    return max(0.0, (moment - timezone.now()).total_seconds())


def backoff_delay(attempts: int, retry_after: float | None = None) -> float:
    """Exponential backoff with jitter, never sooner than the network asked.

    "Equal jitter": half the exponential delay plus a random half, so retries of a burst spread
    out but none comes back at once.
    """
    exponential = min(settings.PUBLISH_BACKOFF_MAX, settings.PUBLISH_BACKOFF_BASE * 2 ** max(0, attempts - 1))
    jittered = exponential / 2 + random.uniform(0, exponential / 2)
    return max(jittered, retry_after or 0)


def _retry_or_fail(
    target: PostTarget, message: Reason, *, retry_after: float | None = None, kind=ErrorKind.RETRY
) -> str:
    if target.attempts >= settings.PUBLISH_MAX_ATTEMPTS:
        gave_up = reason("Gave up after %(count)d attempts: %(error)s", count=target.attempts, error=message)
        return _fail(target, gave_up, kind)
    now = timezone.now()
    delay = backoff_delay(target.attempts, retry_after)
    retry_at = now + timedelta(seconds=delay)
    note = reason("%(error)s It will be tried again in %(seconds)d s.", error=message, seconds=round(delay))
    _settle(target, TargetState.PENDING, note, next_attempt_at=retry_at, **_error(kind, message, now))
    return TargetState.PENDING


def _error(kind: str, message: Reason, now: datetime) -> dict:
    return {
        "error_kind": str(kind),
        "last_error_code": message.as_json(),
        "last_error": str(message),
        "last_error_at": now,
    }


def _fail(target: PostTarget, message: Reason, kind: str) -> str:
    if _settle(target, TargetState.FAILED, message, **_error(kind, message, timezone.now())):
        _tell_people(target)
    return TargetState.FAILED


def _wait_for_reconnect(target: PostTarget, message: Reason) -> str:
    """The account's credentials no longer work: the owners are told, the target waits for them."""
    _mark_needs_reconnect(target.account, message)
    _settle(target, TargetState.PENDING, message, **_error(ErrorKind.RECONNECT, message, timezone.now()))
    return TargetState.PENDING


def _mark_needs_reconnect(account: NetworkAccount, message: Reason) -> None:
    with writing():
        account_mark_needs_reconnect(account=account, message=message)


def _settle_unknown(target: PostTarget, adapter: Adapter, message: Reason) -> str:
    """The request may have been published. Never send it again blindly."""
    if adapter.recognises_repeats:
        # The network will answer a repeat of this key with the first post: sending again is safe.
        if target.attempts >= settings.PUBLISH_MAX_ATTEMPTS:
            return _needs_checking(target, message)
        return _retry_or_fail(target, message, kind=ErrorKind.UNKNOWN)
    try:
        found = adapter.find_published(key=target.key)
    except NotImplementedError:
        return _needs_checking(target, message)
    except Exception:  # the look itself failed: we still do not know
        logger.warning("target %s: could not look for the post on %s", target.pk, target.account.network)
        return _needs_checking(target, message)
    if found is not None:
        return _published(target, found)
    # The network says the post is not there: sending it again cannot make a duplicate.
    return _retry_or_fail(target, message, kind=ErrorKind.UNKNOWN)


def _needs_checking(target: PostTarget, message: Reason) -> str:
    explanation = reason(
        "We cannot tell whether %(account)s published this post (%(error)s). Look on the network, "
        "then mark it as published or publish it again."
    ) % {"account": str(target.account), "error": message}
    fields = _error(ErrorKind.UNKNOWN, explanation, timezone.now())
    if _settle(target, TargetState.NEEDS_CHECKING, explanation, **fields):
        _tell_people(target)
    return TargetState.NEEDS_CHECKING


def tell_author_if_all_out(target: PostTarget) -> None:
    """Inside the transaction that recorded the publication (no second turn at the writers'
    lock): the author hears once the post's last target is out."""
    try:
        with transaction.atomic():  # a savepoint: a failure here leaves the publication recorded
            notify_if_published(post_id=target.post_id)
    except Exception:  # telling people must never undo what was recorded
        logger.exception("target %s: could not notify the author", target.pk)


def _tell_people(target: PostTarget) -> None:
    try:
        with writing():
            notify_publish_failed(target=target)
    except Exception:  # telling people must never undo what was recorded
        logger.exception("target %s: could not notify", target.pk)
