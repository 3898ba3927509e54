"""Personal access tokens: made, checked and revoked here and nowhere else."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken
from core.exceptions import Forbidden

# A recognisable start lets secret scanners and people spot a leaked token.
TOKEN_START = "cmp_"  # noqa: S105 (a marker, not a secret)
PREFIX_LENGTH = 12
# last_used_at is written at most this often: one write per call would make every read a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the raw token, which is never retrievable again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, for example the script that will use it.")})
    raw = TOKEN_START + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=raw[:PREFIX_LENGTH], digest=_digest(raw))
    return token, raw


def token_revoke(*, token: ApiToken, user) -> ApiToken:
    """Revoke one of the user's own tokens; revoking twice keeps the first time."""
    if token.user_id != user.pk:
        raise Forbidden
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(raw: str) -> ApiToken | None:
    """The active token matching `raw`, with its user, or None; records when it was used."""
    if not raw.startswith(TOKEN_START):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        _touch(token)
    return token


def _touch(token: ApiToken) -> None:
    now = timezone.now()
    stale = now - LAST_USED_RESOLUTION
    if token.last_used_at is not None and token.last_used_at > stale:
        return
    # Conditional, so concurrent calls of one token write once.
    ApiToken.objects.filter(pk=token.pk).filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale)).update(
        last_used_at=now
    )
    token.last_used_at = now
