"""Sending a reply exactly once, by the publishing engine's rules.

A reply is a small post: checked against the network's limits when written, then sent by a
Celery task that first claims it (a compare-and-set UPDATE: pending → sending under a new claim),
marks the claim "called" just before the network call, and settles it under that claim:

- sent: the network's message is stored as ours in the conversation, which now waits for them;
- retryable failure (timeout before sending, 5xx, 429): pending again after a backoff that
  honours the network's reset time (publishing.engine.backoff_delay);
- refused credentials: pending, the account flagged for reconnecting (sent once reconnected);
- refused content: failed, with the network's reason;
- unknown outcome (sent, no answer): the same key again where the network recognises repeats
  (Mastodon's Idempotency-Key is the reply's key), else "needs checking" for a person.

The database holds what is due: the inbox dispatcher (inbox/collect.py, on beat) hands over
pending replies whose message was lost and takes back claims whose worker died (lease expired).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox import states
from inbox.models import Conversation, EventKind, Message, Reply, ReplyState
from inbox.services import inbox_settings_for, record_event, refresh_summaries
from networks.base import ErrorKind, PublishError, PublishResult
from networks.capabilities.conversations import MessageKind, web_address
from networks.models import AccountStatus
from networks.services import account_keep_rotated_credentials, account_mark_needs_reconnect
from publishing.engine import backoff_delay

logger = logging.getLogger(__name__)


def lease_until(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.INBOX_REPLY_LEASE_SECONDS)


def _due(now: datetime) -> Q:
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def reply_send(*, reply_id: int) -> str:
    """Claim a pending reply and send it; returns the state it ended in ("skipped": not ours)."""
    claim = uuid.uuid4().hex
    now = timezone.now()
    claimed = Reply.objects.filter(
        _due(now),
        pk=reply_id,
        state=ReplyState.PENDING,
        conversation__account__status=AccountStatus.CONNECTED,
    ).update(state=ReplyState.SENDING, claim_id=claim, called=False, lease_expires_at=lease_until(now))
    if not claimed:
        return "skipped"
    reply = Reply.objects.select_related("conversation__account", "conversation__brand", "in_reply_to").get(pk=reply_id)
    # Just before the call: from here on, a lost worker means an unknown outcome.
    Reply.objects.filter(pk=reply_id, claim_id=claim).update(called=True, attempts=F("attempts") + 1)
    reply.attempts += 1
    adapter = reply.conversation.account.adapter()
    try:
        result = adapter.reply(to=reply.in_reply_to.remote_id, text=reply.text, key=reply.key)
    except PublishError as error:
        return _after_error(reply, claim, error, recognises_repeats=adapter.recognises_repeats)
    except Exception:  # a bug or a surprise answer after the request left: maybe sent
        logger.exception("reply %s: unexpected error while sending", reply.pk)
        unknown = PublishError(_("An unexpected error happened while sending."), kind=ErrorKind.UNKNOWN)
        return _after_error(reply, claim, unknown, recognises_repeats=adapter.recognises_repeats)
    else:
        return _sent(reply, result)
    finally:
        account_keep_rotated_credentials(adapter=adapter)


@transaction.atomic
def _sent(reply: Reply, result: PublishResult) -> str:
    """Success wins whoever holds the claim now: the network has the reply."""
    conversation = Conversation.objects.select_for_update().get(pk=reply.conversation_id)
    account = conversation.account
    message, _created = Message.objects.get_or_create(
        account=account,
        remote_id=result.remote_id[:300],
        defaults={
            "conversation": conversation,
            "ours": True,
            "kind": MessageKind.REPLY,
            "author_handle": (account.handle or account.display_name)[:200],
            "author_name": account.display_name[:200],
            "author_avatar_url": web_address(account.avatar_url),
            "text": reply.text,
            "created_at": timezone.now(),
            "url": web_address(result.url),
            "in_reply_to": reply.in_reply_to.remote_id,
            "sent_by": reply.author,
        },
    )
    now = timezone.now()
    updated = (
        Reply.objects.filter(pk=reply.pk)
        .exclude(state=ReplyState.SENT)
        .update(state=ReplyState.SENT, message=message, sent_at=now, claim_id="", lease_expires_at=None, last_error="")
    )
    if updated:
        before = conversation.state
        conversation.state = states.after_our_reply(conversation.state)
        if conversation.first_response_at is None:
            conversation.first_response_at = now
            conversation.first_response_seconds = _business_seconds_to_answer(conversation, now)
        conversation.reply_due_at = None
        conversation.save(update_fields=["state", "first_response_at", "first_response_seconds", "reply_due_at"])
        refresh_summaries({conversation.pk})
        after, detail = conversation.state, reply.text[:300]
        record_event(conversation, reply.author, EventKind.REPLY_SENT, before=before, after=after, detail=detail)
    return ReplyState.SENT


def _business_seconds_to_answer(conversation: Conversation, answered_at) -> float | None:
    first = conversation.messages.filter(ours=False).order_by("created_at").values_list("created_at", flat=True).first()
    if first is None:
        return None
    return inbox_settings_for(conversation.brand).hours().seconds_between(first, answered_at)


def _after_error(reply: Reply, claim: str, error: PublishError, *, recognises_repeats: bool) -> str:
    if error.kind == ErrorKind.RETRY:
        return _retry_or_fail(reply, claim, error.message, retry_after=error.retry_after)
    if error.kind == ErrorKind.RECONNECT:
        account_mark_needs_reconnect(account=reply.conversation.account, message=error.message)
        _settle(reply, claim, ReplyState.PENDING, error.message, next_attempt_at=None)
        return ReplyState.PENDING
    if error.kind == ErrorKind.REJECTED:
        return _fail(reply, claim, error.message)
    return settle_unknown(reply, claim, error.message, recognises_repeats=recognises_repeats)


def settle_unknown(reply: Reply, claim: str, message: str, *, recognises_repeats: bool) -> str:
    """The network may have the reply. Never send it again blindly."""
    if recognises_repeats and reply.attempts < settings.PUBLISH_MAX_ATTEMPTS:
        return _retry_or_fail(reply, claim, message)  # the same key: a repeat returns the first
    explanation = _(
        "We cannot tell whether this reply reached the network (%(error)s). "
        "Look there, then write it again if it is missing."
    ) % {"error": message}
    _settle(reply, claim, ReplyState.NEEDS_CHECKING, explanation)
    after = ReplyState.NEEDS_CHECKING
    record_event(reply.conversation, None, EventKind.REPLY_FAILED, after=after, detail=explanation[:300])
    return ReplyState.NEEDS_CHECKING


def _retry_or_fail(reply: Reply, claim: str, message: str, *, retry_after: float | None = None) -> str:
    if reply.attempts >= settings.PUBLISH_MAX_ATTEMPTS:
        gave_up = _("Gave up after %(count)d attempts: %(error)s") % {"count": reply.attempts, "error": message}
        return _fail(reply, claim, gave_up)
    retry_at = timezone.now() + timedelta(seconds=backoff_delay(reply.attempts, retry_after))
    _settle(reply, claim, ReplyState.PENDING, message, next_attempt_at=retry_at)
    return ReplyState.PENDING


def _fail(reply: Reply, claim: str, message: str) -> str:
    if _settle(reply, claim, ReplyState.FAILED, message):
        record_event(reply.conversation, None, EventKind.REPLY_FAILED, after=ReplyState.FAILED, detail=message[:300])
    return ReplyState.FAILED


def _settle(reply: Reply, claim: str, state: str, message: str, **fields) -> bool:
    """Compare-and-set on the claim: a reply taken back meanwhile is left alone."""
    return bool(
        Reply.objects.filter(pk=reply.pk, claim_id=claim, state=ReplyState.SENDING).update(
            state=state, claim_id="", called=False, lease_expires_at=None, last_error=message, **fields
        )
    )


# --- what the dispatcher does for replies -----------------------------------------------------------
def replies_due(now: datetime) -> list[int]:
    """Pending replies to hand to a sender: due retries, and first sends whose message was lost."""
    grace = now - timedelta(seconds=settings.INBOX_REPLY_GRACE_SECONDS)
    waiting = Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lte=grace)
    return list(
        Reply.objects.filter(waiting, state=ReplyState.PENDING, conversation__account__status=AccountStatus.CONNECTED)
        .order_by("pk")
        .values_list("pk", flat=True)[: settings.INBOX_DISPATCH_BATCH]
    )


def replies_recover(now: datetime) -> None:
    """Claims whose lease expired: never called → pending again; called → an unknown outcome."""
    expired = Reply.objects.filter(state=ReplyState.SENDING, lease_expires_at__lt=now).select_related(
        "conversation__account"
    )
    for reply in expired[: settings.INBOX_DISPATCH_BATCH]:
        if not reply.called:
            _settle(reply, reply.claim_id, ReplyState.PENDING, "", next_attempt_at=None)
            continue
        logger.warning("reply %s: lease expired after the network was called", reply.pk)
        message = _("The worker stopped while sending this reply.")
        repeats = reply.conversation.account.adapter_class.recognises_repeats
        settle_unknown(reply, reply.claim_id, message, recognises_repeats=repeats)
