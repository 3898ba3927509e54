"""The machinery of a link that is its own credential (client review links, calendar preview
links): a row holds the SHA-256 of a random nonce and the nonce itself encrypted at rest (so a
reminder can send the same link again); the token is TimestampSigner's signature over the row's
id and the nonce, under a salt per kind of link. A token that is tampered with, names an
unknown row, carries another nonce, or whose row is revoked or expired opens nothing: the
caller raises the same 404 whatever the reason.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Protocol, TypeVar

from django.core import signing
from django.utils.crypto import constant_time_compare


class LinkRow(Protocol):
    pk: int
    nonce_hash: str
    link_secret: dict

    def is_active(self, now=None) -> bool: ...


Row = TypeVar("Row", bound=LinkRow)


def digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def new_secret(row: LinkRow) -> str:
    """Give the (unsaved) row a fresh nonce; returns it."""
    nonce = secrets.token_urlsafe(32)
    row.nonce_hash, row.link_secret = digest(nonce), {"n": nonce}
    return nonce


def sign(row: LinkRow, *, salt: str, nonce: str) -> str:
    return signing.TimestampSigner(salt=salt).sign_object({"r": row.pk, "n": nonce})


def token(row: LinkRow, *, salt: str) -> str | None:
    """The row's token again (None for a row whose nonce was never kept: only its first email had it)."""
    nonce = (row.link_secret or {}).get("n")
    return sign(row, salt=salt, nonce=nonce) if nonce else None


def opened(token: str, *, salt: str, rows) -> Row | None:
    """The active row of `rows` (a queryset) the token names, or None whatever the reason."""
    try:
        payload = signing.TimestampSigner(salt=salt).unsign_object(token)
        row_id, nonce = int(payload["r"]), str(payload["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    row = rows.filter(pk=row_id).first()
    if row is None or not constant_time_compare(row.nonce_hash, digest(nonce)) or not row.is_active():
        return None
    return row
