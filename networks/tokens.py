"""Token health of the OAuth networks: refresh before expiry, warn before it is too late.

Run by beat (networks.tasks.refresh_tokens, every TOKEN_REFRESH_INTERVAL seconds):
- an account whose adapter says a refresh is due gets new credentials (X rotates its refresh
  token, Threads' 60-day token is renewed, LinkedIn's when the app has refresh tokens);
- a refresh the network refuses flags the account (networks.services.account_mark_needs_reconnect
  tells the owners) and its waiting posts show as at risk on the Networks page;
- an account whose access ends within TOKEN_WARNING_DAYS and cannot be renewed (LinkedIn without
  refresh tokens) is announced to the owners once per expiry date, with the posts scheduled
  after that date; once expired, it is flagged for reconnecting.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from networks import services
from networks.base import ErrorKind, PublishError
from networks.models import AccountStatus, NetworkAccount
from networks.oauth import OAuthAdapter

logger = logging.getLogger(__name__)


@dataclass
class HealthReport:
    refreshed: int = 0
    failed: int = 0
    warned: int = 0
    expired: int = 0


def warning_horizon() -> datetime:
    return timezone.now() + timedelta(days=settings.TOKEN_WARNING_DAYS)


def token_health_check() -> HealthReport:
    """The beat task's work: refresh what is due, warn about what will expire, flag what has."""
    report = HealthReport()
    for account in NetworkAccount.objects.filter(status=AccountStatus.CONNECTED).select_related("brand"):
        adapter_class = account.adapter_class
        if not issubclass(adapter_class, OAuthAdapter):
            continue
        if adapter_class.refresh_due(account):
            outcome = account_refresh_token(account=account)
            report.refreshed += outcome is True
            report.failed += outcome is False
            if outcome is False:
                continue
            account.refresh_from_db()
        if _flag_if_expired(account):
            report.expired += 1
        elif _warn_if_expiring(account):
            report.warned += 1
    return report


def account_refresh_token(*, account: NetworkAccount) -> bool | None:
    """Renew the account's token. True: renewed; False: refused (account flagged); None: nothing
    to renew now or the network could not be reached (tried again at the next run).

    The row is locked for the exchange: a rotating refresh token used twice would be lost.
    """
    with transaction.atomic():
        locked = NetworkAccount.objects.select_for_update().get(pk=account.pk)
        try:
            credentials = locked.adapter().refresh_credentials()
        except PublishError as error:
            if error.kind != ErrorKind.RECONNECT:
                logger.warning("token refresh postponed: account=%s (%s)", account.pk, error.kind)
                return None
            failure = error
        else:
            if not credentials:
                return None
            credentials = dict(credentials)
            expires = credentials.pop("token_expires_at", None)
            locked.credentials = credentials
            if expires:
                locked.token_expires_at = datetime.fromisoformat(expires)
            locked.config = {key: value for key, value in locked.config.items() if key != "expiry_warned"}
            locked.save(update_fields=["credentials", "token_expires_at", "config"])
            logger.info("token refreshed: account=%s network=%s", locked.pk, locked.network)
            return True
    services.account_mark_needs_reconnect(account=account, message=failure.message)
    return False


def _flag_if_expired(account: NetworkAccount) -> bool:
    if not account.token_expires_at or account.token_expires_at > timezone.now():
        return False
    message = _("The access to %(network)s ended on %(date)s: reconnect the account.") % {
        "network": account.adapter_class.name,
        "date": date_format(timezone.localtime(account.token_expires_at), "DATETIME_FORMAT"),
    }
    services.account_mark_needs_reconnect(account=account, message=message)
    return True


def _warn_if_expiring(account: NetworkAccount) -> bool:
    """Tell the owners once per expiry date, listing the posts scheduled after it."""
    expires = account.token_expires_at
    if not expires or expires > warning_horizon() or account.config.get("expiry_warned") == expires.isoformat():
        return False
    NetworkAccount.objects.filter(pk=account.pk).update(config={**account.config, "expiry_warned": expires.isoformat()})
    transaction.on_commit(lambda: _tell_owners_of_expiry(account))
    return True


def posts_after_expiry(account: NetworkAccount):
    """Pending targets of `account` scheduled after its access ends (or not scheduled yet)."""

    from posts.models import PostTarget, TargetState  # noqa: PLC0415 — layer leak (pyproject ignore_imports): posts sits above networks

    if not account.token_expires_at:
        return PostTarget.objects.none()
    return (
        PostTarget.objects.filter(account=account, state=TargetState.PENDING)
        .filter(Q(post__scheduled_at__gte=account.token_expires_at) | Q(post__scheduled_at__isnull=True))
        .select_related("post")
        .order_by("post__scheduled_at")
    )


def with_expiry_risk(accounts) -> list[NetworkAccount]:
    """The Networks page's accounts, each with `expiring_soon`, `posts_after_expiry` and
    `setup_problem` (why it cannot publish from this site, e.g. Instagram without a public SITE_URL)."""
    horizon = warning_horizon()
    result = []
    for account in accounts:
        adapter_class = account.adapter_class
        account.setup_problem = adapter_class.setup_problem() if issubclass(adapter_class, OAuthAdapter) else None
        expires = account.token_expires_at
        account.expiring_soon = bool(expires and expires <= horizon and account.status == AccountStatus.CONNECTED)
        account.posts_after_expiry = list(posts_after_expiry(account)[:20]) if account.expiring_soon else []
        result.append(account)
    return result


def _tell_owners_of_expiry(account: NetworkAccount) -> None:
    targets = list(posts_after_expiry(account)[:20])

    def compose(link: str) -> tuple[str, str]:
        when = date_format(timezone.localtime(account.token_expires_at), "DATETIME_FORMAT")
        subject = _("%(brand)s: the access to %(account)s ends on %(date)s") % {
            "brand": account.brand.name,
            "account": account,
            "date": when,
        }
        lines = [
            _("%(network)s gives access to %(account)s until %(date)s and it cannot be renewed automatically.")
            % {"network": account.adapter_class.name, "account": account, "date": when},
            _("Reconnect the account before then on the Networks page:") + f"\n{link}",
        ]
        if targets:
            lines.append(_("Posts that would not go out:"))
            lines += [f"- {target.post.text[:80]}" for target in targets]
        return subject, "\n\n".join(lines[:2]) + "\n\n" + "\n".join(lines[2:])

    services.email_owners(account, compose)
