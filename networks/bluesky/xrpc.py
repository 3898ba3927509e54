"""Talking XRPC to a Bluesky server: its error documents, and the calls made while connecting
(before an account exists: the session is created on the service the person names, and the
account's own PDS, named in its DID document, must accept it)."""

from __future__ import annotations

from typing import Any

import requests
from django.utils.translation import gettext as _

from networks import http
from networks.base import ConnectError
from networks.bluesky.forms import DEFAULT_SERVICE
from networks.http_adapter import connect_request

# Tokens the PDS refuses because they aged or were revoked: a refresh may cure them.
TOKEN_ERRORS = frozenset({"ExpiredToken", "InvalidToken"})
# The account cannot post until a person acts (reactivates it, appeals, reconnects).
ACCOUNT_ERRORS = frozenset(
    {"AccountTakedown", "AccountDeactivated", "RepoTakendown", "RepoDeactivated", "RepoSuspended"}
)


def normalize_service_url(text: str) -> str:
    """'bsky.social' or 'https://bsky.social/' -> 'https://bsky.social'."""
    try:
        return http.typed_origin((text or "").strip() or DEFAULT_SERVICE)
    except http.UnsafeHost as error:
        raise ConnectError(error.message, field="service_url") from None


def pds_endpoint(did_doc: Any) -> str | None:
    """The account's PDS in its DID document (the service with id '#atproto_pds')."""
    if not isinstance(did_doc, dict):
        return None
    for service in did_doc.get("service") or ():
        if isinstance(service, dict) and str(service.get("id", "")).endswith("#atproto_pds"):
            endpoint = service.get("serviceEndpoint")
            if isinstance(endpoint, str) and endpoint.startswith(("https://", "http://")):
                return endpoint.rstrip("/")
    return None


def host_of(url: str) -> str:
    return http.url_host(url)


def error_of(response: requests.Response) -> tuple[str, str]:
    """The XRPC error name and message ({"error": ..., "message": ...}); they hold no token."""
    try:
        body = response.json()
    except ValueError:
        return "", ""
    if not isinstance(body, dict):
        return "", ""
    return str(body.get("error") or ""), str(body.get("message") or "")[:300]


def is_token_error(response: requests.Response) -> bool:
    return response.status_code in (400, 401) and error_of(response)[0] in TOKEN_ERRORS


def _connect_call(method: str, url: str, **kwargs) -> requests.Response:
    unreachable = _("%(host)s could not be reached. Check the server address and try again.") % {"host": host_of(url)}
    return connect_request(method, url, user_typed_host=True, unreachable=unreachable, field="service_url", **kwargs)


def create_session(service: str, identifier: str, password: str) -> dict[str, Any]:
    response = _connect_call(
        "POST",
        f"{service}/xrpc/com.atproto.server.createSession",
        json={"identifier": identifier, "password": password},
    )
    error, _message = error_of(response)
    if response.status_code == 401 or error == "AuthenticationRequired":
        raise ConnectError(
            _("Bluesky refused this handle and app password. Check both, or create a new app password."),
            field="app_password",
        )
    if response.status_code == 429:
        raise ConnectError(_("Bluesky refused too many attempts; wait a few minutes and try again."))
    if error in ACCOUNT_ERRORS:
        raise ConnectError(_("This Bluesky account is suspended or deactivated."), field="identifier")
    try:
        session = response.json() if response.status_code == 200 else None
    except ValueError:
        session = None
    if not isinstance(session, dict) or not {"accessJwt", "refreshJwt", "did", "handle"} <= session.keys():
        raise ConnectError(
            _("%(host)s does not answer like a Bluesky server.") % {"host": host_of(service)}, field="service_url"
        )
    return session


def check_pds(pds: str, access_token: str) -> None:
    """The account's PDS accepts the new session: later calls will go there."""
    response = _connect_call(
        "GET", f"{pds}/xrpc/com.atproto.server.getSession", headers={"Authorization": f"Bearer {access_token}"}
    )
    if response.status_code != 200:
        raise ConnectError(
            _("The account's Bluesky server (%(host)s) refused the new session (error %(status)d); try again later.")
            % {"host": host_of(pds), "status": response.status_code}
        )
