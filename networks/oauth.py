"""Connecting a network through an OAuth 2 redirect: one flow for every network that has one.

1. `start` (POST, under the brand): the network's start form (a button; Mastodon asks which
   server) gives our application at the network (`oauth_client`: from settings, or, the hook
   for per-instance registration, Mastodon registering us on the instance once); a random
   `state` and, where the network offers PKCE, a code verifier are kept in the session with it,
   encrypted, and the person is sent to the network's consent page.
2. `callback` (outside /b/: one redirect URI per network, registered in its developer console):
   the `state` must match the session's, then the code is exchanged for tokens (`exchange_code`,
   written once here) and the adapter lists the accounts they give access to
   (`accounts_from_tokens`: a member and the organizations they manage, the pages of a Facebook
   user, ...).
3. One account: it is connected at once. Several: `pick` lets the person choose which to
   connect (one NetworkAccount each). Until then the candidates wait in the session, encrypted.

Adapters subclass `OAuthAdapter` and implement `oauth_client` and `accounts_from_tokens`; the
connect itself goes through networks.services.account_connect like every other network.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlencode

from csp.decorators import csp_update
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
from core import crypto
from networks import services
from networks.base import ConnectError, Connection, ErrorKind, PublishError
from networks.http_adapter import HttpAdapter, filled, json_of
from networks.models import NetworkAccount
from networks.registry import get_adapter_class


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


SESSION_KEY = "oauth_flow"
PICK_SESSION_KEY = "oauth_candidates"


class OAuthStartForm(forms.Form):
    """The start of a flow needs no input; reconnecting names the account."""

    account = IdField(required=False, widget=forms.HiddenInput)


@dataclass(frozen=True)
class OAuthClient:
    """Our application at a network's OAuth server, and where that server's endpoints are."""

    client_id: str
    client_secret: str
    authorize_url: str  # the consent page
    token_url: str  # where a code becomes tokens
    scopes: str
    config: dict[str, Any] = field(default_factory=dict)  # what the accounts need (an instance's URL)


class OAuthAdapter(HttpAdapter):
    """An adapter connected through an OAuth redirect (see the module docstring)."""

    # S256 PKCE: X requires it; networks that do not take it ignore the two parameters.
    oauth_pkce: ClassVar[bool] = False
    # How the token endpoint takes the code: POST with a form (RFC 6749), or GET with the fields
    # in the query (Facebook Login); and our client's secret in the form or as HTTP Basic (X).
    exchange_method: ClassVar[str] = "POST"
    token_basic_auth: ClassVar[bool] = False
    # Mastodon wants the scopes again with the code (they must equal those authorized).
    scope_in_exchange: ClassVar[bool] = False
    # What the start button sends (a server to choose, for Mastodon), and the callback's URL name.
    oauth_start_form: ClassVar[type[forms.Form]] = OAuthStartForm
    oauth_callback_url_name: ClassVar[str] = "networks:oauth_callback"

    # Our app at the network: its id and secret are the first two `required_settings`; the
    # scopes we ask for; how long an access token lives when the answer does not say.
    scopes: ClassVar[str] = ""
    token_lifetime: ClassVar[timedelta] = timedelta(days=60)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Each network of this flow gets its start URL (networks/urls.py), named after its slug."""
        super().__init_subclass__(**kwargs)
        if "slug" in vars(cls):
            cls.oauth_start_url_name = f"networks:{cls.slug}_start"

    @classmethod
    def oauth_client(cls, *, start: dict[str, Any], redirect_uri: str) -> OAuthClient:
        """Our application at the network, for the start form's cleaned data `start`.

        By default from the settings and the endpoints the network declares. The hook for
        per-instance registration: Mastodon registers us on the chosen instance here (once per
        instance). Raises ConnectError with a message for the start form.
        """
        client_id, client_secret = cls.required_settings[:2]
        return OAuthClient(
            client_id=cls.setting(client_id),
            client_secret=cls.setting(client_secret),
            authorize_url=cls.authorize_endpoint(),
            token_url=cls.token_endpoint(),
            scopes=cls.scopes,
        )

    @classmethod
    def authorize_endpoint(cls) -> str:
        """The network's consent page."""
        raise NotImplementedError

    @classmethod
    def token_endpoint(cls) -> str:
        """Where a code (or a refresh token) becomes tokens."""
        raise NotImplementedError

    @classmethod
    def authorize_url(cls, *, client: OAuthClient, redirect_uri: str, state: str, code_challenge: str) -> str:
        """The network's consent page for this flow."""
        query = {
            "response_type": "code",
            "client_id": client.client_id,
            "redirect_uri": redirect_uri,
            "scope": client.scopes,
            "state": state,
        }
        if cls.oauth_pkce:
            query.update(code_challenge=code_challenge, code_challenge_method="S256")
        return f"{client.authorize_url}?{urlencode(query)}"

    @classmethod
    def exchange_code(cls, *, client: OAuthClient, code: str, redirect_uri: str, code_verifier: str) -> dict[str, Any]:
        """The authorization code -> the token answer (RFC 6749 4.1.3). Raises ConnectError."""
        fields = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if cls.oauth_pkce:
            fields["code_verifier"] = code_verifier
        if cls.scope_in_exchange:
            fields["scope"] = client.scopes
        response = cls.send_connecting(cls.exchange_method, client.token_url, **cls._token_request(client, fields))
        tokens = json_of(response)
        if response.status_code != 200 or not tokens.get("access_token"):
            raise ConnectError(
                _("%(network)s did not confirm the authorization (%(reason)s). Try again.")
                % {"network": cls.name, "reason": cls.error_words(response)}
            )
        return tokens

    @classmethod
    def _token_request(cls, client: OAuthClient, fields: dict[str, str]) -> dict[str, Any]:
        """The token endpoint's request: the fields, and our client in them or as HTTP Basic."""
        fields = {**fields, "client_id": client.client_id}
        if not cls.token_basic_auth:
            fields["client_secret"] = client.client_secret
        sent: dict[str, Any] = {"params": fields} if cls.exchange_method == "GET" else {"data": fields}
        if cls.token_basic_auth:
            sent["auth"] = (client.client_id, client.client_secret)
        return sent

    @classmethod
    def credentials_from(cls, answer: dict[str, Any]) -> tuple[dict[str, Any], datetime]:
        """A token answer -> the credentials kept (the refresh token when there is one) and when
        the access ends (`expires_in`, else the network's usual `token_lifetime`)."""
        lifetime = timedelta(seconds=int(answer["expires_in"])) if answer.get("expires_in") else cls.token_lifetime
        credentials = {"access_token": answer["access_token"]}
        if answer.get("refresh_token"):
            credentials["refresh_token"] = answer["refresh_token"]
        return credentials, timezone.now() + lifetime

    @classmethod
    def accounts_from_tokens(cls, tokens: dict[str, Any], *, client: OAuthClient) -> list[Connection]:
        """The accounts the tokens give access to, each a Connection. Raises ConnectError."""
        raise NotImplementedError

    def refresh_with_token(self) -> dict[str, Any] | None:
        """The refresh-token grant (RFC 6749 section 6), for networks that give refresh tokens:
        new credentials (kept by networks/tokens.py), or None without a refresh token. A network
        that is busy is asked again later (RETRY); a refused refresh token needs a person."""
        refresh_token = self.account.credentials.get("refresh_token")
        if not refresh_token:
            return None
        client = self.oauth_client(start={}, redirect_uri="")
        fields = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        response = self.send("POST", client.token_url, **self._token_request(client, fields))
        if response.status_code != 200:
            error = self.error_for(response)
            if error.kind == ErrorKind.RETRY:
                raise error
            raise PublishError(
                filled(self.wording.access_refused, self.error_values(response)), kind=ErrorKind.RECONNECT
            )
        credentials, expires_at = self.credentials_from(json_of(response))
        self.updated_credentials = {
            **self.account.credentials,
            **credentials,
            "token_expires_at": expires_at.isoformat(),
        }
        return self.updated_credentials

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


