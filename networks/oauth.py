"""Connecting a network through an OAuth 2 redirect: X, LinkedIn, Facebook, Instagram, Threads.

The flow (Mastodon's has the same shape, plus a server to choose; see networks/views.py):
1. `start` (POST, under the brand): a random `state` and, where the network offers PKCE, a
   code verifier are kept in the session; the person is sent to the network's consent page.
2. `callback` (outside /b/: one redirect URI per network, registered in its developer console):
   the `state` must match the session's, then the code is exchanged for tokens and the adapter
   lists the accounts the sign-in gives access to (a member and the organizations they manage,
   the pages of a Facebook user, ...).
3. One account: it is connected at once. Several: `pick` lets the person choose which to
   connect (one NetworkAccount each). Until then the candidates wait in the session, encrypted.

Adapters subclass `OAuthAdapter` and implement `authorize_url` and `accounts_from_code`; the
connect itself goes through networks.services.account_connect like every other network.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import brand_view, membership_for
from accounts.roles import Perm
from cm_platform.ids import IdField
from cm_platform.sensitive import handles_secrets
from networks import crypto, services
from networks.adapters import get_adapter_class
from networks.adapters.base import Adapter, ConnectError, Connection
from networks.models import NetworkAccount

# The networks connected by this flow; each gets a start URL named "networks:<slug>_start".
OAUTH_NETWORKS: tuple[str, ...] = ("x", "linkedin", "facebook", "instagram", "threads")
SESSION_KEY = "oauth_flow"
PICK_SESSION_KEY = "oauth_candidates"


class OAuthAdapter(Adapter):
    """An adapter connected through an OAuth redirect (see the module docstring)."""

    # S256 PKCE: X requires it; networks that do not take it ignore the two parameters.
    oauth_pkce: ClassVar[bool] = False

    @classmethod
    def authorize_url(cls, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        """The network's consent page for this flow."""
        raise NotImplementedError

    @classmethod
    def accounts_from_code(cls, *, code: str, redirect_uri: str, code_verifier: str) -> list[Connection]:
        """Exchange the code for tokens; the accounts they give access to. Raises ConnectError."""
        raise NotImplementedError

    @classmethod
    def connect(cls, data: dict[str, Any]) -> Connection:
        """The account chosen at the end of the flow (its Connection was built by the adapter)."""
        if "oauth_connection" not in data:
            raise ConnectError(_("Connect %(network)s with its sign-in button.") % {"network": cls.name})
        return connection_from_data(data["oauth_connection"])

    @classmethod
    def setup_problem(cls) -> str | None:
        """Why no account of this network can publish from this site now (Instagram and Threads
        need a public SITE_URL), for the Networks page; None when nothing stands in the way."""
        return None

    @classmethod
    def refresh_due(cls, account: NetworkAccount) -> bool:
        """Whether beat should renew the token now (networks/tokens.py): by default when the
        access ends within TOKEN_WARNING_DAYS; networks without expiry never are."""
        expires = account.token_expires_at
        return expires is not None and expires <= timezone.now() + timedelta(days=settings.TOKEN_WARNING_DAYS)

    def refresh_credentials(self) -> dict[str, Any] | None:
        """New credentials before the token expires (None: this network cannot refresh).

        Raises PublishError(RECONNECT) when the network refuses the refresh token.
        """
        return None


class OAuthStartForm(forms.Form):
    """The start of a flow needs no input; reconnecting names the account."""

    account = IdField(required=False, widget=forms.HiddenInput)


