"""The Networks page of a brand, connecting accounts (by form or Mastodon's OAuth), the public feed.

Views are thin: networks/services.py does every write and checks the permission again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import brand_view, can, membership_for
from accounts.roles import Perm
from cm_platform.sensitive import handles_secrets
from networks import budget, services
from networks.base import Adapter, ConnectError, PublishError
from networks.forms import MastodonInstanceForm, ReadBudgetForm
from networks.mastodon import adapter as mastodon_api
from networks.models import AccountStatus, MastodonApp, NetworkAccount
from networks.registry import get_adapter_class
from networks.selectors import accounts_for_page, offered_adapters
from networks.tokens import with_expiry_risk

OAUTH_SESSION_KEY = "mastodon_oauth"


def _sign_in_hosts() -> list[str]:
    """Where a connect page's form may lead: browsers apply the CSP's form-action to the redirect
    that answers it, here to the network's sign-in page (for Mastodon, on any server). So: https
    anywhere, and plain http to the private hosts this deployment allows (tests' local servers)."""
    hosts = [
        host if ":" not in host or host.startswith("[") else f"[{host}]"
        for host in settings.NETWORKS_ALLOWED_PRIVATE_HOSTS
    ]
    return ["https:", *(f"http://{host}:*" for host in hosts)]


leads_to_sign_in_pages = csp_update({"form-action": _sign_in_hosts()})


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
    """Mastodon first asks which server; the other OAuth networks (networks/oauth.py) only need
    a button, which names the account when reconnecting."""
    from networks.oauth import OAuthAdapter, OAuthStartForm

    if adapter.oauth_start_url_name is None:
        return None
    if issubclass(adapter, OAuthAdapter):
        return OAuthStartForm(initial={"account": account.pk if account else None}, auto_id="oauth_%s")
    return MastodonInstanceForm(initial=_oauth_initial(account), auto_id="oauth_%s")


def _oauth_initial(account: NetworkAccount | None) -> dict:
    if account is None:
        return {}
    return {"instance_url": account.config.get("instance_url", ""), "account": account.pk}


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


# --- Mastodon OAuth ----------------------------------------------------------------------------
def _redirect_uri() -> str:
    return settings.SITE_URL + reverse("networks:mastodon_callback")


@leads_to_sign_in_pages  # its answer may be the connect page again, with the error
@handles_secrets
@require_POST
@brand_view(Perm.MANAGE_NETWORKS)
def mastodon_start(request):
    """Register our app on the instance once, then send the person there to authorize us."""
    form = MastodonInstanceForm(request.POST, auto_id="oauth_%s")
    account = None
    if form.is_valid() and form.cleaned_data["account"]:
        account = get_object_or_404(NetworkAccount, pk=form.cleaned_data["account"], brand=request.brand)
    try:
        if not form.is_valid():
            raise ConnectError(_("Type the address of the Mastodon server."), field="instance_url")
        instance_url = mastodon_api.normalize_instance_url(form.cleaned_data["instance_url"])
        mastodon_api.fetch_instance(instance_url)
        app = services.mastodon_app_for(instance_url=instance_url, redirect_uri=_redirect_uri())
    except ConnectError as error:
        form.add_error("instance_url", error.message)
        adapter = get_adapter_class("mastodon")
        context = {"adapter": adapter, "form": adapter.connect_form(), "oauth_form": form, "account": account}
        return render(request, "networks/connect.html", context)
    state = secrets.token_urlsafe(32)
    request.session[OAUTH_SESSION_KEY] = {
        "state": state,
        "brand": request.brand.slug,
        "instance_url": instance_url,
        "account": account.pk if account else None,
    }
    return HttpResponseRedirect(
        mastodon_api.authorize_url(instance_url, client_id=app.client_id, redirect_uri=app.redirect_uri, state=state)
    )


@handles_secrets
@login_required
def mastodon_callback(request):
    """Mastodon sends the person back here with a code; `state` proves it is the flow we began."""
    pending = request.session.pop(OAUTH_SESSION_KEY, None)
    state = request.GET.get("state", "")
    if not pending or not state or not constant_time_compare(state, pending["state"]):
        messages.error(request, _("This answer from Mastodon does not match a connection you started. Try again."))
        return redirect("accounts:home")
    membership = membership_for(request.user, pending["brand"], Perm.MANAGE_NETWORKS)
    back = redirect("networks:list", brand_slug=membership.brand.slug)
    if "code" not in request.GET:
        messages.error(request, _("Mastodon did not authorize the connection."))
        return back
    try:
        account = _finish_oauth(request, membership.brand, pending)
    except ConnectError as error:
        messages.error(request, error.message)
        return back
    messages.success(request, _("%(account)s is connected.") % {"account": account})
    return back


def _finish_oauth(request, brand, pending: dict) -> NetworkAccount:
    app = MastodonApp.objects.get(instance_url=pending["instance_url"], redirect_uri=_redirect_uri())
    token = mastodon_api.exchange_code(
        app.instance_url,
        client_id=app.client_id,
        client_secret=app.secrets["client_secret"],
        redirect_uri=app.redirect_uri,
        code=request.GET["code"],
    )
    data = {"instance_url": app.instance_url, "access_token": token}
    if pending["account"]:
        account = get_object_or_404(NetworkAccount, pk=pending["account"], brand=brand)
        return services.account_reconnect(account=account, user=request.user, data=data)
    return services.account_connect(brand=brand, user=request.user, network="mastodon", data=data)


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
