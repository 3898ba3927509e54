"""The one way this project talks HTTP to the outside.

It owns the timeouts, the user agent and the SSRF guard; it never re-sends a request by itself
(a POST that timed out may have been published: the engine decides, see ErrorKind.UNKNOWN).
Tests replace networks at this one point or run a real local server on 127.0.0.1.
"""

import ipaddress
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import SplitResult, urljoin, urlsplit

import requests
import urllib3.exceptions
from django.conf import settings
from django.utils.translation import gettext as _
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util import connection as urllib3_connection

from networks import budget

MAX_REDIRECTS = 3
# IPv6 unicast on the internet is 2000::/3 (IANA); everything else is reserved, local, multicast or
# a form that carries an IPv4 address: ::a.b.c.d (IPv4-compatible), ::ffff:0:a.b.c.d (translated),
# 64:ff9b:1::/48 (local NAT64), ...
_IPV6_INTERNET = ipaddress.ip_network("2000::/3")
# Inside it, blocks that lead somewhere else than their own address: 6to4 (2002::/16) and Teredo
# (2001::/32) tunnel to an IPv4 address written in them, 3fff::/20 is for documentation (RFC 9637;
# Python before 3.13 calls it global).
_IPV6_REFUSED = [ipaddress.ip_network(block) for block in ("2001::/32", "2002::/16", "3fff::/20")]
# The well-known NAT64 prefix (RFC 6052) embeds an IPv4 address in its last 32 bits: an IPv6-only
# server reaches IPv4 hosts through it, so the address is judged as the IPv4 address it carries.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# IPv4 blocks that ipaddress calls global in some Python versions (3.11 before 3.11.10): IETF
# protocol assignments, the 6to4 relay anycast.
_IPV4_REFUSED = [ipaddress.ip_network(block) for block in ("192.0.0.0/24", "192.88.99.0/24")]


