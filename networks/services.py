"""Every write of the networks app: connecting, checking, disconnecting accounts, flagging them.

Each service checks the acting user's permission itself (web pages and the API share the rule)
and raises Forbidden (core/exceptions.py); network failures while connecting raise ConnectError whose message
is for the user and holds no secret. Nothing is saved when connecting fails.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from accounts.models import Brand, Membership
from accounts.permissions import require_member
from accounts.roles import Perm, Role
from cm_platform.reasons import Reason
from networks import http
from networks.base import Adapter, ConnectError, Connection, ErrorKind, PublishError
from networks.models import AccountStatus, MastodonApp, NetworkAccount
from networks.registry import get_adapter_class
from networks.selectors import offered_adapters

logger = logging.getLogger(__name__)


def missing_settings(adapter_class: type[Adapter]) -> list[str]:
    """The settings a network needs (its app credentials) that this deployment has not set."""
    return [name for name in adapter_class.required_settings if not adapter_class.setting(name)]


def account_connect(*, brand: Brand, user, network: str, data: dict[str, Any]) -> NetworkAccount:
    """Connect an account of `network` from a connect form's cleaned `data` (or an OAuth result).

    The same remote account connected again (same handle) is updated, not duplicated.
    """
    require_member(user, brand, Perm.MANAGE_NETWORKS)
    adapter_class = get_adapter_class(network)
    if adapter_class not in offered_adapters():
        raise ConnectError(_("This network cannot be connected here."))
    missing = missing_settings(adapter_class)
    if missing:
        raise ConnectError(
            ngettext(
                "%(network)s cannot be connected: the setting %(setting)s is not configured.",
                "%(network)s cannot be connected: the settings %(setting)s are not configured.",
                len(missing),
            )
            % {"network": adapter_class.name, "setting": ", ".join(missing)}
        )
    connection = adapter_class.connect({**data, "brand": brand})
    with transaction.atomic():
        account = None
        if connection.handle:
            account = brand.network_accounts.filter(network=network, handle=connection.handle).first()
        account = account or NetworkAccount(brand=brand, network=network)
        _apply(account, connection)
    logger.info("network account connected: brand=%s network=%s id=%s", brand.pk, network, account.pk)
    return account


def account_reconnect(*, account: NetworkAccount, user, data: dict[str, Any]) -> NetworkAccount:
    """Give an existing account new credentials (after a revoked token, an expired session)."""
    require_member(user, account.brand, Perm.MANAGE_NETWORKS)
    connection = account.adapter_class.connect({**data, "brand": account.brand, "account": account})
    with transaction.atomic():
        _apply(account, connection)
    return account


def _apply(account: NetworkAccount, connection: Connection) -> None:
    account.display_name = connection.display_name[:200]
    account.handle = connection.handle[:200]
    account.avatar_url = http.http_link(connection.avatar_url)
    account.credentials = connection.credentials
    account.config = {**account.config, **connection.config}
    account.token_expires_at = connection.token_expires_at
    account.status = AccountStatus.CONNECTED
    account.last_error = ""
    account.last_error_at = None
    account.save()


def account_check(*, account: NetworkAccount, user) -> str:
    """Prove the credentials still work with a read-only call; returns the account's handle.

    A refusal flags the account (needs reconnecting); a success clears an earlier flag.
    Raises PublishError with a message for the user when the check fails.
    """
    require_member(user, account.brand, Perm.MANAGE_NETWORKS)
    adapter = account.adapter()
    try:
        handle = adapter.check_connection()
    except PublishError as error:
        if error.kind == ErrorKind.RECONNECT:
            account_mark_needs_reconnect(account=account, message=error.message)
        else:
            _record_error(account, error.message)
        raise
    finally:
        account_keep_rotated_credentials(adapter=adapter)
    # The credentials work again: a flag from an earlier refusal is lifted (a disabled account
    # stays disabled: an owner disconnected it).
    NetworkAccount.objects.filter(pk=account.pk).update(last_error="", last_error_at=None)
    NetworkAccount.objects.filter(pk=account.pk, status=AccountStatus.NEEDS_RECONNECT).update(
        status=AccountStatus.CONNECTED
    )
    account.refresh_from_db()
    return handle


def account_keep_rotated_credentials(*, adapter: Adapter) -> None:
    """Keep the tokens a network rotated during a call (Bluesky, X, Threads refresh on the way),
    whether the call then succeeded or not: the old refresh token may already be spent."""
    if not adapter.updated_credentials:
        return
    fresh = dict(adapter.updated_credentials)
    expires = fresh.pop("token_expires_at", None)
    with transaction.atomic():
        account = NetworkAccount.objects.select_for_update().get(pk=adapter.account.pk)
        account.credentials = {**account.credentials, **fresh}
        if expires:
            account.token_expires_at = datetime.fromisoformat(expires) if isinstance(expires, str) else expires
        account.save(update_fields=["credentials", "token_expires_at"])
    adapter.account.credentials = account.credentials
    adapter.updated_credentials = None


def _record_error(account: NetworkAccount, message: str) -> None:
    account.last_error, account.last_error_at = message, timezone.now()
    NetworkAccount.objects.filter(pk=account.pk).update(last_error=message, last_error_at=account.last_error_at)


def account_set_read_budget(*, account: NetworkAccount, user, reads: int) -> NetworkAccount:
    """How many reads a month the brand pays for on a network that bills them (X)."""
    require_member(user, account.brand, Perm.MANAGE_NETWORKS)
    account.monthly_read_budget = reads
    account.save(update_fields=["monthly_read_budget"])
    return account


def account_disconnect(*, account: NetworkAccount, user) -> None:
    """Forget an account. One that posts or inbox conversations point at is kept, disabled and
    without credentials, so the history of what was published and answered stays readable."""
    require_member(user, account.brand, Perm.MANAGE_NETWORKS)
    with transaction.atomic():
        if account.targets.exists() or account.conversations.exists():
            account.status = AccountStatus.DISABLED
            account.credentials = {}
            account.save(update_fields=["status", "credentials"])
        else:
            account.delete()


def account_mark_needs_reconnect(*, account: NetworkAccount, message: str | Reason) -> None:
    """The network refused the account's credentials: flag it and tell the brand's owners once.

    Its pending posts are then "at risk" (networks.selectors.targets_at_risk) until an owner
    reconnects it. Called by the publishing engine on ErrorKind.RECONNECT.
    """
    with transaction.atomic():
        locked = NetworkAccount.objects.select_for_update().get(pk=account.pk)
        newly_flagged = locked.status != AccountStatus.NEEDS_RECONNECT
        locked.status = AccountStatus.NEEDS_RECONNECT
        locked.last_error = str(message)
        locked.last_error_at = timezone.now()
        locked.save(update_fields=["status", "last_error", "last_error_at"])
        if newly_flagged:
            transaction.on_commit(lambda: _tell_owners(locked, message))
    account.status, account.last_error, account.last_error_at = locked.status, locked.last_error, locked.last_error_at


def email_owners(account: NetworkAccount, compose: Callable[[str], tuple[str, str]]) -> None:
    """Email each owner of the account's brand in their own language: `compose(link)` writes the
    subject and body, `link` being the brand's Networks page."""

    link = settings.SITE_URL + reverse("networks:list", kwargs={"brand_slug": account.brand.slug})
    owners = Membership.objects.filter(brand=account.brand, role=Role.OWNER).select_related("user")
    for membership in owners:
        with override(membership.user.language or settings.LANGUAGE_CODE):
            subject, body = compose(link)
        send_mail(subject, body, None, [membership.user.email], fail_silently=True)


