"""The one way this project talks HTTP to the outside.

It owns the timeouts, the user agent and the SSRF guard; it never re-sends a request by itself
(a POST that timed out may have been published: the engine decides, see ErrorKind.UNKNOWN).
Tests replace networks at this one point or run a real local server on 127.0.0.1.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _

_session = requests.Session()
# No automatic retries at all: urllib3's default of 0 retries on read, stated here on purpose.
_session.mount("http://", requests.adapters.HTTPAdapter(max_retries=0))
_session.mount("https://", requests.adapters.HTTPAdapter(max_retries=0))


class UnsafeHost(ValueError):
    """A user-typed URL points at a private, loopback or link-local address."""


def check_public_url(url: str) -> None:
    """Refuse URLs whose host resolves to an address that is not public (SSRF guard).

    Hosts listed in NETWORKS_ALLOWED_PRIVATE_HOSTS are let through (tests, intranets).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeHost(_("The address must start with https:// and name a host."))
    host = parts.hostname
    if host in settings.NETWORKS_ALLOWED_PRIVATE_HOSTS:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        raise UnsafeHost(_("The host %(host)s could not be found.") % {"host": host}) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise UnsafeHost(
                _("The host %(host)s is a private or local address, which is not allowed.") % {"host": host}
            )


def request(method: str, url: str, *, user_typed_host: bool = False, **kwargs) -> requests.Response:
    """Send one request. `user_typed_host`: the host came from a user, check it is public."""
    if user_typed_host:
        check_public_url(url)
    kwargs.setdefault("timeout", settings.HTTP_TIMEOUT)
    kwargs.setdefault("allow_redirects", False)
    headers = {"User-Agent": settings.HTTP_USER_AGENT, **kwargs.pop("headers", {})}
    return _session.request(method, url, headers=headers, **kwargs)
