"""The Meta webhook receiver: Facebook Page comments, Instagram comments and Threads replies and
mentions pushed as they happen, a faster path the poll (inbox/collect.py) still backs up.

One public URL (`inbox:meta_webhook`, no login, no CSRF token: Meta cannot have one):
- GET answers Meta's subscription check: `hub.mode=subscribe` with `hub.verify_token` equal to
  META_WEBHOOK_VERIFY_TOKEN echoes `hub.challenge`; anything else is 403;
- POST takes a JSON body (415 otherwise) of at most META_WEBHOOK_MAX_BYTES (413 above) whose `X-Hub-Signature-256`
  is the HMAC-SHA256 of the raw body with the app secret (FACEBOOK_APP_SECRET, or
  THREADS_APP_SECRET for a Threads delivery), compared in constant time; else 403 and nothing
  is read. The changes become messages (networks/meta/webhooks.py) stored by the same service
  as the poll's pages (inbox.services.messages_store): one per account and remote id, so the
  same comment delivered by the webhook and read by the poll is stored once.
Instagram's `mentions` name only ids: a task (`inbox.read_mention`) reads each with
mentioned_comment / mentioned_media and stores it the same way.
An account nobody connected, a field that is not a message, a malformed value: logged and
ignored, answered 200 (Meta would otherwise retry, then disable the subscription).
"""

from __future__ import annotations

import hmac
import json
import logging
from dataclasses import replace
from functools import partial

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from inbox.services import messages_store
from networks.base import ErrorKind, PublishError
from networks.capabilities.conversations import InboundMessage
from networks.meta import webhooks
from networks.models import AccountStatus, NetworkAccount
from publishing.db import writing

logger = logging.getLogger(__name__)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def meta_webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _verification(request)
    if request.content_type != "application/json":
        return HttpResponse(status=415)  # Meta sends JSON; a form's body was read by the middleware
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > settings.META_WEBHOOK_MAX_BYTES:
        return HttpResponse(status=413)
    body = request.body
    payload = _signed_payload(body, request.headers.get("X-Hub-Signature-256"))
    if payload is None:
        logger.warning("meta webhook: a delivery without a valid signature was refused")
        return HttpResponse(status=403)
    stored = meta_delivery_store(parsed=webhooks.parse(payload))
    return HttpResponse(f"stored {stored}", content_type="text/plain")


def _verification(request: HttpRequest) -> HttpResponse:
    token = settings.META_WEBHOOK_VERIFY_TOKEN
    given = request.GET.get("hub.verify_token", "")
    challenge = request.GET.get("hub.challenge", "")
    if request.GET.get("hub.mode") != "subscribe" or not token or not hmac.compare_digest(given, token):
        return HttpResponse(status=403)
    return HttpResponse(challenge[:200], content_type="text/plain")


def _signed_payload(body: bytes, signature: str | None) -> object | None:
    """The delivery, if the secret of the app it comes from signed it (None otherwise)."""
    facebook = webhooks.signed_by(body, signature, settings.FACEBOOK_APP_SECRET)
    threads = webhooks.signed_by(body, signature, settings.THREADS_APP_SECRET)
    if not (facebook or threads):
        return None
    try:
        payload = json.loads(body)
    except ValueError:
        return {}  # signed but not JSON: nothing in it to store
    app = webhooks.network_of(payload)
    return payload if (app == "threads" and threads) or (app == "facebook" and facebook) else None


def meta_delivery_store(*, parsed: webhooks.Parsed) -> int:
    """Store what a delivery brought for every connected account it names; returns how many
    messages were new. Mentions announced by their ids only are read by a task."""
    for what in parsed.ignored:
        logger.info("meta webhook: ignored %s", what)
    for lookup in parsed.lookups:
        _enqueue_mention_reads(lookup)
    created = 0
    for delivery in parsed.deliveries:
        for account in _accounts(delivery.network, delivery.key, delivery.account_id):
            messages = [_ours_if_ours(message, account) for message in delivery.messages]
            with writing():
                created += messages_store(account=account, messages=messages).created
    return created


def _accounts(network: str, key: str, account_id: str) -> list[NetworkAccount]:
    found = NetworkAccount.objects.filter(
        network=network, status=AccountStatus.CONNECTED, **{f"config__{key}": account_id}
    )
    if not found:
        logger.info("meta webhook: no connected %s account %s; ignored", network, account_id)
    return list(found)


def _enqueue_mention_reads(lookup: webhooks.MentionLookup) -> None:
    from inbox.tasks import read_mention  # noqa: PLC0415 — cycle: the tasks module calls these services

    for account in _accounts("instagram", "ig_user_id", lookup.account_id):
        transaction.on_commit(partial(read_mention.delay, account.pk, lookup.media_id, lookup.comment_id))


def mention_read(*, account_id: int, media_id: str, comment_id: str) -> str:
    """Read an Instagram mention the webhook announced and store it (once, as the poll would).
    A failure worth another try (throttled, unreachable) raises PublishError for the task."""
    account = NetworkAccount.objects.filter(pk=account_id, status=AccountStatus.CONNECTED).first()
    if account is None:
        return "skipped"
    try:
        message = account.adapter().read_mention(media_id=media_id, comment_id=comment_id)
    except PublishError as error:
        logger.warning("meta webhook: the mention %s/%s could not be read: %s", media_id, comment_id, error.message)
        if error.kind == ErrorKind.RETRY:
            raise  # the task tries again after the network's reset
        return "failed"
    if message is None:
        return "gone"
    with writing():
        messages_store(account=account, messages=[_ours_if_ours(message, account)])
    return "stored"


def _ours_if_ours(message: InboundMessage, account: NetworkAccount) -> InboundMessage:
    """A change naming only its author's handle (Threads) is ours when that is the account's."""
    if not message.ours and account.handle and message.author.handle == account.handle:
        return replace(message, ours=True)
    return message
