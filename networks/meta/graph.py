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
import json
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from cm_platform.reasons import reason
from networks.base import ConnectError, Connection, Problem
from networks.http_adapter import MAX_WAIT, Wording, json_of, seconds, short, unnamed_error
from networks.oauth import OAuthAdapter, OAuthClient

THROTTLED = {4, 17, 32, 613} | set(range(80001, 80015))
TEMPORARY = {1, 2}
TOKEN = {102, 190, 10} | set(range(200, 300))
APP_USAGE_WAIT = 300.0  # seconds: X-App-Usage says how much is used, not when it frees up


def _regain_minutes(header: str | None) -> float | None:
    """The longest `estimated_time_to_regain_access` of X-Business-Use-Case-Usage:
    {"<business-id>": [{"type": "pages", "call_count": 100, ..., "estimated_time_to_regain_access": 7}]}."""
    try:
        usage = json.loads(header) if header else None
    except ValueError:
        return None
    if not isinstance(usage, dict):
        return None
    waits = [
        entry.get("estimated_time_to_regain_access")
        for entries in usage.values()
        if isinstance(entries, list)
        for entry in entries
        if isinstance(entry, dict)
    ]
    numbers = [float(w) for w in waits if isinstance(w, int | float) and not isinstance(w, bool)]
    return max(numbers) if numbers else None


def error_of(response) -> dict[str, Any]:
    error = json_of(response).get("error")
    return error if isinstance(error, dict) else {}


def _code(response) -> int:
    try:
        return int(error_of(response).get("code") or 0)
    except (TypeError, ValueError):
        return 0


class GraphAdapter(OAuthAdapter):
    """A network of Meta's Graph API: its error document says what a failure means."""

    wording = Wording(
        temporary=reason("%(network)s had a temporary problem (%(reason)s); the post will be tried again."),
    )
    # The API's host; Threads has its own.
    api_url_setting: ClassVar[str] = "GRAPH_API_URL"
    # The credential holding the token the calls carry (a Page's token for Facebook and Instagram).
    credential_key: ClassVar[str] = "page_token"

    @classmethod
    def throttled(cls, response) -> bool:
        return _code(response) in THROTTLED or response.status_code == 429

    @classmethod
    def access_refused(cls, response) -> bool:
        return _code(response) in TOKEN or response.status_code == 401

    @classmethod
    def temporary(cls, response) -> bool:
        return (
            _code(response) in TEMPORARY or bool(error_of(response).get("is_transient")) or response.status_code >= 500
        )

    @classmethod
    def error_words(cls, response) -> Any:
        error = error_of(response)
        return short(error.get("error_user_msg") or error.get("message")) or unnamed_error(response.status_code)

    @classmethod
    def retry_after(cls, response) -> float | None:
        """How long a throttle lasts, from Meta's usage headers: X-Business-Use-Case-Usage gives
        `estimated_time_to_regain_access` in minutes (Pages, Instagram); X-App-Usage only
        percentages, so the app's hourly window is waited out in steps of APP_USAGE_WAIT."""
        minutes = _regain_minutes(response.headers.get("X-Business-Use-Case-Usage"))
        if minutes is not None:
            return min(MAX_WAIT, max(60.0, minutes * 60.0))
        if response.headers.get("X-App-Usage"):
            return APP_USAGE_WAIT
        return seconds(response.headers.get("Retry-After")) or APP_USAGE_WAIT

    @classmethod
    def api_url(cls) -> str:
        return getattr(settings, cls.api_url_setting)

    def _call(
        self, method: str, path: str, *, publishing: bool = False, base: str = "", **kwargs: Any
    ) -> dict[str, Any]:
        """One Graph call with the account's token; a failure raises the contract's PublishError."""
        token = self.account.credentials.get(self.credential_key, "")
        params = {**kwargs.pop("params", {}), "access_token": token}
        response = self.call(method, (base or self.api_url()) + path, publishing=publishing, params=params, **kwargs)
        return json_of(response)

    @classmethod
    def connecting(cls, method: str, path: str, *, base: str = "", **kwargs: Any) -> dict[str, Any]:
        """A Graph call while connecting: a refusal becomes a ConnectError in Meta's words."""
        response = cls.send_connecting(method, (base or cls.api_url()) + path, **kwargs)
        if response.status_code >= 400:
            words = short(error_of(response).get("message")) or response.status_code
            raise ConnectError(
                _("%(network)s refused the connection (%(reason)s). Try again.")
                % {"network": cls.name, "reason": words}
            )
        return json_of(response)


class FacebookLoginAdapter(GraphAdapter):
    """Facebook Pages and Instagram: connected with Facebook Login, publishing as a Page."""

    exchange_method = "GET"  # the Graph API's /oauth/access_token takes the code in the query
    required_settings = ("FACEBOOK_APP_ID", "FACEBOOK_APP_SECRET")
    page_fields: ClassVar[str]  # what /me/accounts tells of each Page

    @classmethod
    def authorize_endpoint(cls) -> str:
        return settings.FACEBOOK_DIALOG_URL

    @classmethod
    def token_endpoint(cls) -> str:
        return f"{settings.GRAPH_API_URL}/oauth/access_token"

    @classmethod
    def accounts_from_tokens(cls, tokens: dict[str, Any], *, client: OAuthClient) -> list[Connection]:
        return [connection for page in cls.pages(tokens, client) if (connection := cls.page_connection(page))]

    @classmethod
    def pages(cls, tokens: dict[str, Any], client: OAuthClient) -> list[dict[str, Any]]:
        """Short-lived user token -> long-lived one -> the pages it manages (with page tokens).

        Page tokens obtained with a long-lived user token do not expire, which is why the exchange
        is made even though only the page tokens are kept.
        """
        app = {"client_id": client.client_id, "client_secret": client.client_secret}
        exchange = {"grant_type": "fb_exchange_token", "fb_exchange_token": tokens["access_token"]}
        long = cls.connecting("GET", "/oauth/access_token", params={**app, **exchange})
        fields = {"fields": cls.page_fields, "access_token": long["access_token"]}
        return list(cls.connecting("GET", "/me/accounts", params=fields).get("data") or [])

    @classmethod
    def page_connection(cls, page: dict[str, Any]) -> Connection | None:
        """The account a Page gives (None: this Page cannot publish on this network)."""
        raise NotImplementedError


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
