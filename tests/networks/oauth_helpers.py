"""Driving an OAuth connection end to end against a local server, as a browser would."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from django.contrib.messages import get_messages

from networks.base import Connection
from networks.oauth import connection_as_data


def follow_consent(authorize_url: str) -> str:
    """The person clicks "Authorize" on the network: it redirects back to us (path and query)."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.content
    back = urlsplit(answer.headers["Location"])
    return f"{back.path}?{back.query}"


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def oauth_data(connection: Connection) -> dict:
    """What the end of an OAuth flow hands to networks.services.account_connect."""
    return {"oauth_connection": connection_as_data(connection)}