class UnsafeHost(ValueError):
    """A user-typed URL points at a private, loopback or link-local address."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_public_address(text: str) -> bool:
    """Whether an IP address is on the public internet: global in the standard library's sense,
    not multicast, and no IPv6 form of a private IPv4 address (mapped, compatible, NAT64, 6to4,
    Teredo, ...). An address that is not an IP address at all is not public."""
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone id ("fe80::1%eth0")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public_address(str(address.ipv4_mapped))
        if address in _NAT64:
            return is_public_address(str(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)))
        if address not in _IPV6_INTERNET or any(address in block for block in _IPV6_REFUSED):
            return False
    elif any(address in block for block in _IPV4_REFUSED):
        return False
    return address.is_global and not address.is_multicast


def _allowed_private(host: str) -> bool:
    return host.lower().strip("[]") in {h.lower().strip("[]") for h in settings.NETWORKS_ALLOWED_PRIVATE_HOSTS}


def _public_address(host: str, port: int) -> str:
    """The address to connect to for `host`, once every address it resolves to is public.

    A name with one public and one private record is refused as a whole.
    """
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError):  # ValueError: a NUL in the name
        raise UnsafeHost(_("The host %(host)s could not be found.") % {"host": host}) from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses or not all(is_public_address(address) for address in addresses):
        raise UnsafeHost(_("The host %(host)s is a private or local address, which is not allowed.") % {"host": host})
    return addresses[0]


def split_user_url(url: str) -> SplitResult:
    """A URL a person typed, split, once it is http(s) with a host and a port that exists.

    Every form and serializer that takes an address to call goes through here (directly or
    through check_public_url): urlsplit raises ValueError on a lone "[" and its .port on a port
    beyond 65535, which must be a message naming the field, not a 500.
    """
    try:
        parts = urlsplit(url.strip())
        if parts.port == 0:
            raise ValueError("port 0")
    except ValueError:
        raise UnsafeHost(_("This address is not valid: check its host and its port (1 to 65535).")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeHost(_("The address must start with https:// and name a host."))
    return parts


def typed_origin(text: str) -> str:
    """A server a person typed ('Mastodon.Social/', 'https://bsky.social/about') as its origin
    ('https://mastodon.social'), never with the userinfo (user:password@) they may have typed.
    Raises UnsafeHost as split_user_url does."""
    text = text.strip()
    if "://" not in text:
        text = f"https://{text}"
    split_user_url(text)
    return url_origin(text)


def http_link(url: object, *, max_length: int = 500) -> str:
    """A URL that came from outside (a network's answer, a person), if a page may link to it.

    Only http(s) with a host, no control character, within `max_length` (cutting a URL would
    change where it goes); anything else, `javascript:alert(1)` first, is "". Used wherever a
    remote URL is stored (a post's address on the network, an avatar) and by the `http_link`
    template filter where one is shown.
    """
    if not isinstance(url, str):
        return ""
    url = url.strip()
    if len(url) > max_length or any(ord(char) < 32 or ord(char) == 127 for char in url):
        return ""
    try:
        split_user_url(url)
    except UnsafeHost:
        return ""
    return url


def check_public_url(url: str) -> None:
    """Refuse URLs whose host resolves to an address that is not public (SSRF guard).

    Hosts listed in NETWORKS_ALLOWED_PRIVATE_HOSTS are let through (tests, intranets). This
    early check gives the user a clear message before anything is sent; the connection itself
    is pinned as well (_PinnedConnectionMixin), against DNS rebinding.
    """
    parts = split_user_url(url)
    hostname = parts.hostname or ""
    if not _allowed_private(hostname):
        _public_address(hostname, parts.port or (443 if parts.scheme == "https" else 80))


class _PinnedConnectionMixin:
    """Open the socket only to an address checked at that moment.

    DNS rebinding: a hostile DNS server may answer a public address to check_public_url() and a
    private one a moment later, when the connection opens. Here the name is resolved once, every
    address checked, and the socket opened to that very address; the Host header, the TLS
    server name and the certificate check still use the name (only the socket is pinned).
    """

    host: str
    port: int
    timeout: float | None
    source_address: tuple[str, int] | None
    socket_options: list | None

    def _new_conn(self) -> socket.socket:
        if _allowed_private(self.host):
            return super()._new_conn()  # type: ignore[misc]
        address = _public_address(self.host, self.port)
        try:
            return urllib3_connection.create_connection(
                (address, self.port),
                self.timeout,
                source_address=self.source_address,
                socket_options=self.socket_options,
            )
        except TimeoutError as error:
            raise urllib3.exceptions.ConnectTimeoutError(self, f"Connection to {self.host} timed out.") from error
        except OSError as error:
            raise urllib3.exceptions.NewConnectionError(self, f"Failed to connect: {error}") from error  # type: ignore[arg-type]


class _PinnedHTTPConnection(_PinnedConnectionMixin, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedConnectionMixin, HTTPSConnection):
    pass


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class _PinnedAdapter(requests.adapters.HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _PinnedHTTPPool, "https": _PinnedHTTPSPool}


def _new_session(adapter: requests.adapters.HTTPAdapter) -> requests.Session:
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    # Proxies and .netrc from the environment are not ours to use (a proxy would also connect to
    # user-typed hosts for us, out of the guard's sight).
    session.trust_env = False
    return session


# No automatic retries at all (max_retries=0), stated on purpose: see the module docstring.
_session = _new_session(requests.adapters.HTTPAdapter(max_retries=0))
_guarded_session = _new_session(_PinnedAdapter(max_retries=0))


def request(
    method: str, url: str, *, user_typed_host: bool = False, spends: tuple[str, ...] = (), **kwargs
) -> requests.Response:
    """Send one request. `user_typed_host`: the host came from a user, check it is public.

    Inside `networks.budget.spending(account)`, each request takes one call from the account's
    budget before it leaves (plus one of each kind in `spends`: "posts" for the call that
    publishes, "media" for an upload), or raises budget.OverBudget having sent nothing; its
    answer may pause the account (a 429, a reset header with nothing left).

    Redirects are not followed unless `allow_redirects=True` is passed, and then only for GET
    and HEAD (re-sending a POST elsewhere could publish twice), at most MAX_REDIRECTS hops,
    each new host checked by the SSRF guard when the first one was user-typed.
    """
    follow = kwargs.pop("allow_redirects", False) and method.upper() in ("GET", "HEAD")
    kwargs.setdefault("timeout", settings.HTTP_TIMEOUT)
    headers = {"User-Agent": settings.HTTP_USER_AGENT, **(kwargs.pop("headers", None) or {})}
    session = _guarded_session if user_typed_host else _session
    for _hop in range(MAX_REDIRECTS + 1):
        if user_typed_host:
            check_public_url(url)
        budget.before_call(spends)
        response = session.request(method, url, headers=headers, allow_redirects=False, **kwargs)
        budget.after_call(response)
        if not (follow and response.is_redirect and "Location" in response.headers):
            return response
        url = urljoin(url, response.headers["Location"])
        response.close()
    raise requests.TooManyRedirects(f"More than {MAX_REDIRECTS} redirects")


class BodyTooLarge(Exception):  # noqa: N818 — reads as what happened
    """The answer (after decompression) is larger than the caller accepts, or took too long."""


@dataclass(frozen=True)
class Fetched:
    status: int
    url: str  # after redirects
    headers: Mapping[str, str]
    body: bytes


# Bytes read from the socket per step: a gzip bomb inflates one step by at most ~1,000 times.
_CHUNK = 16 * 1024


def fetch_capped(
    url: str, *, max_bytes: int, deadline: float, headers: Mapping[str, str] | None = None, user_typed_host: bool
) -> Fetched:
    """GET `url` (redirects followed and re-checked) and read its body, stopping at `max_bytes`
    of *decompressed* content (a small gzip bomb stays small) or after `deadline` seconds in all
    (a server trickling bytes). Raises BodyTooLarge, UnsafeHost or a requests error.
    """
    started = time.monotonic()
    response = request("GET", url, user_typed_host=user_typed_host, allow_redirects=True, stream=True, headers=headers)
    with response:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise BodyTooLarge(url)
        body = bytearray()
        for chunk in response.iter_content(_CHUNK):  # decoded (gzip, deflate) step by step
            body += chunk
            if len(body) > max_bytes or time.monotonic() - started > deadline:
                raise BodyTooLarge(url)
        return Fetched(response.status_code, response.url, response.headers, bytes(body))


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


# --- user-typed URLs, shown back ---------------------------------------------------------------
# A URL a user typed may carry credentials: userinfo (https://user:password@host/), or a token in
# its path or query, as many webhook receivers want. Such a URL is kept whole only where it is
# encrypted (credentials) and used to send; anything shown, logged or kept in clear is one of these.
def url_host(url: str) -> str:
    """'https://user:pw@Hooks.Example.com:8443/x' -> 'hooks.example.com:8443' (never the userinfo)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal
    try:
        port = parts.port
    except ValueError:  # out of range: the URL was refused elsewhere; show the host alone
        port = None
    return f"{host}:{port}" if port else host


def url_origin(url: str) -> str:
    """'https://user:pw@Mastodon.Social/about' -> 'https://mastodon.social': scheme and host."""
    return f"{urlsplit(url).scheme}://{url_host(url)}"


def url_redacted(url: str) -> str:
    """'https://user:pw@hooks.example.com/t/abc?k=1' -> 'https://hooks.example.com/…': what a
    page may show of a URL whose path or query may hold a token."""
    parts = urlsplit(url)
    hidden = parts.path.strip("/") or parts.query or parts.fragment
    return f"{url_origin(url)}/{'…' if hidden else ''}"
