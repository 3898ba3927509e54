"""A local Mastodon server that behaves as the Mastodon documentation says, for tests.

A LocalServer (tests/networks/servers/local.py: a real HTTP server on 127.0.0.1, port 0, in a
thread) so adapters are tested through the real `requests` stack and the tests assert on the
requests it received.

Usage (a context manager; the `mastodon_server` fixture of tests/networks/conftest.py wraps it):

    from tests.networks.servers.mastodon import MastodonServer

    with MastodonServer(latency=0.0) as server:
        server.url            # "http://127.0.0.1:<port>": the instance URL; server.port
        server.token          # a valid access token of the account @desk
        server.fail_next(503)                       # the next request answers 503
        server.fail_next(429, path="/api/v1/statuses", reset_in=30)  # rate limited, reset in 30 s
        server.fail_next(200, path="/api/v1/statuses", delay=5)      # handled, answer held 5 s
        server.revoke(server.token)                 # from now on 401 "The access token is invalid"
        server.requests_to("POST", "/api/v1/statuses")  # the log: MastodonRequest objects
        server.statuses_created                     # statuses really created (repeats excluded)

Constructor (keyword-only, each also a public attribute that may be changed while running):
- latency: seconds slept before handling every request (simulates a slow instance).
- max_characters (500), characters_reserved_per_url (23): what /api/v2/instance declares and
  what POST /api/v1/statuses enforces.
- processing_polls (2): how many GET /api/v1/media/:id answer 206 before 200 for media that
  processes (videos, GIFs, any file whose name contains "processing", or every file when
  `process_all_media` is True).
- processing_seconds (None): when set, media that process are ready that many seconds after
  their upload, however often they are polled (instead of after `processing_polls` polls).
- rate_limit (None): (calls, seconds) per access token over every /api/ request, counted as
  Mastodon's Rack::Attack does, in windows aligned on the epoch; every answer carries
  X-RateLimit-Limit/Remaining/Reset and a call beyond the limit answers 429.
  `max_calls_per_window()` tells the most calls one window received.
- username ("desk"), auto_approve (True: /oauth/authorize redirects straight back with a code,
  as if the person had clicked "Authorize").

Forced failures are LocalServer's: `fail_next(status, *, path=None, method=None, body=None,
headers=None, reset_in=None, delay=0.0, count=1)` queues a failure taken by the next matching
request (path is a prefix; None matches any), with Mastodon's error bodies and, for a 429, its
X-RateLimit headers resetting `reset_in` seconds from now (300). With status 200..299 and
`delay`, the request is handled for real and the answer is held `delay` seconds: the client
times out although the work was done, which is what "outcome unknown" means.
`drop_next(path=...)` closes the connection with no answer.

Endpoints: POST /api/v1/apps; GET /oauth/authorize; POST /oauth/token; GET
/api/v1/accounts/verify_credentials; GET /api/v2/instance; POST /api/v2/media (200 images, 202
with url null while processing, 422 for a file that is not media or a too long description);
GET /api/v1/media/:id (206 then 200); POST /api/v1/statuses (Idempotency-Key returns the first
status for a repeat; `in_reply_to_id` of an unknown status is 404; 422 {"error": "Validation
failed: ..."}); GET and DELETE /api/v1/statuses/:id (only the author deletes: 403 otherwise; GET with
replies_count, reblogs_count, favourites_count: `set_counts(id, ...)`, `renamed_fields`, and
`forget(id)` for a deleted status); the account's `followers_count` (a public attribute);
GET /api/v1/statuses/:id/context (ancestors, descendants depth first); GET /api/v1/notifications
(`types[]`, `exclude_types[]`, `max_id`, `since_id`, `min_id`, `limit` 40 by default and at most
80, newest first, a Link header with `rel="next"` (max_id) and `rel="prev"` (min_id); needs the
read:notifications scope, else 403 as Mastodon answers); GET /api/v2/search (`q`, every word
must appear as a whole word; `type=statuses`; public statuses only; `max_id`, `since_id`, `min_id`, `limit` 20 by
default and at most 40; needs a token with read:search, as Mastodon searches statuses only for a
signed-in user); GET /api/v1/timelines/tag/:hashtag (`any[]`, the same paging; public).

Other people write with `post_as(acct, text, in_reply_to_id=None, created_at=None,
visibility="public")`: a status whose `content` is HTML as Mastodon's formatter makes it
(escaped, paragraphs, <br />, linked URLs and mentions), and a `mention` notification for @desk
when it replies to one of desk's statuses or names @desk. `edit(status_id, text)` sets
`edited_at`; `delete(status_id)` removes a status and its notifications; `corrupt_next(path,
body)` answers the next GET under `path` with 200 and these raw bytes (a truncated page).
"""

