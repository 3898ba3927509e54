"""A local Mastodon server that behaves as the Mastodon documentation says, for tests.

A real HTTP server (http.server.ThreadingHTTPServer in a thread, 127.0.0.1, port 0) so adapters
are tested through the real `requests` stack and the tests assert on the requests it received.

Usage (a context manager; the `mastodon_server` fixture of tests/networks/conftest.py wraps it):

    from tests.networks.servers.mastodon import MastodonServer

    with MastodonServer(latency=0.0) as server:
        server.url            # "http://127.0.0.1:<port>": the instance URL
        server.token          # a valid access token of the account @desk
        server.fail_next(503)                       # the next request answers 503
        server.fail_next(429, path="/api/v1/statuses", reset_in=30)  # rate limited, reset in 30 s
        server.fail_next(200, path="/api/v1/statuses", delay=5)      # handled, answer held 5 s
        server.revoke(server.token)                 # from now on 401 "The access token is invalid"
        server.requests_to("POST", "/api/v1/statuses")  # the log: LoggedRequest objects
        server.statuses_created                     # statuses really created (repeats excluded)

Constructor (keyword-only, each also a public attribute that may be changed while running):
- latency: seconds slept before handling every request (simulates a slow instance).
- max_characters (500), characters_reserved_per_url (23): what /api/v2/instance declares and
  what POST /api/v1/statuses enforces.
- processing_polls (2): how many GET /api/v1/media/:id answer 206 before 200 for media that
  processes (videos, GIFs, any file whose name contains "processing", or every file when
  `process_all_media` is True).
- username ("desk"), auto_approve (True: /oauth/authorize redirects straight back with a code,
  as if the person had clicked "Authorize").

Forced failures: `fail_next(status, *, path=None, method=None, body=None, headers=None,
reset_in=None, delay=0.0, count=1)` queues a failure taken by the next matching request (path is
a prefix; None matches any). With status 200..299 and `delay`, the request is handled for real
and the answer is held `delay` seconds: the client times out although the work was done, which
is what "outcome unknown" means. `drop_next(path=...)` closes the connection with no answer.

Endpoints: POST /api/v1/apps; GET /oauth/authorize; POST /oauth/token; GET
/api/v1/accounts/verify_credentials; GET /api/v2/instance; POST /api/v2/media (200 images, 202
with url null while processing, 422 for a file that is not media or a too long description);
GET /api/v1/media/:id (206 then 200); POST /api/v1/statuses (Idempotency-Key returns the first
status for a repeat; 422 {"error": "Validation failed: ..."}); GET /api/v1/statuses/:id.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.networks.servers.base import QuietHTTPServer

INVALID_TOKEN = {"error": "The access token is invalid"}
MAX_DESCRIPTION = 1500
URL_PATTERN = re.compile(r"https?://\S+")
MENTION_PATTERN = re.compile(r"(@\w+)@[\w.-]+\w")


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str  # with the query string
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode())

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)


@dataclass
class _Failure:
    status: int
    path: str | None
    method: str | None
    body: Any
    headers: dict[str, str]
    delay: float
    drop: bool = False

    def matches(self, method: str, path: str) -> bool:
        return (self.path is None or path.startswith(self.path)) and (self.method in (None, method))


@dataclass
class _Media:
    id: str
    description: str
    content_type: str
    polls_left: int
    url: str

    def as_json(self, base: str) -> dict[str, Any]:
        ready = self.polls_left <= 0
        kind = self.content_type.split("/")[0] if self.content_type != "image/gif" else "gifv"
        return {
            "id": self.id,
            "type": kind,
            "url": self.url if ready else None,
            "preview_url": f"{base}/system/preview/{self.id}.png",
            "description": self.description,
        }


@dataclass
class _State:
    apps: dict[str, dict[str, Any]] = field(default_factory=dict)  # client_id -> app
    codes: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> client_id, redirect_uri
    tokens: set[str] = field(default_factory=set)
    media: dict[str, _Media] = field(default_factory=dict)
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotency: dict[tuple[str, str], str] = field(default_factory=dict)  # (token, key) -> status id


class MastodonServer:
    """See the module docstring: constructor knobs, failure queue, request log."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        max_characters: int = 500,
        characters_reserved_per_url: int = 23,
        processing_polls: int = 2,
        process_all_media: bool = False,
        username: str = "desk",
        auto_approve: bool = True,
    ):
        self.latency = latency
        self.max_characters = max_characters
        self.characters_reserved_per_url = characters_reserved_per_url
        self.processing_polls = processing_polls
        self.process_all_media = process_all_media
        self.username = username
        self.auto_approve = auto_approve
        self.statuses_created = 0
        self._lock = threading.Lock()
        self._log: list[LoggedRequest] = []
        self._failures: deque[_Failure] = deque()
        self._ids = itertools.count(110_000_000_000_000_001)
        self._state = _State()
        self.token = self._issue_token()
        self._httpd: QuietHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle ---------------------------------------------------------------------------
    def start(self) -> MastodonServer:
        handler = type("Handler", (_Handler,), {"mastodon": self})
        self._httpd = QuietHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="mastodon-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> MastodonServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._httpd is not None, "start the server first"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    # --- knobs --------------------------------------------------------------------------------
    def fail_next(
        self,
        status: int,
        *,
        path: str | None = None,
        method: str | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        reset_in: float | None = None,
        delay: float = 0.0,
        count: int = 1,
    ) -> None:
        headers = dict(headers or {})
        if status == 429:
            reset = datetime.now(UTC) + timedelta(seconds=reset_in if reset_in is not None else 300)
            headers.setdefault("X-RateLimit-Limit", "300")
            headers.setdefault("X-RateLimit-Remaining", "0")
            headers.setdefault("X-RateLimit-Reset", reset.isoformat(timespec="milliseconds").replace("+00:00", "Z"))
        if body is None:
            body = _default_error_body(status)
        with self._lock:
            for _ in range(count):
                self._failures.append(_Failure(status, path, method, body, headers, delay))

    def drop_next(self, *, path: str | None = None, method: str | None = None) -> None:
        """The next matching request gets no answer at all: the connection is closed."""
        with self._lock:
            self._failures.append(_Failure(0, path, method, None, {}, 0.0, drop=True))

    def revoke(self, token: str) -> None:
        with self._lock:
            self._state.tokens.discard(token)

    def new_token(self) -> str:
        """Another valid access token for the account (as a pasted token would be)."""
        return self._issue_token()

    # --- the log ------------------------------------------------------------------------------
    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    def requests_to(self, method: str, path_prefix: str) -> list[LoggedRequest]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    @property
    def statuses(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._state.statuses.values())

    @property
    def registered_apps(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._state.apps.values())

    # --- internals used by the handler --------------------------------------------------------
    def _issue_token(self) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._state.tokens.add(token)
        return token

    def _next_id(self) -> str:
        with self._lock:
            return str(next(self._ids))

    def _record(self, entry: LoggedRequest) -> _Failure | None:
        with self._lock:
            self._log.append(entry)
            for failure in self._failures:
                if failure.matches(entry.method, entry.path):
                    self._failures.remove(failure)
                    return failure
        return None

    def _token_valid(self, headers: dict[str, str]) -> str | None:
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        token = auth.removeprefix("Bearer ").strip()
        with self._lock:
            return token if token and token in self._state.tokens else None

    def _account(self) -> dict[str, Any]:
        return {
            "id": "109000000000000001",
            "username": self.username,
            "acct": self.username,
            "display_name": "The Desk",
            "url": f"{self.url}/@{self.username}",
            "avatar": f"{self.url}/avatars/{self.username}.png",
            "note": "",
        }

    def _instance(self) -> dict[str, Any]:
        return {
            "domain": f"127.0.0.1:{self.port}",
            "title": "Local test instance",
            "version": "4.3.0",
            "configuration": {
                "urls": {"streaming": None},
                "accounts": {"max_featured_tags": 10},
                "statuses": {
                    "max_characters": self.max_characters,
                    "max_media_attachments": 4,
                    "characters_reserved_per_url": self.characters_reserved_per_url,
                },
                "media_attachments": {
                    "supported_mime_types": [
                        "image/jpeg",
                        "image/png",
                        "image/gif",
                        "image/webp",
                        "video/mp4",
                        "video/webm",
                    ],
                    "image_size_limit": 16_777_216,
                    "image_matrix_limit": 33_177_600,
                    "video_size_limit": 103_809_024,
                    "video_frame_rate_limit": 120,
                    "video_matrix_limit": 8_294_400,
                },
            },
        }

    def _status_length(self, text: str) -> int:
        text = MENTION_PATTERN.sub(r"\1", text)
        urls = URL_PATTERN.findall(text)
        return len(URL_PATTERN.sub("", text)) + self.characters_reserved_per_url * len(urls)


