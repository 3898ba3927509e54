"""A small local HTTP server whose answers a test decides: a webhook receiver, a site that is
not Mastodon, a server that redirects elsewhere.

    def answer(request: Received) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Type": "application/json"}, b'{"ok": true}'

    with Receiver(answer) as receiver:
        receiver.url            # "http://127.0.0.1:<port>"
        receiver.received       # every request, in order
        receiver.delay = 2.0    # hold every answer this many seconds (after the request is read)
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from networks import signing
from tests.networks.servers.base import QuietHTTPServer


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)


Answer = Callable[[Received], tuple[int, dict[str, str], bytes]]


def not_found(request: Received) -> tuple[int, dict[str, str], bytes]:
    return 404, {"Content-Type": "text/html"}, b"<html><body>Not Found</body></html>"


class Receiver:
    def __init__(self, answer: Answer = not_found, *, delay: float = 0.0):
        self.answer = answer
        self.delay = delay
        self._lock = threading.Lock()
        self._received: list[Received] = []
        self._httpd: QuietHTTPServer | None = None

    def __enter__(self) -> Receiver:
        handler = type("Handler", (_Handler,), {"receiver": self})
        self._httpd = QuietHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True).start()  # quick shutdown
        return self

    def __exit__(self, *exc_info) -> None:
        assert self._httpd is not None
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def _record(self, request: Received) -> None:
        with self._lock:
            self._received.append(request)


class _Handler(BaseHTTPRequestHandler):
    receiver: Receiver

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request = Received(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
        self.receiver._record(request)
        status, headers, body = self.receiver.answer(request)
        time.sleep(self.receiver.delay)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def do_HEAD(self):
        self._handle()


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SigningReceiver(Receiver):
    """A webhook receiver that checks signatures as networks/signing.py tells receivers to.

    A bad signature or a timestamp outside the tolerance of its `clock` is answered 401; a
    delivery id it already accepted is answered 200 and not accepted again. `statuses` forces
    the next answers to valid requests (not accepted then). `accepted` holds the JSON documents.
    """

    def __init__(self, secret: str = ""):
        super().__init__(self._answer)
        self.secret = secret
        self.statuses: list[int] = []
        self.accepted: list[dict] = []
        self.delivered: set[str] = set()
        self.clock: Callable[[], float] = time.time

    def _answer(self, request: Received) -> tuple[int, dict[str, str], bytes]:
        try:
            delivery = signing.verify(
                body=request.body,
                secret=self.secret,
                headers=request.headers,
                accept_once=lambda delivery_id: delivery_id not in self.delivered,
                now=self.clock(),
            )
        except signing.Replayed:
            return 200, {"Content-Type": "application/json"}, b'{"duplicate": true}'
        except signing.InvalidSignature as error:
            return 401, {}, str(error).encode()
        if self.statuses:
            return self.statuses.pop(0), {"Retry-After": "7"}, b"{}"
        self.delivered.add(delivery)
        self.accepted.append(json.loads(request.body))
        return 200, {"Content-Type": "application/json"}, b'{"id": "r-1"}'