def _tell_owners(account: NetworkAccount, message: str | Reason) -> None:
    """`message` may be a reason (cm_platform/reasons.py): each owner reads it in their language."""
    from networks.selectors import targets_waiting  # noqa: PLC0415 — cycle: networks.selectors imports these services

    pending = targets_waiting(account).count()

    def compose(link: str) -> tuple[str, str]:
        subject = _("%(brand)s: reconnect %(account)s") % {"brand": account.brand.name, "account": account}
        body = _(
            "%(network)s refused the connection of %(account)s:\n%(message)s\n\n"
            "Posts waiting for this account: %(pending)d. They will not go out until the account "
            "is reconnected:\n%(link)s"
        ) % {
            "network": account.adapter_class.name,
            "account": account,
            "message": str(message),
            "pending": pending,
            "link": link,
        }
        return subject, body

    email_owners(account, compose)


def mastodon_app_for(*, instance_url: str, redirect_uri: str) -> MastodonApp:
    """Our OAuth app on this instance: registered once (POST /api/v1/apps), then reused."""
    from networks.mastodon.adapter import register_app  # noqa: PLC0415 — cycle: the Mastodon package imports these services

    existing = MastodonApp.objects.filter(instance_url=instance_url, redirect_uri=redirect_uri).first()
    if existing is not None:
        return existing
    client_id, client_secret = register_app(instance_url, redirect_uri)
    with transaction.atomic():
        app, _created = MastodonApp.objects.get_or_create(
            instance_url=instance_url,
            redirect_uri=redirect_uri,
            defaults={"client_id": client_id, "secrets": {"client_secret": client_secret}},
        )
    return app
