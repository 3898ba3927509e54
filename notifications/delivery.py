"""Sending one outgoing webhook: a signed POST, its outcome recorded on the endpoint.

Signed like the webhook network, as networks/signing.py says: X-Signature covers the timestamp,
the delivery id (the same on every retry) and the body.
"""

from __future__ import annotations

import requests
from django.utils import timezone
from django.utils.translation import gettext as _

from networks import http, signing
from notifications.models import WebhookEndpoint


class DeliveryFailed(Exception):
    """The endpoint did not take the delivery; the task retries later."""


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
