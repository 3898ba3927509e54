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
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util import connection as urllib3_connection

from networks import budget

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


def _public_address(host: str, port: int) -> str:
    """The address to connect to for `host`, once every address it resolves to is public.

    A name with one public and one private record is refused as a whole.
    """
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise UnsafeHost(_("The host %(host)s could not be found.") % {"host": host}) from None
    addresses = [str(info[4][0]) for info in infos]
    if not all(is_public_address(address) for address in addresses):
        raise UnsafeHost(_("The host %(host)s is a private or local address, which is not allowed.") % {"host": host})
    return addresses[0]


def check_public_url(url: str) -> None:
    """Refuse URLs whose host resolves to an address that is not public (SSRF guard).

    Hosts listed in NETWORKS_ALLOWED_PRIVATE_HOSTS are let through (tests, intranets). This
    early check gives the user a clear message before anything is sent; the connection itself
    is pinned as well (_PinnedConnectionMixin), against DNS rebinding.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeHost(_("The address must start with https:// and name a host."))
    if not _allowed_private(parts.hostname):
        _public_address(parts.hostname, parts.port or 443)


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
    headers = {"User-Agent": settings.HTTP_USER_AGENT, **kwargs.pop("headers", {})}
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
