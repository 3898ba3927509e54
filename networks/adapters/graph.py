"""What Facebook Pages, Instagram and Threads share: Meta's Graph API calls, its error document
`{"error": {"message", "type", "code", "error_subcode", "is_transient", "fbtrace_id"}}` mapped
onto the contract's kinds, Facebook Login, and the public-URL rule of Instagram and Threads.

Error codes (https://developers.facebook.com/docs/graph-api/guides/error-handling):
190 invalid or expired token, 102 session expired, 10 and 200-299 permission missing -> a person
must reconnect; 4, 17, 32, 613 (and 80001-80014 business use-case limits) throttled, 1, 2 and
anything `is_transient` temporary -> retry; the rest is the network refusing this content.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from cm_platform.reasons import reason
from networks.adapters import remote
from networks.adapters.base import ConnectError, ErrorKind, Problem, PublishError

THROTTLED = {4, 17, 32, 613} | set(range(80001, 80015))
TEMPORARY = {1, 2}
TOKEN = {102, 190, 10} | set(range(200, 300))


def error_of(response) -> dict[str, Any]:
    error = remote.json_of(response).get("error")
    return error if isinstance(error, dict) else {}


def publish_error(network: str, response) -> PublishError:
    """The contract's error for a Graph API failure, with Meta's own message."""
    error = error_of(response)
    code = int(error.get("code") or 0)
    words = remote.short(error.get("error_user_msg") or error.get("message")) or reason("error %(status)d") % {
        "status": response.status_code
    }
    if code in THROTTLED or response.status_code == 429:
        return PublishError(
            reason("%(network)s asks to slow down (%(reason)s); the post will be tried again.")
            % {"network": network, "reason": words},
            kind=ErrorKind.RETRY,
            retry_after=remote.seconds(response.headers.get("Retry-After")),
        )
    if code in TOKEN or response.status_code == 401:
        return PublishError(
            reason("%(network)s refused the account's access (%(reason)s): reconnect the account.")
            % {"network": network, "reason": words},
            kind=ErrorKind.RECONNECT,
        )
    if code in TEMPORARY or error.get("is_transient") or response.status_code >= 500:
        return PublishError(
            reason("%(network)s had a temporary problem (%(reason)s); the post will be tried again.")
            % {"network": network, "reason": words},
            kind=ErrorKind.RETRY,
        )
    return PublishError(
        reason("%(network)s refused the post: %(reason)s") % {"network": network, "reason": words},
        kind=ErrorKind.REJECTED,
    )


def call(network: str, method: str, path: str, token: str, *, publishing: bool = False, base: str = "", **kwargs):
    """One Graph call with `token`; a failure becomes the contract's PublishError."""
    params = {**kwargs.pop("params", {}), "access_token": token}
    url = (base or settings.GRAPH_API_URL) + path
    response = remote.send(network, method, url, publishing=publishing, params=params, **kwargs)
    if response.status_code >= 400:
        raise publish_error(network, response)
    return remote.json_of(response)


def connecting(network: str, method: str, path: str, *, base: str = "", **kwargs) -> dict[str, Any]:
    """A Graph call while connecting: a refusal becomes a ConnectError in Meta's words."""
    url = (base or settings.GRAPH_API_URL) + path
    response = remote.send_connecting(network, method, url, **kwargs)
    if response.status_code >= 400:
        reason = remote.short(error_of(response).get("message")) or response.status_code
        raise ConnectError(
            _("%(network)s refused the connection (%(reason)s). Try again.") % {"network": network, "reason": reason}
        )
    return remote.json_of(response)


# --- Facebook Login (Facebook Pages and Instagram) -------------------------------------------------
def facebook_login_url(*, redirect_uri: str, state: str, scopes: str) -> str:
    query = {
        "client_id": settings.FACEBOOK_APP_ID,
        "redirect_uri": redirect_uri,
        "state": state,
        "scope": scopes,
        "response_type": "code",
    }
    return f"{settings.FACEBOOK_DIALOG_URL}?{urlencode(query)}"


def facebook_pages(network: str, *, code: str, redirect_uri: str, fields: str) -> list[dict[str, Any]]:
    """Code -> short-lived user token -> long-lived one -> the pages it manages (with page tokens).

    Page tokens obtained with a long-lived user token do not expire, which is why the exchange
    is made even though only the page tokens are kept.
    """
    app = {"client_id": settings.FACEBOOK_APP_ID, "client_secret": settings.FACEBOOK_APP_SECRET}
    short = connecting(
        network, "GET", "/oauth/access_token", params={**app, "redirect_uri": redirect_uri, "code": code}
    )
    long = connecting(
        network,
        "GET",
        "/oauth/access_token",
        params={**app, "grant_type": "fb_exchange_token", "fb_exchange_token": short["access_token"]},
    )
    pages = connecting(network, "GET", "/me/accounts", params={"fields": fields, "access_token": long["access_token"]})
    return list(pages.get("data") or [])


# --- the public URL Instagram and Threads download media from ------------------------------------
def site_problem(network: str, media_count: int) -> Problem | None:
    """Meta fetches each image from our SITE_URL: a local or private address cannot work."""
    if not media_count:
        return None
    host = urlsplit(settings.SITE_URL).hostname or ""
    if _is_public_host(host):
        return None
    return Problem(
        "site_not_public",
        _(
            "%(network)s downloads images from this site's address, and %(site)s is not reachable from the "
            "internet. Set SITE_URL to the site's public https address."
        )
        % {"network": network, "site": settings.SITE_URL},
    )


def _is_public_host(host: str) -> bool:
    if not host or host == "localhost" or host.endswith((".localhost", ".local", ".internal", ".lan")):
        return False
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return "." in host  # a name: its DNS is not ours to check here (validate() stays fast)
    return address.is_global
