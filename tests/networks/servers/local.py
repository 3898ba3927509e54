"""The common machinery of the local API servers (Mastodon, Telegram, Discord, X, LinkedIn, the
Graph API): a real HTTP server on 127.0.0.1 (port 0) in a thread, a request log, and a queue of
forced failures. Each network's server subclasses `LocalServer` and implements `route()` with
the requests and answers its documentation describes.

    with TelegramServer() as server:
        server.url                                   # "http://127.0.0.1:<port>"; server.port
        server.latency = 0.1                         # every request waits 0.1 s (a slow network)
        server.fail_next(429, path="/bot", body={...}, headers={...})
        server.drop_next(path="/bot")                # the connection closes with no answer
        server.garble_next(path="/api/v1/statuses/")  # 200 with a truncated JSON body
        server.requests_to("POST", "/bot")           # LoggedRequest objects

A forced failure with a 2xx status and `delay` handles the request for real and holds the
answer: the client times out although the work was done (an "unknown outcome").
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from tests.networks.servers.base import QuietHTTPServer

Answer = tuple[int, Any, dict[str, str]]


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str  # with the query string
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.time, compare=False)  # arrival (epoch seconds)

    @property
    def route(self) -> str:
        return urlsplit(self.path).path

    @property
    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    @property
    def bearer(self) -> str:
        return (self.header("Authorization") or "").removeprefix("Bearer ").strip()

    def params(self) -> dict[str, Any]:
        """JSON, form or multipart parameters (file parts as (bytes, content type, name))."""
        content_type = self.header("Content-Type") or ""
        if "json" in content_type:
            return dict(self.json)
        if "multipart" in content_type:
            return multipart(self)
        if self.body:
            return self.form
        return self.query

    def files(self) -> dict[str, tuple[bytes, str, str]]:
        return {k: v for k, v in self.params().items() if isinstance(v, tuple)}


@dataclass
class _Failure:
    status: int
    path: str | None
    method: str | None
    body: Any
    headers: dict[str, str]
    delay: float
    drop: bool = False
    garble: bool = False

    def matches(self, method: str, path: str) -> bool:
        return (self.path is None or path.startswith(self.path)) and self.method in (None, method)


class LocalServer:
    """A network's API on 127.0.0.1: subclasses implement route(request) -> (status, body, headers).

    `latency` (seconds, changeable while running) is slept before each request is logged and
    answered."""

    name = "local"
    request_class: type[LoggedRequest] = LoggedRequest  # what the log holds
    first_id = 1_000_001  # next_id() counts from here
    server_version = BaseHTTPRequestHandler.server_version  # the Server header

    def __init__(self, *, latency: float = 0.0) -> None:
        self.latency = latency
        self.lock = threading.RLock()
        self._log: list[LoggedRequest] = []
        self._failures: deque[_Failure] = deque()
        self._ids = itertools.count(self.first_id)
        self._httpd: ThreadingHTTPServer | None = None

    # --- life cycle ---------------------------------------------------------------------------
    def start(self) -> Self:
        handler = type("Handler", (_Handler,), {"server_state": self, "server_version": self.server_version})
        self._httpd = QuietHTTPServer(("127.0.0.1", 0), handler)
        # stop() waits for the serving loop to wake up: 0.05 s per test instead of the default 0.5 s.
        serve = self._httpd.serve_forever
        threading.Thread(target=serve, args=(0.05,), name=f"{self.name}-server", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "start the server first"
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- knobs --------------------------------------------------------------------------------
    def fail_next(
        self,
        status: int,
        *,
        path: str | None = None,
        method: str | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        count: int = 1,
    ) -> None:
        body = self.error_body(status) if body is None else body
        with self.lock:
            for _ in range(count):
                self._failures.append(_Failure(status, path, method, body, dict(headers or {}), delay))

    def drop_next(self, *, path: str | None = None, method: str | None = None) -> None:
        """The next matching request gets no answer at all: the connection is closed."""
        with self.lock:
            self._failures.append(_Failure(0, path, method, None, {}, 0.0, drop=True))

    def garble_next(self, *, path: str | None = None, method: str | None = None) -> None:
        """The next matching request is answered 200 with a body cut short (not valid JSON)."""
        with self.lock:
            self._failures.append(_Failure(200, path, method, b'{"id": "1", "cou', {}, 0.0, garble=True))

    def error_body(self, status: int) -> Any:
        """The network's own error document for `status` (subclasses reproduce theirs)."""
        return {"error": f"error {status}"}

    # --- the log ------------------------------------------------------------------------------
    @property
    def requests(self) -> list[LoggedRequest]:
        with self.lock:
            return list(self._log)

    def requests_to(self, method: str, path_prefix: str) -> list[LoggedRequest]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    def next_id(self) -> str:
        with self.lock:
            return str(next(self._ids))

    def _record(self, entry: LoggedRequest) -> _Failure | None:
        with self.lock:
            self._log.append(entry)
            for failure in self._failures:
                if failure.matches(entry.method, entry.path):
                    self._failures.remove(failure)
                    return failure
        return None

    def route(self, request: LoggedRequest) -> Answer:
        raise NotImplementedError


class _Handler(BaseHTTPRequestHandler):
    server_state: LocalServer

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_DELETE(self):
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        entry = self.server_state.request_class(method, self.path, dict(self.headers.items()), body)
        if self.server_state.latency:
            time.sleep(self.server_state.latency)
        failure = self.server_state._record(entry)
        if failure is not None and failure.drop:
            self.close_connection = True
            self.connection.close()
            return
        if failure is not None and (failure.garble or not 200 <= failure.status < 300):
            time.sleep(failure.delay)
            self._send(failure.status, failure.body, failure.headers)
            return
        status, payload, headers = self.server_state.route(entry)
        if failure is not None:
            time.sleep(failure.delay)  # the work is done; the answer comes too late
        self._send(status, payload, headers)

    def _send(self, status: int, payload: Any, headers: dict[str, str]) -> None:
        if isinstance(payload, bytes):
            data = payload
        elif payload is None:
            data = b""
        else:
            data = json.dumps(payload).encode()
        self.send_response(status)
        headers = {"Content-Type": "application/json; charset=utf-8", **headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def multipart(request: LoggedRequest) -> dict[str, Any]:
    """multipart/form-data fields: text fields as str, file parts as (bytes, content type, name)."""
    content_type = request.header("Content-Type") or ""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
    fields: dict[str, Any] = {}
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True)
        payload = payload if isinstance(payload, bytes) else b""
        if part.get_filename():
            fields[str(name)] = (payload, part.get_content_type(), part.get_filename())
        else:
            fields[str(name)] = payload.decode()
    return fields