# --- PKCE and the session ----------------------------------------------------------------------
def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge), RFC 7636."""
    verifier = secrets.token_urlsafe(64)[:96]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def redirect_uri(network: str) -> str:
    return settings.SITE_URL + reverse("networks:oauth_callback", kwargs={"network": network})


def connection_as_data(connection: Connection) -> dict[str, Any]:
    expires = connection.token_expires_at
    return {
        "display_name": connection.display_name,
        "handle": connection.handle,
        "avatar_url": connection.avatar_url,
        "credentials": connection.credentials,
        "config": connection.config,
        "token_expires_at": expires.isoformat() if expires else None,
    }


def connection_from_data(data: dict[str, Any]) -> Connection:
    expires = data.get("token_expires_at")
    return Connection(
        display_name=data["display_name"],
        handle=data.get("handle", ""),
        avatar_url=data.get("avatar_url", ""),
        credentials=dict(data.get("credentials") or {}),
        config=dict(data.get("config") or {}),
        token_expires_at=datetime.fromisoformat(expires) if expires else None,
    )


def _oauth_adapter(network: str) -> type[OAuthAdapter]:
    try:
        adapter = get_adapter_class(network)
    except LookupError:
        raise Http404 from None
    if not issubclass(adapter, OAuthAdapter):
        raise Http404
    return adapter


# --- the views -----------------------------------------------------------------------------------
@handles_secrets
@require_POST
@brand_view(Perm.MANAGE_NETWORKS)
def start(request, network):
    adapter = _oauth_adapter(network)
    missing = services.missing_settings(adapter)
    if missing:
        messages.error(
            request,
            _("%(network)s is not available: the setting %(setting)s is not configured.")
            % {"network": adapter.name, "setting": ", ".join(missing)},
        )
        return redirect("networks:list", brand_slug=request.brand.slug)
    form = OAuthStartForm(request.POST)
    account_pk = form.cleaned_data["account"] if form.is_valid() else None
    if account_pk:
        get_object_or_404(NetworkAccount, pk=account_pk, brand=request.brand, network=network)
    state = secrets.token_urlsafe(32)
    verifier, challenge = pkce_pair()
    request.session[SESSION_KEY] = {
        "network": network,
        "state": state,
        "code_verifier": verifier,
        "brand": request.brand.slug,
        "account": account_pk,
    }
    url = adapter.authorize_url(redirect_uri=redirect_uri(network), state=state, code_challenge=challenge)
    return HttpResponseRedirect(url)


@handles_secrets
@login_required
def callback(request, network):
    """The network sends the person back with a code; `state` proves it is the flow we began."""
    adapter = _oauth_adapter(network)
    pending = request.session.pop(SESSION_KEY, None)
    state = request.GET.get("state", "")
    if not pending or pending["network"] != network or not state or not constant_time_compare(state, pending["state"]):
        messages.error(
            request,
            _("This answer from %(network)s does not match a connection you started. Try again.")
            % {"network": adapter.name},
        )
        return redirect("accounts:home")
    membership = membership_for(request.user, pending["brand"], Perm.MANAGE_NETWORKS)
    brand = membership.brand
    back = redirect("networks:list", brand_slug=brand.slug)
    if "code" not in request.GET:
        # The person clicked "Cancel": error=access_denied (or user_cancelled_login on LinkedIn).
        messages.error(request, _("%(network)s did not authorize the connection.") % {"network": adapter.name})
        return back
    try:
        candidates = adapter.accounts_from_code(
            code=request.GET["code"], redirect_uri=redirect_uri(network), code_verifier=pending["code_verifier"]
        )
        if not candidates:
            raise ConnectError(_("This sign-in gives access to no account that can publish."))
        if pending["account"]:
            return _reconnect(request, brand, pending["account"], candidates, back)
        if len(candidates) == 1:
            _connect(request, brand, network, candidates)
            return back
    except ConnectError as error:
        messages.error(request, error.message)
        return back
    request.session[PICK_SESSION_KEY] = {
        "network": network,
        "brand": brand.slug,
        "candidates": crypto.encrypt({"items": [connection_as_data(c) for c in candidates]}),
    }
    return redirect("networks:oauth_pick", brand_slug=brand.slug, network=network)


def _connect(request, brand, network: str, candidates: list[Connection]) -> None:
    with transaction.atomic():  # all the chosen accounts, or none
        accounts = [
            services.account_connect(
                brand=brand, user=request.user, network=network, data={"oauth_connection": connection_as_data(c)}
            )
            for c in candidates
        ]
    for account in accounts:
        messages.success(request, _("%(account)s is connected.") % {"account": account})


def _reconnect(request, brand, account_pk: int, candidates: list[Connection], back):
    account = get_object_or_404(NetworkAccount, pk=account_pk, brand=brand)
    match = next((c for c in candidates if c.handle == account.handle), None)
    if match is None:
        raise ConnectError(
            _("This sign-in does not give access to %(account)s. Sign in with the account that manages it.")
            % {"account": account.display_name}
        )
    services.account_reconnect(account=account, user=request.user, data={"oauth_connection": connection_as_data(match)})
    messages.success(request, _("%(account)s is connected.") % {"account": account})
    return back


class PickForm(forms.Form):
    accounts = forms.MultipleChoiceField(
        label=gettext_lazy("Accounts to connect"), widget=forms.CheckboxSelectMultiple, required=True
    )

    def __init__(self, *args, candidates: list[dict[str, Any]], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["accounts"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (str(index), f"{c['display_name']} ({c['handle']})" if c.get("handle") else c["display_name"])
            for index, c in enumerate(candidates)
        ]


@handles_secrets
@brand_view(Perm.MANAGE_NETWORKS)
def pick(request, network):
    """Choose which of the accounts the sign-in gave access to are connected."""
    adapter = _oauth_adapter(network)
    waiting = request.session.get(PICK_SESSION_KEY)
    if not waiting or waiting["network"] != network or waiting["brand"] != request.brand.slug:
        messages.error(request, _("Start the connection again: nothing is waiting to be chosen."))
        return redirect("networks:list", brand_slug=request.brand.slug)
    candidates = crypto.decrypt(waiting["candidates"])["items"]
    form = PickForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        chosen = [connection_from_data(candidates[int(i)]) for i in form.cleaned_data["accounts"]]
        try:
            _connect(request, request.brand, network, chosen)
        except (ConnectError, PermissionDenied) as error:
            messages.error(request, getattr(error, "message", str(error)))
        request.session.pop(PICK_SESSION_KEY, None)
        return redirect("networks:list", brand_slug=request.brand.slug)
    return render(request, "networks/oauth_pick.html", {"adapter": adapter, "form": form})