from __future__ import annotations

import html
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode

from tests.networks.servers.local import Answer, LocalServer, LoggedRequest, multipart

INVALID_TOKEN = {"error": "The access token is invalid"}
MAX_DESCRIPTION = 1500
URL_PATTERN = re.compile(r"https?://\S+")
MENTION_PATTERN = re.compile(r"(@\w+)@[\w.-]+\w")


class MastodonRequest(LoggedRequest):
    """A logged request whose form keeps every value of a field, as Rails reads `media_ids[]`."""

    @property
    def form(self) -> dict[str, list[str]]:  # type: ignore[override]
        return parse_qs(self.body.decode())


@dataclass
class _Media:
    id: str
    description: str
    content_type: str
    polls_left: int
    url: str
    ready_at: float = 0.0  # time.time() from which processing is over (processing_seconds)

    @property
    def ready(self) -> bool:
        return self.polls_left <= 0 and time.time() >= self.ready_at

    def as_json(self, base: str) -> dict[str, Any]:
        ready = self.ready
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
    notifications: list[dict[str, Any]] = field(default_factory=list)  # oldest first
    scopes: dict[str, set[str]] = field(default_factory=dict)  # token -> scopes (absent: all)
    corrupt: list[tuple[str, bytes]] = field(default_factory=list)