# --- PKCE and the session ----------------------------------------------------------------------
def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge), RFC 7636."""
    verifier = secrets.token_urlsafe(64)[:96]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def redirect_uri(adapter: type[OAuthAdapter]) -> str:
    return settings.SITE_URL + reverse(adapter.oauth_callback_url_name, kwargs={"network": adapter.slug})


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
@leads_to_sign_in_pages  # its answer may be the connect page again, with the error
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
    form = adapter.oauth_start_form(request.POST, auto_id="oauth_%s")
    account_pk = form.cleaned_data["account"] if form.is_valid() else None
    account = (
        get_object_or_404(NetworkAccount, pk=account_pk, brand=request.brand, network=network) if account_pk else None
    )
    if not form.is_valid():
        return _start_page_again(request, adapter, form, account)
    try:
        client = adapter.oauth_client(start=form.cleaned_data, redirect_uri=redirect_uri(adapter))
    except ConnectError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _start_page_again(request, adapter, form, account)
    state = secrets.token_urlsafe(32)
    verifier, challenge = pkce_pair()
    request.session[SESSION_KEY] = {
        "network": network,
        "state": state,
        "code_verifier": verifier,
        "brand": request.brand.slug,
        "account": account_pk,
        "client": crypto.encrypt(asdict(client)),  # Mastodon's client secret, registered per instance
    }
    url = adapter.authorize_url(
        client=client, redirect_uri=redirect_uri(adapter), state=state, code_challenge=challenge
    )
    return HttpResponseRedirect(url)


def _start_page_again(request, adapter: type[OAuthAdapter], form: forms.Form, account):
    """The connect page, the start form showing why the flow could not start."""
    context = {
        "adapter": adapter,
        "form": adapter.connect_form() if adapter.connect_form else None,
        "oauth_form": form,
        "account": account,
    }
    return render(request, "networks/connect.html", context)


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
    client = OAuthClient(**crypto.decrypt(pending["client"]))
    try:
        tokens = adapter.exchange_code(
            client=client,
            code=request.GET["code"],
            redirect_uri=redirect_uri(adapter),
            code_verifier=pending["code_verifier"],
        )
        candidates = adapter.accounts_from_tokens(tokens, client=client)
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
