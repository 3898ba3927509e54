"""Outgoing webhooks: a brand's addresses told when a post is published, fails, or needs approval.

Signed like the webhook network, as networks/signing.py says: X-Signature covers the timestamp,
the delivery id (the same on every retry) and the body. The posts app records each of these
moments as a PostEvent; a receiver here turns a new PostEvent into one delivery task per endpoint, sent once
the transaction commits, so a rolled-back publication is never announced.
"""

from __future__ import annotations

import json
import secrets
import uuid
from functools import partial

import requests
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.permissions import membership_for, require
from accounts.roles import Perm
from api.models import WebhookEndpoint, WebhookEvent
from listening.models import Alert
from networks import http, signing
from posts.models import EventKind, PostEvent, PostTarget

EVENT_FOR_KIND = {
    EventKind.PUBLISHED: WebhookEvent.POST_PUBLISHED,
    EventKind.FAILED: WebhookEvent.POST_FAILED,
    EventKind.SUBMITTED: WebhookEvent.APPROVAL_NEEDED,
    EventKind.BACK_TO_REVIEW: WebhookEvent.APPROVAL_NEEDED,
}


class DeliveryFailed(Exception):
    """The endpoint did not take the delivery; the task retries later."""


# --- managing endpoints ----------------------------------------------------------------------
@transaction.atomic
def webhook_create(*, brand, user, url: str, events: list[str]) -> tuple[WebhookEndpoint, str]:
    """A new endpoint; returns it with its signing secret, which is shown only this once."""
    require(membership_for(user, brand.slug), Perm.MANAGE_NETWORKS)
    try:
        http.check_public_url(url)
    except http.UnsafeHost as error:
        raise ValidationError({"url": error.message}) from None
    if not events:
        raise ValidationError({"events": _("Choose at least one event.")})
    secret = secrets.token_hex(32)
    endpoint = WebhookEndpoint.objects.create(
        brand=brand,
        shown_url=http.url_redacted(url),
        events=sorted(set(events)),
        credentials={"url": url, "secret": secret},
        created_by=user,
    )
    return endpoint, secret


def webhook_delete(*, endpoint: WebhookEndpoint, user) -> None:
    require(membership_for(user, endpoint.brand.slug), Perm.MANAGE_NETWORKS)
    endpoint.delete()


# --- announcing ------------------------------------------------------------------------------
def announce(event: PostEvent) -> None:
    """Queue one delivery per endpoint of the post's brand that listens for this moment."""
    name = EVENT_FOR_KIND.get(event.kind)  # type: ignore[call-overload]
    if name is None:
        return
    # One query on the publishing path, and none more when the brand has no webhook.
    listening = WebhookEndpoint.objects.filter(brand__posts__id=event.post_id).only("pk", "events")
    endpoints = [e for e in listening if name in e.events]
    if not endpoints:
        return
    body = json.dumps(payload(event, name), ensure_ascii=False, default=str)
    from api.tasks import deliver_webhook

    for endpoint in endpoints:
        transaction.on_commit(partial(deliver_webhook.delay, endpoint.pk, name, uuid.uuid4().hex, body))


def announce_alert(alert: Alert) -> None:
    """Queue one `listening.alert` delivery per endpoint of the brand that listens for it."""
    name = WebhookEvent.LISTENING_ALERT
    endpoints = [e for e in WebhookEndpoint.objects.filter(brand_id=alert.brand_id) if name in e.events]
    if not endpoints:
        return
    with translation.override("en"):  # a machine reads it: one language, the numbers are fields too
        why = alert.why()
    document = {
        "event": name,
        "occurred_at": alert.created_at.isoformat(),
        "brand": alert.search.brand.slug,
        "alert": {
            "id": alert.pk,
            "search": {"id": alert.search_id, "name": alert.search.name},
            "reason": alert.reason,
            "count": alert.count,
            "negative": alert.negative,
            "usual_mean": alert.usual_mean,
            "usual_std": alert.usual_std,
            "usual_negative_share": alert.usual_negative_share,
            "why": why,
        },
    }
    body = json.dumps(document, ensure_ascii=False)
    from api.tasks import deliver_webhook

    for endpoint in endpoints:
        transaction.on_commit(partial(deliver_webhook.delay, endpoint.pk, name, uuid.uuid4().hex, body))


def payload(event: PostEvent, name: str) -> dict:
    post = event.post
    document = {
        "event": name,
        "occurred_at": event.created_at.isoformat(),
        "brand": post.brand.slug,
        "post": {"id": post.pk, "text": post.text, "state": post.state, "scheduled_at": post.scheduled_at},
    }
    target_id = (event.details or {}).get("target")
    target = PostTarget.objects.select_related("account").filter(pk=target_id).first() if target_id else None
    if target is not None:
        document["target"] = {
            "id": target.pk,
            "account": target.account_id,
            "network": target.account.network,
            "state": target.state,
            "remote_url": target.remote_url,
            "last_error": target.error_text,
        }
    return document


def deliver(*, endpoint_id: int, event: str, delivery: str, body: str) -> int | None:
    """POST the signed body; returns the answer's status, None when the endpoint is gone."""
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        return None
    data = body.encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Webhook-Event": event,
        # `delivery` is the same on every retry: a receiver acts once per delivery id.
        **signing.signature_headers(body=data, secret=endpoint.credentials["secret"], delivery_id=delivery),
    }
    try:
        response = http.request("POST", endpoint.credentials["url"], user_typed_host=True, data=data, headers=headers)
    except (http.UnsafeHost, requests.RequestException) as error:
        _record(endpoint, None, str(getattr(error, "message", "")) or _("The address could not be reached."))
        # `from None`: requests' message holds the whole address, and Celery logs the retry.
        raise DeliveryFailed(endpoint.shown_url) from None
    if response.status_code >= 300:
        _record(
            endpoint, response.status_code, _("The address answered %(status)d.") % {"status": response.status_code}
        )
        raise DeliveryFailed(endpoint.shown_url)
    _record(endpoint, response.status_code, "")
    return response.status_code


def _record(endpoint: WebhookEndpoint, status: int | None, error: str) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        last_delivery_at=timezone.now(), last_status=status, last_error=error
    )