class MastodonServer(LocalServer):
    """See the module docstring: constructor knobs, failure queue, request log."""

    name = "mastodon"
    request_class = MastodonRequest
    first_id = 110_000_000_000_000_001  # Mastodon's ids are snowflakes
    server_version = "Mastodon-test"

    def __init__(
        self,
        *,
        latency: float = 0.0,
        max_characters: int = 500,
        characters_reserved_per_url: int = 23,
        processing_polls: int = 2,
        process_all_media: bool = False,
        processing_seconds: float | None = None,
        rate_limit: tuple[int, float] | None = None,
        username: str = "desk",
        auto_approve: bool = True,
    ):
        super().__init__(latency=latency)
        self.max_characters = max_characters
        self.characters_reserved_per_url = characters_reserved_per_url
        self.processing_polls = processing_polls
        self.process_all_media = process_all_media
        self.processing_seconds = processing_seconds
        self.rate_limit = rate_limit
        self.throttled = 0  # calls answered 429 by rate_limit
        self._windows: dict[tuple[str, int], int] = {}  # (token, window) -> calls
        self.username = username
        self.auto_approve = auto_approve
        self.statuses_created = 0
        # Metrics: counts per status id, the account's followers, and fields renamed in answers
        # ({"favourites_count": "favorites_count"}: a metric the server no longer gives by its name).
        self.counts: dict[str, dict[str, int]] = {}
        self.followers_count = 0
        self.renamed_fields: dict[str, str] = {}
        self._state = _State()
        self.token = self._issue_token()

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
        super().fail_next(status, path=path, method=method, body=body, headers=headers, delay=delay, count=count)

    def error_body(self, status: int) -> dict[str, str]:
        if status == 401:
            return INVALID_TOKEN
        if status == 422:
            return {"error": "Validation failed: Text can't be blank"}
        if status == 429:
            return {"error": "Too many requests"}
        if status >= 500:
            return {"error": "We're sorry, but something went wrong on our end."}
        return {}

    def revoke(self, token: str) -> None:
        with self.lock:
            self._state.tokens.discard(token)

    def new_token(self, scopes: str | None = None) -> str:
        """Another valid access token for the account (as a pasted token would be); `scopes`
        limits it (e.g. "write:statuses write:media read:accounts"), else it may do anything."""
        token = self._issue_token()
        if scopes is not None:
            with self.lock:
                self._state.scopes[token] = set(scopes.split())
        return token

    def post_as(
        self,
        acct: str,
        text: str,
        *,
        in_reply_to_id: str | None = None,
        created_at: datetime | None = None,
        visibility: str = "public",
    ) -> str:
        """Someone else writes a status (a mention of @desk, a reply); returns its id."""
        author = self._person(acct)
        status = self._status(author, text, in_reply_to_id=in_reply_to_id, created_at=created_at, visibility=visibility)
        with self.lock:
            self._state.statuses[status["id"]] = status
            parent = self._state.statuses.get(in_reply_to_id or "")
            if (parent and parent["account"]["id"] == self._account()["id"]) or f"@{self.username}" in text:
                self._state.notifications.append(
                    {
                        "id": self.next_id(),
                        "type": "mention",
                        "created_at": status["created_at"],
                        "account": author,
                        "status": status,
                    }
                )
        return status["id"]

    def edit(self, status_id: str, text: str) -> None:
        with self.lock:
            status = self._state.statuses[status_id]
            status["text"], status["content"] = text, mastodon_html(text, self.url)
            status["edited_at"] = _now_iso()

    def delete(self, status_id: str) -> None:
        with self.lock:
            self._state.statuses.pop(status_id, None)
            self._state.notifications = [n for n in self._state.notifications if n["status"]["id"] != status_id]

    def corrupt_next(self, path: str, body: bytes) -> None:
        with self.lock:
            self._state.corrupt.append((path, body))

    def exists(self, status_id: str) -> bool:
        with self.lock:
            return status_id in self._state.statuses

    def replies_to(self, status_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return [s for s in self._state.statuses.values() if s.get("in_reply_to_id") == status_id]

    # --- what it holds ------------------------------------------------------------------------
    @property
    def statuses(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self._state.statuses.values())

    @property
    def registered_apps(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self._state.apps.values())

    def set_counts(self, status_id: str, *, replies: int = 0, reblogs: int = 0, favourites: int = 0) -> None:
        with self.lock:
            self.counts[status_id] = {
                "replies_count": replies,
                "reblogs_count": reblogs,
                "favourites_count": favourites,
            }

    def forget(self, status_id: str) -> None:
        """The status is deleted: GET /api/v1/statuses/:id answers 404 from now on."""
        with self.lock:
            self._state.statuses.pop(status_id, None)

    # --- internals ----------------------------------------------------------------------------
    def _issue_token(self) -> str:
        token = secrets.token_urlsafe(32)
        with self.lock:
            self._state.tokens.add(token)
        return token

    def _token_valid(self, request: LoggedRequest) -> str | None:
        token = request.bearer
        with self.lock:
            return token if token and token in self._state.tokens else None

    def _may(self, token: str, scope: str) -> bool:
        """Mastodon's scopes: "read" covers "read:notifications", and so on."""
        with self.lock:
            granted = self._state.scopes.get(token)
        return granted is None or scope in granted or scope.split(":")[0] in granted

    def _person(self, acct: str) -> dict[str, Any]:
        """Someone on the fediverse; the account's own name is the account (@desk)."""
        if acct.lstrip("@") == self.username:
            return self._account()
        username = acct.lstrip("@").split("@")[0]
        number = 109_000_000_000_000_100 + sum(ord(c) for c in acct)
        return {
            "id": str(number),
            "username": username,
            "acct": acct.lstrip("@"),
            "display_name": username.title(),
            "url": f"{self.url}/@{username}",
            "avatar": f"{self.url}/avatars/{username}.png",
            "note": "",
        }

    def _account(self) -> dict[str, Any]:
        return {
            "id": "109000000000000001",
            "username": self.username,
            "acct": self.username,
            "display_name": "The Desk",
            "url": f"{self.url}/@{self.username}",
            "avatar": f"{self.url}/avatars/{self.username}.png",
            "note": "",
            "followers_count": self.followers_count,
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

    # --- rate limit -----------------------------------------------------------------------------
    def api_calls(self) -> list[LoggedRequest]:
        return [r for r in self.requests if r.route.startswith("/api/")]

    def max_calls_per_window(self, seconds: float) -> int:
        """The most /api/ calls that arrived in one window of `seconds` aligned on the epoch."""
        windows: dict[int, int] = {}
        for request in self.api_calls():
            window = int(request.at // seconds)
            windows[window] = windows.get(window, 0) + 1
        return max(windows.values(), default=0)

    def _throttle(self, request: LoggedRequest) -> tuple[bool, dict[str, str]]:
        """(over the limit, the X-RateLimit headers) for this call, counted once."""
        if self.rate_limit is None or not request.route.startswith("/api/"):
            return False, {}
        limit, seconds = self.rate_limit
        window = int(request.at // seconds)
        with self.lock:
            key = (request.bearer, window)
            self._windows[key] = used = self._windows.get(key, 0) + 1
        reset = datetime.fromtimestamp((window + 1) * seconds, UTC)
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, limit - used)),
            "X-RateLimit-Reset": reset.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
        return used > limit, headers

    # --- the routes ---------------------------------------------------------------------------
    def route(self, request: LoggedRequest) -> Answer:
        over, limit_headers = self._throttle(request)
        if over:
            with self.lock:
                self.throttled += 1
            return 429, {"error": "Too many requests"}, limit_headers
        status, body, headers = self._route(request)
        return status, body, {**limit_headers, **headers}

    def _route(self, request: LoggedRequest) -> Answer:
        path = request.route
        with self.lock:
            corrupt = next((c for c in self._state.corrupt if path.startswith(c[0])), None)
            if corrupt is not None and request.method == "GET":
                self._state.corrupt.remove(corrupt)
                return 200, corrupt[1], {}
        if request.method == "GET" and path == "/api/v1/notifications":
            return self._notifications(request)
        if request.method == "GET" and path == "/api/v2/search":
            return self._search(request)
        if request.method == "GET" and path.startswith("/api/v1/timelines/tag/"):
            return self._tag_timeline(request, unquote(path.rsplit("/", 1)[1]))
        if request.method == "GET" and path.startswith("/api/v1/statuses/") and path.endswith("/context"):
            return self._context(request, path.split("/")[4])
        if request.method == "DELETE" and path.startswith("/api/v1/statuses/"):
            return self._delete_status(request, path.rsplit("/", 1)[1])
        routes = {
            ("POST", "/api/v1/apps"): self._create_app,
            ("GET", "/oauth/authorize"): self._authorize,
            ("POST", "/oauth/token"): self._token,
            ("GET", "/api/v1/accounts/verify_credentials"): self._verify_credentials,
            ("GET", "/api/v2/instance"): self._get_instance,
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

    # --- OAuth --------------------------------------------------------------------------------
    def _create_app(self, request):
        params = _params(request)
        redirect_uris = params.get("redirect_uris", "")
        if not params.get("client_name") or not redirect_uris:
            return 422, {"error": "Validation failed: Application name can't be blank, Redirect URI can't be blank"}, {}
        app = {
            "id": self.next_id(),
            "name": params["client_name"],
            "website": params.get("website"),
            "scopes": params.get("scopes", "read").split(),
            "redirect_uri": redirect_uris,
            "redirect_uris": redirect_uris.split(),
            "client_id": secrets.token_urlsafe(24),
            "client_secret": secrets.token_urlsafe(24),
            "vapid_key": "",
        }
        with self.lock:
            self._state.apps[app["client_id"]] = app
        return 200, app, {}

    def _authorize(self, request):
        query = request.query
        with self.lock:
            app = self._state.apps.get(query.get("client_id", ""))
        if app is None or query.get("response_type") != "code":
            return 400, b"The client application is unknown or the request is malformed.", {}
        if query.get("redirect_uri") not in app["redirect_uris"]:
            return 400, b"The redirect uri included is not valid.", {}
        if not self.auto_approve:
            return 200, b"<html><body>Authorize?</body></html>", {"Content-Type": "text/html"}
        code = secrets.token_urlsafe(16)
        with self.lock:
            self._state.codes[code] = {"client_id": app["client_id"], "redirect_uri": query["redirect_uri"]}
        back = {"code": code, **({"state": query["state"]} if "state" in query else {})}
        return 302, b"", {"Location": f"{query['redirect_uri']}?{urlencode(back)}"}

    def _token(self, request):
        params = _params(request)
        with self.lock:
            app = self._state.apps.get(params.get("client_id", ""))
            grant = self._state.codes.pop(params.get("code", ""), None)
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
        token = self._issue_token()
        scope = params.get("scope", " ".join(app["scopes"]))
        return 200, {"access_token": token, "token_type": "Bearer", "scope": scope, "created_at": int(time.time())}, {}

    # --- the API ------------------------------------------------------------------------------
    def _verify_credentials(self, request):
        if not self._token_valid(request):
            return 401, INVALID_TOKEN, {}
        return 200, self._account(), {}

    def _get_instance(self, request):
        return 200, self._instance(), {}

    def _upload_media(self, request):
        if not self._token_valid(request):
            return 401, INVALID_TOKEN, {}
        fields = multipart(request)
        upload = fields.get("file")
        if not isinstance(upload, tuple) or upload[1].split("/")[0] not in ("image", "video", "audio"):
            return 422, {"error": "Validation failed: File content type is invalid, File is invalid"}, {}
        description = fields.get("description", "")
        if len(description) > MAX_DESCRIPTION:
            return 422, {"error": "Validation failed: Description is too long (maximum is 1500 characters)"}, {}
        filename, content_type = upload[2], upload[1]
        processes = (
            self.process_all_media
            or content_type.startswith("video/")
            or content_type == "image/gif"
            or "processing" in filename
        )
        media_id = self.next_id()
        media = _Media(
            id=media_id,
            description=description,
            content_type=content_type,
            polls_left=self.processing_polls if processes and self.processing_seconds is None else 0,
            url=f"{self.url}/system/media/{media_id}/{filename}",
            ready_at=request.at + (self.processing_seconds or 0) if processes else 0.0,
        )
        with self.lock:
            self._state.media[media_id] = media
        return (202 if processes else 200), media.as_json(self.url), {}

    def _get_media(self, request, media_id):
        if not self._token_valid(request):
            return 401, INVALID_TOKEN, {}
        with self.lock:
            media = self._state.media.get(media_id)
            if media is None:
                return 404, {"error": "Record not found"}, {}
            processing = not media.ready
            payload = media.as_json(self.url)
            media.polls_left -= 1
        return (206 if processing else 200), payload, {}

    def _create_status(self, request):
        token = self._token_valid(request)
        if not token:
            return 401, INVALID_TOKEN, {}
        key = request.header("Idempotency-Key")
        with self.lock:
            first = self._state.idempotency.get((token, key)) if key else None
            if first is not None:
                return 200, self._state.statuses[first], {}
        params = _params(request, lists=("media_ids",))
        error = self._status_error(params)
        if error:
            return 422, {"error": error}, {}
        if params.get("in_reply_to_id") and not self.exists(str(params["in_reply_to_id"])):
            return 404, {"error": "Record not found"}, {}
        status = self._new_status(params)
        with self.lock:
            self._state.statuses[status["id"]] = status
            if key:
                self._state.idempotency[(token, key)] = status["id"]
            self.statuses_created += 1
        return 200, status, {}

    def _status_error(self, params: dict[str, Any]) -> str | None:
        text = params.get("status", "")
        media_ids = params.get("media_ids", [])
        if not text.strip() and not media_ids:
            return "Validation failed: Text can't be blank"
        if self._status_length(text) > self.max_characters:
            return f"Validation failed: Text character limit of {self.max_characters} exceeded"
        if len(media_ids) > 4:
            return "Validation failed: Cannot attach more than 4 files"
        with self.lock:
            media = [self._state.media.get(str(i)) for i in media_ids]
        if any(m is None for m in media):
            return "Validation failed: Media attachment not found"
        if any(not m.ready for m in media if m is not None):
            return "Cannot attach files that have not finished processing. Try again in a moment!"
        return None

    def _new_status(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            media = [self._state.media[str(i)].as_json(self.url) for i in params.get("media_ids", [])]
        status = self._status(
            self._account(),
            params.get("status", ""),
            in_reply_to_id=params.get("in_reply_to_id") or None,
            visibility=params.get("visibility", "public"),
        )
        status.update(language=params.get("language"), spoiler_text=params.get("spoiler_text", ""))
        status["media_attachments"] = media
        return status

    def _status(
        self,
        author: dict[str, Any],
        text: str,
        *,
        in_reply_to_id: str | None = None,
        created_at: datetime | None = None,
        visibility: str = "public",
    ) -> dict[str, Any]:
        status_id = self.next_id()
        with self.lock:
            parent = self._state.statuses.get(in_reply_to_id or "")
        return {
            "id": status_id,
            "created_at": _now_iso(created_at),
            "edited_at": None,
            "in_reply_to_id": in_reply_to_id,
            "in_reply_to_account_id": parent["account"]["id"] if parent else None,
            "content": mastodon_html(text, self.url),
            "text": text,  # kept for the tests' assertions (Mastodon returns it only on delete)
            "visibility": visibility,
            "language": None,
            "spoiler_text": "",
            "uri": f"{self.url}/users/{author['username']}/statuses/{status_id}",
            "url": f"{author['url']}/{status_id}",
            "account": author,
            "media_attachments": [],
            "mentions": [],
        }

    def _notifications(self, request):
        token = self._token_valid(request)
        if not token:
            return 401, INVALID_TOKEN, {}
        if not self._may(token, "read:notifications"):
            return 403, {"error": "This action is outside the authorized scopes"}, {}
        query = parse_qs(request.path.partition("?")[2])
        types = set(query.get("types[]", [])) or None
        excluded = set(query.get("exclude_types[]", []))
        limit = min(int((query.get("limit") or ["40"])[0]), 80)
        with self.lock:
            items = [
                n
                for n in self._state.notifications
                if (types is None or n["type"] in types) and n["type"] not in excluded
            ]
        page = _page(items, query, limit)
        return 200, page, self._link(page, query)

    def _search(self, request):
        """GET /api/v2/search: statuses need a signed-in account with read:search (Mastodon
        searches statuses only for a user); every word must appear, newest first, paged by id."""
        token = self._token_valid(request)
        if not token:
            return 401, INVALID_TOKEN, {}
        if not self._may(token, "read:search"):
            return 403, {"error": "This action is outside the authorized scopes"}, {}
        query = parse_qs(request.path.partition("?")[2])
        words = _WORD.findall((query.get("q") or [""])[0].casefold())
        kinds = set(query.get("type") or ["accounts", "hashtags", "statuses"])
        found = self._public(lambda s: bool(words) and set(words) <= set(_WORD.findall(s["text"].casefold())))
        statuses = _page(found, query, _limit(query)) if "statuses" in kinds else []
        return 200, {"accounts": [], "statuses": statuses, "hashtags": []}, {}

    def _tag_timeline(self, request, tag: str):
        """GET /api/v1/timelines/tag/:hashtag (public): statuses holding #tag or one of any[]."""
        query = parse_qs(request.path.partition("?")[2])
        tags = {t.casefold().lstrip("#") for t in [tag, *query.get("any[]", [])]}
        found = self._public(lambda s: bool(tags & {m.casefold() for m in _HASHTAG.findall(s["text"])}))
        return 200, _page(found, query, _limit(query)), {}

    def _public(self, keep) -> list[dict[str, Any]]:
        with self.lock:
            return [s for s in self._state.statuses.values() if s["visibility"] == "public" and keep(s)]

    def _link(self, page: list[dict[str, Any]], query: dict[str, list[str]]) -> dict[str, str]:
        if not page:
            return {}
        kept = [(k, v) for k, values in query.items() if k not in ("max_id", "min_id", "since_id") for v in values]
        base = f"{self.url}/api/v1/notifications"
        after = urlencode([*kept, ("max_id", page[-1]["id"])])
        before = urlencode([*kept, ("min_id", page[0]["id"])])
        return {"Link": f'<{base}?{after}>; rel="next", <{base}?{before}>; rel="prev"'}

    def _context(self, request, status_id):
        with self.lock:
            statuses = dict(self._state.statuses)
        if status_id not in statuses:
            return 404, {"error": "Record not found"}, {}
        ancestors, parent = [], statuses[status_id].get("in_reply_to_id")
        while parent in statuses:
            ancestors.insert(0, statuses[parent])
            parent = statuses[parent].get("in_reply_to_id")
        return 200, {"ancestors": ancestors, "descendants": _descendants(statuses, status_id)}, {}

    def _delete_status(self, request, status_id):
        if not self._token_valid(request):
            return 401, INVALID_TOKEN, {}
        with self.lock:
            status = self._state.statuses.get(status_id)
        if status is None:
            return 404, {"error": "Record not found"}, {}
        if status["account"]["id"] != self._account()["id"]:
            return 403, {"error": "This action is not allowed"}, {}
        self.delete(status_id)
        return 200, status, {}

    def _get_status(self, request, status_id):
        with self.lock:
            status = self._state.statuses.get(status_id)
            counts = self.counts.get(status_id, {"replies_count": 0, "reblogs_count": 0, "favourites_count": 0})
            renamed = dict(self.renamed_fields)
        if not status:
            return 404, {"error": "Record not found"}, {}
        return 200, {**status, **{renamed.get(name, name): value for name, value in counts.items()}}, {}


def _params(request: LoggedRequest, lists: tuple[str, ...] = ()) -> dict[str, Any]:
    """Form or JSON parameters, as Mastodon (Rails) accepts both; `name[]` keys become lists."""
    content_type = request.header("Content-Type") or ""
    if "json" in content_type:
        return dict(request.json)
    params: dict[str, Any] = {}
    for key, values in parse_qs(request.body.decode()).items():
        name = key.removesuffix("[]")
        params[name] = values if name in lists or key.endswith("[]") else values[0]
    return params


def _now_iso(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _page(items: list[dict[str, Any]], query: dict[str, list[str]], limit: int) -> list[dict[str, Any]]:
    """Mastodon's paging: max_id (older than), since_id (newer than, newest first), min_id
    (the ones immediately newer), always answered newest first."""

    def number(name: str) -> int | None:
        values = query.get(name) or [""]
        return int(values[0]) if values[0] else None

    max_id, since_id, min_id = number("max_id"), number("since_id"), number("min_id")
    chosen = [n for n in items if (max_id is None or int(n["id"]) < max_id)]
    if min_id is not None:
        return sorted([n for n in chosen if int(n["id"]) > min_id], key=lambda n: int(n["id"]))[:limit][::-1]
    chosen = [n for n in chosen if since_id is None or int(n["id"]) > since_id]
    return sorted(chosen, key=lambda n: int(n["id"]), reverse=True)[:limit]


def _limit(query: dict[str, list[str]]) -> int:
    """Search and timelines: 20 by default, at most 40."""
    return min(int((query.get("limit") or ["20"])[0]), 40)


def _descendants(statuses: dict[str, dict[str, Any]], root: str) -> list[dict[str, Any]]:
    found = []
    for status in sorted(statuses.values(), key=lambda s: int(s["id"])):
        if status.get("in_reply_to_id") == root:
            found += [status, *_descendants(statuses, status["id"])]
    return found


_WORD = re.compile(r"\w+")  # the search's tokens: whole words, as Mastodon's index splits them
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
_LINK = re.compile(r"https?://[^\s<]+")
_MENTION = re.compile(r"(?<![\w@])@(\w+)(?:@([\w.-]+\w(?::\d+)?))?")


def mastodon_html(text: str, base: str) -> str:
    """A status's `content` as Mastodon's TextFormatter makes it from what was typed: escaped,
    paragraphs on blank lines, <br /> on line breaks, URLs and mentions linked."""

    def linked(paragraph: str) -> str:
        out, last = [], 0
        for match in re.finditer(rf"{_LINK.pattern}|{_MENTION.pattern}", paragraph):
            out.append(html.escape(paragraph[last : match.start()]))
            token = match.group(0)
            if token.startswith("@"):
                out.append(
                    f'<span class="h-card" translate="no"><a href="{base}/@{match.group(1)}" '
                    f'class="u-url mention">@<span>{html.escape(match.group(1))}</span></a></span>'
                )
            else:
                scheme, _sep, rest = token.partition("://")
                out.append(
                    f'<a href="{html.escape(token)}" target="_blank" rel="nofollow noopener noreferrer" translate="no">'
                    f'<span class="invisible">{scheme}://</span><span class="ellipsis">{html.escape(rest[:30])}</span>'
                    f'<span class="invisible">{html.escape(rest[30:])}</span></a>'
                )
            last = match.end()
        out.append(html.escape(paragraph[last:]))
        return "".join(out).replace("\n", "<br />")

    paragraphs = re.split(r"\n\n+", text.strip())
    return "".join(f"<p>{linked(paragraph)}</p>" for paragraph in paragraphs if paragraph)
