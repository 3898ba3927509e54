"""Outgoing webhooks: a brand's addresses, told as signed JSON when something happens.

The service that records a moment announces it (posts/notices.py for a post's, listening/alerts.py
for a spike): `announce` queues one delivery task per endpoint that listens for the event, sent
once the transaction commits, so a rolled-back publication is never announced. Sending is
notifications/delivery.py's, in the `api.deliver_webhook` task.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.permissions import require_member
from accounts.roles import Perm
from networks import http
from notifications.models import WebhookEndpoint
from notifications.tasks import deliver_webhook


# --- managing endpoints ----------------------------------------------------------------------
@transaction.atomic
def webhook_create(*, brand, user, url: str, events: list[str]) -> tuple[WebhookEndpoint, str]:
    """A new endpoint; returns it with its signing secret, which is shown only this once."""
    require_member(user, brand, Perm.MANAGE_NETWORKS)
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
    require_member(user, endpoint.brand, Perm.MANAGE_NETWORKS)
    endpoint.delete()


# --- announcing ------------------------------------------------------------------------------
def announce(event: str, *, to: QuerySet[WebhookEndpoint], document: Callable[[], dict]) -> None:
    """Queue one delivery of `event` per endpoint among `to` that listens for it.

    `to` is read once (one query, none more when the brand has no webhook: this is on the
    publishing path); `document` is built only when someone listens.
    """
    endpoints = [endpoint for endpoint in to.only("pk", "events") if event in endpoint.events]
    if not endpoints:
        return
    body = json.dumps(document(), ensure_ascii=False, default=str)
    for endpoint in endpoints:
        transaction.on_commit(partial(deliver_webhook.delay, endpoint.pk, event, uuid.uuid4().hex, body))
