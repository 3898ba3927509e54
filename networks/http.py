"""The one way this project talks HTTP to the outside.

It owns the timeouts, the user agent and the SSRF guard; it never re-sends a request by itself
(a POST that timed out may have been published: the engine decides, see ErrorKind.UNKNOWN).
Tests replace networks at this one point or run a real local server on 127.0.0.1.
"""

import ipaddress
import socket
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions
from django.conf import settings
from django.utils.translation import gettext as _

_session = requests.Session()
# No automatic retries at all: urllib3's default of 0 retries on read, stated here on purpose.
_session.mount("http://", requests.adapters.HTTPAdapter(max_retries=0))
_session.mount("https://", requests.adapters.HTTPAdapter(max_retries=0))
# Proxies and .netrc from the environment are not ours to use for user-typed hosts.
_session.trust_env = False

MAX_REDIRECTS = 3
# NAT64 (RFC 6052) embeds an IPv4 address: 64:ff9b::7f00:1 is 127.0.0.1 behind a translator.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeHost(ValueError):
    """A user-typed URL points at a private, loopback or link-local address."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_public_address(text: str) -> bool:
    """Whether an IP address is on the public internet (not loopback, private, link-local, ...)."""
    address = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone id ("fe80::1%eth0")
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        elif address in _NAT64:
            address = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.is_global and not address.is_multicast


def _allowed_private(host: str) -> bool:
    return host.lower().strip("[]") in {h.lower().strip("[]") for h in settings.NETWORKS_ALLOWED_PRIVATE_HOSTS}


def check_public_url(url: str) -> None:
    """Refuse URLs whose host resolves to an address that is not public (SSRF guard).

    Every address the name resolves to must be public: a name with one public and one private
    record is refused. Hosts listed in NETWORKS_ALLOWED_PRIVATE_HOSTS are let through (tests,
    intranets).

    Limit (DNS rebinding): the name is resolved here and again when `requests` connects; a
    hostile DNS server answering a public address now and a private one a moment later would
    pass. Redirects are checked hop by hop (see request()), and the exposure is a blind POST of
    our own JSON, but a deployment that needs more should route these requests through an
    egress proxy that enforces the same rule at connect time.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeHost(_("The address must start with https:// and name a host."))
    host = parts.hostname
    if _allowed_private(host):
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise UnsafeHost(_("The host %(host)s could not be found.") % {"host": host}) from None
    if not all(is_public_address(str(info[4][0])) for info in infos):
        raise UnsafeHost(_("The host %(host)s is a private or local address, which is not allowed.") % {"host": host})


def request(method: str, url: str, *, user_typed_host: bool = False, **kwargs) -> requests.Response:
    """Send one request. `user_typed_host`: the host came from a user, check it is public.

    Redirects are not followed unless `allow_redirects=True` is passed, and then only for GET
    and HEAD (re-sending a POST elsewhere could publish twice), at most MAX_REDIRECTS hops,
    each new host checked by the SSRF guard when the first one was user-typed.
    """
    follow = kwargs.pop("allow_redirects", False) and method.upper() in ("GET", "HEAD")
    kwargs.setdefault("timeout", settings.HTTP_TIMEOUT)
    headers = {"User-Agent": settings.HTTP_USER_AGENT, **kwargs.pop("headers", {})}
    for _hop in range(MAX_REDIRECTS + 1):
        if user_typed_host:
            check_public_url(url)
        response = _session.request(method, url, headers=headers, allow_redirects=False, **kwargs)
        if not (follow and response.is_redirect and "Location" in response.headers):
            return response
        url = urljoin(url, response.headers["Location"])
        response.close()
    raise requests.TooManyRedirects(f"More than {MAX_REDIRECTS} redirects")


def was_sent(error: requests.RequestException) -> bool:
    """Whether the request may have reached the server before `error` happened.

    Nothing was sent when the connection could not be opened (refused, name not found, connect
    time-out, TLS handshake); anything later (read time-out, connection reset while waiting for
    the answer) means the server may have acted on it: for a POST, the outcome is unknown.
    """
    if isinstance(error, requests.ConnectTimeout | requests.exceptions.SSLError):
        return False
    if isinstance(error, requests.ConnectionError):
        reason = error.args[0] if error.args else None
        reason = getattr(reason, "reason", reason)  # urllib3's MaxRetryError wraps the cause
        return not isinstance(reason, urllib3.exceptions.ConnectTimeoutError)  # NewConnectionError too
    return not isinstance(error, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema)
