"""The Networks page of a brand, connecting accounts by form (OAuth: networks/oauth.py), the public feed.

Views are thin: networks/services.py does every write and checks the permission again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import brand_view, can
from accounts.roles import Perm
from cm_platform.sensitive import handles_secrets
from networks import budget, services
from networks.base import Adapter, ConnectError, PublishError
from networks.forms import ReadBudgetForm
from networks.models import AccountStatus, NetworkAccount
from networks.oauth import OAuthAdapter, leads_to_sign_in_pages
from networks.registry import get_adapter_class
from networks.selectors import accounts_for_page, offered_adapters
from networks.tokens import with_expiry_risk

OAUTH_SESSION_KEY = "mastodon_oauth"


@dataclass(frozen=True)
class NetworkOffer:
    """A network on the Networks page: can it be connected here, and if not, which setting it needs."""

    adapter: type[Adapter]
    missing_settings: list[str]

    @property
    def available(self) -> bool:
        return not self.missing_settings


def _offers() -> list[NetworkOffer]:
    return [NetworkOffer(adapter, services.missing_settings(adapter)) for adapter in offered_adapters()]


def _connectable(network: str, *, offered_only: bool = True) -> type[Adapter]:
    """The network's adapter if it can be connected from a page; a network not offered here (the
    fake network outside tests and the demo) does not exist for a new connection. An account
    already connected may still be reconnected."""
    try:
        adapter = get_adapter_class(network)
    except LookupError:
        raise Http404 from None
    if adapter.connect_form is None and adapter.oauth_start_url_name is None:
        raise Http404
    if offered_only and adapter not in offered_adapters():
        raise Http404
    return adapter


@brand_view()
def account_list(request):
    # Each with `expiring_soon` and `posts_after_expiry` (networks/tokens.py), and its budget:
    # `budget_uses` (each limit, its use, when it refills) and `paused_until` (a 429).
    accounts = with_expiry_risk(accounts_for_page(request.brand))
    uses = budget.uses(accounts)
    for account in accounts:
        account.budget_uses = uses[account.pk]  # type: ignore[attr-defined]
        paused = next((use.paused_until for use in uses[account.pk] if use.paused_until), None)
        account.paused_until = paused  # type: ignore[attr-defined]
    return render(
        request,
        "networks/list.html",
        {
            "accounts": accounts,
            "offers": _offers(),
            "can_manage": can(request.membership, Perm.MANAGE_NETWORKS),
            "statuses": AccountStatus,
        },
    )


@leads_to_sign_in_pages
@handles_secrets
@brand_view(Perm.MANAGE_NETWORKS)
def account_connect(request, network):
    return _connect_page(request, _connectable(network), account=None)


@leads_to_sign_in_pages
@handles_secrets
@brand_view(Perm.MANAGE_NETWORKS)
def account_reconnect(request, pk):
    account = get_object_or_404(NetworkAccount, pk=pk, brand=request.brand)
    return _connect_page(request, _connectable(account.network, offered_only=False), account=account)


def _connect_page(request, adapter: type[Adapter], *, account: NetworkAccount | None):
    form = adapter.connect_form(request.POST or None) if adapter.connect_form else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            if account is None:
                account = services.account_connect(
                    brand=request.brand, user=request.user, network=adapter.slug, data=form.cleaned_data
                )
            else:
                account = services.account_reconnect(account=account, user=request.user, data=form.cleaned_data)
        except ConnectError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("%(account)s is connected.") % {"account": account})
            if adapter.shown_once_credential:
                secret = account.credentials[adapter.shown_once_credential]
                return render(request, "networks/secret_once.html", {"account": account, "secret": secret})
            return redirect("networks:list", brand_slug=request.brand.slug)
    oauth_form = _oauth_form(adapter, account)
    return render(
        request,
        "networks/connect.html",
        {"adapter": adapter, "form": form, "oauth_form": oauth_form, "account": account},
    )


def _oauth_form(adapter: type[Adapter], account: NetworkAccount | None):
    """The start of the network's OAuth flow (networks/oauth.py): a button, naming the account
    when reconnecting (Mastodon first asks which server: its instance_url is in the config)."""
    if not issubclass(adapter, OAuthAdapter):
        return None
    initial = {**account.config, "account": account.pk} if account else {}
    return adapter.oauth_start_form(initial=initial, auto_id="oauth_%s")


@require_POST
@brand_view(Perm.MANAGE_NETWORKS)
def account_check(request, pk):
    account = get_object_or_404(NetworkAccount, pk=pk, brand=request.brand)
    try:
        handle = services.account_check(account=account, user=request.user)
    except PublishError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The connection to %(handle)s works.") % {"handle": handle})
    return redirect("networks:list", brand_slug=request.brand.slug)


@require_POST
@brand_view(Perm.MANAGE_NETWORKS)
def account_read_budget(request, pk):
    account = get_object_or_404(NetworkAccount, pk=pk, brand=request.brand)
    form = ReadBudgetForm(request.POST)
    if form.is_valid():
        reads = form.cleaned_data["monthly_read_budget"]
        services.account_set_read_budget(account=account, user=request.user, reads=reads)
        messages.success(
            request, _("%(account)s may now make %(count)d reads a month.") % {"account": account, "count": reads}
        )
    else:
        for error in form.errors["monthly_read_budget"]:
            messages.error(request, _("Reads per month: %(error)s") % {"error": error})
    return redirect("networks:list", brand_slug=request.brand.slug)


@require_POST
@brand_view(Perm.MANAGE_NETWORKS)
def account_disconnect(request, pk):
    account = get_object_or_404(NetworkAccount, pk=pk, brand=request.brand)
    services.account_disconnect(account=account, user=request.user)
    messages.success(request, _("%(account)s is disconnected.") % {"account": account})
    return redirect("networks:list", brand_slug=request.brand.slug)


# --- the public web feed -----------------------------------------------------------------------
def webfeed_account_or_404(slug: str) -> NetworkAccount:
    """A brand's feed exists only while it has a connected web feed account."""
    return get_object_or_404(
        NetworkAccount.objects.select_related("brand"),
        brand__slug=slug,
        network="webfeed",
        status=AccountStatus.CONNECTED,
    )


def feed_page(request, slug):
    account = webfeed_account_or_404(slug)
    entries = account.feed_entries.all()[:50]
    return render(request, "networks/feed_page.html", {"account": account, "brand": account.brand, "entries": entries})