def _default_error_body(status: int) -> dict[str, str]:
    if status == 401:
        return INVALID_TOKEN
    if status == 422:
        return {"error": "Validation failed: Text can't be blank"}
    if status == 429:
        return {"error": "Too many requests"}
    if status >= 500:
        return {"error": "We're sorry, but something went wrong on our end."}
    return {}


class _Handler(BaseHTTPRequestHandler):
    mastodon: MastodonServer
    server_version = "Mastodon-test"

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass  # the request log replaces stderr noise

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    # --- dispatch -----------------------------------------------------------------------------
    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        entry = LoggedRequest(method, self.path, dict(self.headers.items()), body)
        if self.mastodon.latency:
            time.sleep(self.mastodon.latency)
        failure = self.mastodon._record(entry)
        if failure is not None and failure.drop:
            self.close_connection = True
            self.connection.close()
            return
        if failure is not None and not 200 <= failure.status < 300:
            time.sleep(failure.delay)
            self._send(failure.status, failure.body, failure.headers)
            return
        status, payload, headers = self._route(entry)
        if failure is not None:
            time.sleep(failure.delay)  # the work is done; the answer comes too late
        self._send(status, payload, headers)

    def _route(self, request: LoggedRequest) -> tuple[int, Any, dict[str, str]]:
        path = urlsplit(request.path).path
        routes = {
            ("POST", "/api/v1/apps"): self._create_app,
            ("GET", "/oauth/authorize"): self._authorize,
            ("POST", "/oauth/token"): self._token,
            ("GET", "/api/v1/accounts/verify_credentials"): self._verify_credentials,
            ("GET", "/api/v2/instance"): self._instance,
            ("POST", "/api/v2/media"): self._upload_media,
            ("POST", "/api/v1/statuses"): self._create_status,
        }
        if (request.method, path) in routes:
            return routes[(request.method, path)](request)
        if request.method == "GET" and path.startswith("/api/v1/media/"):
            return self._get_media(request, path.rsplit("/", 1)[1])
        if request.method == "GET" and path.startswith("/api/v1/statuses/"):
            return self._get_status(request, path.rsplit("/", 1)[1])
        return 404, {"error": "Record not found"}, {}

    def _send(self, status: int, payload: Any, headers: dict[str, str]) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        headers = {"Content-Type": "application/json; charset=utf-8", **headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    # --- OAuth --------------------------------------------------------------------------------
    def _create_app(self, request):
        params = _params(request)
        redirect_uris = params.get("redirect_uris", "")
        if not params.get("client_name") or not redirect_uris:
            return 422, {"error": "Validation failed: Application name can't be blank, Redirect URI can't be blank"}, {}
        app = {
            "id": self.mastodon._next_id(),
            "name": params["client_name"],
            "website": params.get("website"),
            "scopes": params.get("scopes", "read").split(),
            "redirect_uri": redirect_uris,
            "redirect_uris": redirect_uris.split(),
            "client_id": secrets.token_urlsafe(24),
            "client_secret": secrets.token_urlsafe(24),
            "vapid_key": "",
        }
        with self.mastodon._lock:
            self.mastodon._state.apps[app["client_id"]] = app
        return 200, app, {}

    def _authorize(self, request):
        query = {k: v[0] for k, v in parse_qs(urlsplit(request.path).query).items()}
        with self.mastodon._lock:
            app = self.mastodon._state.apps.get(query.get("client_id", ""))
        if app is None or query.get("response_type") != "code":
            return 400, b"The client application is unknown or the request is malformed.", {}
        if query.get("redirect_uri") not in app["redirect_uris"]:
            return 400, b"The redirect uri included is not valid.", {}
        if not self.mastodon.auto_approve:
            return 200, b"<html><body>Authorize?</body></html>", {"Content-Type": "text/html"}
        code = secrets.token_urlsafe(16)
        with self.mastodon._lock:
            self.mastodon._state.codes[code] = {"client_id": app["client_id"], "redirect_uri": query["redirect_uri"]}
        back = {"code": code, **({"state": query["state"]} if "state" in query else {})}
        return 302, b"", {"Location": f"{query['redirect_uri']}?{urlencode(back)}"}

    def _token(self, request):
        params = _params(request)
        with self.mastodon._lock:
            app = self.mastodon._state.apps.get(params.get("client_id", ""))
            grant = self.mastodon._state.codes.pop(params.get("code", ""), None)
        if app is None or app["client_secret"] != params.get("client_secret"):
            return 401, {"error": "invalid_client", "error_description": "Client authentication failed."}, {}
        if (
            params.get("grant_type") != "authorization_code"
            or grant is None
            or grant["client_id"] != app["client_id"]
            or grant["redirect_uri"] != params.get("redirect_uri")
        ):
            return (
                400,
                {"error": "invalid_grant", "error_description": "The provided authorization grant is invalid."},
                {},
            )
        token = self.mastodon._issue_token()
        scope = params.get("scope", " ".join(app["scopes"]))
        return 200, {"access_token": token, "token_type": "Bearer", "scope": scope, "created_at": int(time.time())}, {}

    # --- the API ------------------------------------------------------------------------------
    def _verify_credentials(self, request):
        if not self.mastodon._token_valid(request.headers):
            return 401, INVALID_TOKEN, {}
        return 200, self.mastodon._account(), {}

    def _instance(self, request):
        return 200, self.mastodon._instance(), {}

    def _upload_media(self, request):
        if not self.mastodon._token_valid(request.headers):
            return 401, INVALID_TOKEN, {}
        fields = _multipart(request)
        upload = fields.get("file")
        if upload is None or upload[1].split("/")[0] not in ("image", "video", "audio"):
            return 422, {"error": "Validation failed: File content type is invalid, File is invalid"}, {}
        description = fields.get("description", (b"", ""))[0].decode()
        if len(description) > MAX_DESCRIPTION:
            return 422, {"error": "Validation failed: Description is too long (maximum is 1500 characters)"}, {}
        filename, content_type = upload[2], upload[1]
        processes = (
            self.mastodon.process_all_media
            or content_type.startswith("video/")
            or content_type == "image/gif"
            or "processing" in filename
        )
        media_id = self.mastodon._next_id()
        media = _Media(
            id=media_id,
            description=description,
            content_type=content_type,
            polls_left=self.mastodon.processing_polls if processes else 0,
            url=f"{self.mastodon.url}/system/media/{media_id}/{filename}",
        )
        with self.mastodon._lock:
            self.mastodon._state.media[media_id] = media
        return (202 if processes else 200), media.as_json(self.mastodon.url), {}

    def _get_media(self, request, media_id):
        if not self.mastodon._token_valid(request.headers):
            return 401, INVALID_TOKEN, {}
        with self.mastodon._lock:
            media = self.mastodon._state.media.get(media_id)
            if media is None:
                return 404, {"error": "Record not found"}, {}
            processing = media.polls_left > 0
            payload = media.as_json(self.mastodon.url)
            media.polls_left -= 1
        return (206 if processing else 200), payload, {}

    def _create_status(self, request):
        token = self.mastodon._token_valid(request.headers)
        if not token:
            return 401, INVALID_TOKEN, {}
        key = request.header("Idempotency-Key")
        with self.mastodon._lock:
            first = self.mastodon._state.idempotency.get((token, key)) if key else None
            if first is not None:
                return 200, self.mastodon._state.statuses[first], {}
        params = _params(request, lists=("media_ids",))
        error = self._status_error(params)
        if error:
            return 422, {"error": error}, {}
        status = self._new_status(params)
        with self.mastodon._lock:
            self.mastodon._state.statuses[status["id"]] = status
            if key:
                self.mastodon._state.idempotency[(token, key)] = status["id"]
            self.mastodon.statuses_created += 1
        return 200, status, {}

    def _status_error(self, params: dict[str, Any]) -> str | None:
        text = params.get("status", "")
        media_ids = params.get("media_ids", [])
        if not text.strip() and not media_ids:
            return "Validation failed: Text can't be blank"
        if self.mastodon._status_length(text) > self.mastodon.max_characters:
            return f"Validation failed: Text character limit of {self.mastodon.max_characters} exceeded"
        if len(media_ids) > 4:
            return "Validation failed: Cannot attach more than 4 files"
        with self.mastodon._lock:
            media = [self.mastodon._state.media.get(str(i)) for i in media_ids]
        if any(m is None for m in media):
            return "Validation failed: Media attachment not found"
        if any(m.polls_left > 0 for m in media if m is not None):
            return "Cannot attach files that have not finished processing. Try again in a moment!"
        return None

    def _new_status(self, params: dict[str, Any]) -> dict[str, Any]:
        status_id = self.mastodon._next_id()
        account = self.mastodon._account()
        with self.mastodon._lock:
            media = [self.mastodon._state.media[str(i)].as_json(self.mastodon.url) for i in params.get("media_ids", [])]
        return {
            "id": status_id,
            "created_at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "content": f"<p>{params.get('status', '')}</p>",
            "text": params.get("status", ""),
            "visibility": params.get("visibility", "public"),
            "language": params.get("language"),
            "spoiler_text": params.get("spoiler_text", ""),
            "uri": f"{self.mastodon.url}/users/{account['username']}/statuses/{status_id}",
            "url": f"{account['url']}/{status_id}",
            "account": account,
            "media_attachments": media,
        }

    def _get_status(self, request, status_id):
        with self.mastodon._lock:
            status = self.mastodon._state.statuses.get(status_id)
        return (200, status, {}) if status else (404, {"error": "Record not found"}, {})


def _params(request: LoggedRequest, lists: tuple[str, ...] = ()) -> dict[str, Any]:
    """Form or JSON parameters, as Mastodon (Rails) accepts both; `name[]` keys become lists."""
    content_type = request.header("Content-Type") or ""
    if "json" in content_type:
        return dict(request.json)
    params: dict[str, Any] = {}
    for key, values in request.form.items():
        name = key.removesuffix("[]")
        params[name] = values if name in lists or key.endswith("[]") else values[0]
    return params


def _multipart(request: LoggedRequest) -> dict[str, tuple[bytes, str, str]]:
    """multipart/form-data fields: name -> (payload, content type, file name)."""
    content_type = request.header("Content-Type") or ""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
    fields: dict[str, tuple[bytes, str, str]] = {}
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        if name:
            payload = part.get_payload(decode=True)
            payload = payload if isinstance(payload, bytes) else b""
            fields[str(name)] = (payload, part.get_content_type(), part.get_filename() or "")
    return fields
