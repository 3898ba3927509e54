"""Outgoing webhooks: a brand's addresses told when a post is published, fails, or needs approval.

Signed like the webhook network (networks/adapters/webhook.py): an HMAC-SHA256 of the body with
the endpoint's secret in X-Signature-SHA256. The posts app records each of these moments as a
PostEvent; a receiver here turns a new PostEvent into one delivery task per endpoint, sent once
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
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import membership_for, require
from accounts.roles import Perm
from api.models import WebhookEndpoint, WebhookEvent
from networks import http
from networks.adapters.webhook import SIGNATURE_HEADER, sign
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
        brand=brand, url=url, events=sorted(set(events)), credentials={"secret": secret}, created_by=user
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
        "X-Webhook-Delivery": delivery,  # the same on every retry: receivers may drop repeats
        SIGNATURE_HEADER: sign(data, endpoint.credentials["secret"]),
    }
    try:
        response = http.request("POST", endpoint.url, user_typed_host=True, data=data, headers=headers)
    except (http.UnsafeHost, requests.RequestException) as error:
        _record(endpoint, None, str(getattr(error, "message", "")) or _("The address could not be reached."))
        raise DeliveryFailed(endpoint.url) from error
    if response.status_code >= 300:
        _record(
            endpoint, response.status_code, _("The address answered %(status)d.") % {"status": response.status_code}
        )
        raise DeliveryFailed(endpoint.url)
    _record(endpoint, response.status_code, "")
    return response.status_code


def _record(endpoint: WebhookEndpoint, status: int | None, error: str) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        last_delivery_at=timezone.now(), last_status=status, last_error=error
    )
