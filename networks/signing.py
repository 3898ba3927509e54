"""How the webhooks this desk sends are signed, and how a receiver checks them.

Both kinds of webhook use it: the webhook network (networks/adapters/webhook.py) and the API's
outgoing webhooks (notifications/delivery.py). Each request carries:

    X-Delivery-Id: <id>                   the same on every retry of one delivery
    X-Timestamp: <unix seconds>           when this attempt was signed
    X-Signature: t=<timestamp>,v1=<hex>   HMAC-SHA256, keyed with the secret shown once when the
                                          webhook was made, of "<timestamp>.<delivery id>.<raw body>"

A receiver (`verify` below is a reference in Python) recomputes v1 over the raw body and compares
in constant time; refuses a timestamp more than TOLERANCE_SECONDS away from its own clock; and
does not act twice on a delivery id it already accepted (it remembers ids for at least the
tolerance: an older copy fails the timestamp check anyway). Since the signature covers the
timestamp and the id, a captured request cannot be replayed later or passed off as another
delivery. A repeated id is answered 2xx: the desk retries a delivery whose answer it never got.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping

TOLERANCE_SECONDS = 300
DELIVERY_HEADER = "X-Delivery-Id"
TIMESTAMP_HEADER = "X-Timestamp"
SIGNATURE_HEADER = "X-Signature"


class InvalidSignature(Exception):
    """Not signed with the secret, or signed too long ago (or ahead): answer 401."""


class Replayed(InvalidSignature):
    """A delivery already accepted: answer 2xx and do nothing more."""


def signature_headers(*, body: bytes, secret: str, delivery_id: str, timestamp: int | None = None) -> dict[str, str]:
    """The headers that sign one attempt at delivering `body` (signed now unless `timestamp`)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        DELIVERY_HEADER: delivery_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: f"t={timestamp},v1={_digest(secret, timestamp, delivery_id, body)}",
    }


def verify(
    *,
    body: bytes,
    secret: str,
    headers: Mapping[str, str],
    accept_once: Callable[[str], bool],
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> str:
    """The receiver's checks; returns the delivery id. `accept_once(id)` records the id and says
    whether it was new. Raises InvalidSignature, or Replayed for an id seen before."""
    found = {name.lower(): value for name, value in headers.items()}
    delivery_id = found.get(DELIVERY_HEADER.lower(), "")
    fields = dict(part.split("=", 1) for part in found.get(SIGNATURE_HEADER.lower(), "").split(",") if "=" in part)
    try:
        timestamp = int(fields.get("t", ""))
    except ValueError:
        raise InvalidSignature("no timestamp") from None
    expected = _digest(secret, timestamp, delivery_id, body)
    if not delivery_id or not hmac.compare_digest(expected, fields.get("v1", "")):
        raise InvalidSignature("bad signature")
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        raise InvalidSignature("timestamp outside the tolerance")
    if not accept_once(delivery_id):
        raise Replayed(delivery_id)
    return delivery_id


def _digest(secret: str, timestamp: int, delivery_id: str, body: bytes) -> str:
    signed = f"{timestamp}.{delivery_id}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
