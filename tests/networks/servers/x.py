"""A local X API v2 with its OAuth 2.0 authorization server, for tests.

    with XServer(client_id="cid", client_secret="csecret") as server:
        settings.X_API_URL = server.url
        settings.X_AUTHORIZE_URL = server.url + "/i/oauth2/authorize"
        server.issue_tokens()          # {"access_token", "refresh_token", ...} as after a sign-in
        server.expire(access_token)    # that access token now answers 401 (a refresh still works)
        server.revoke_all()            # every token, refresh tokens too, is refused
        server.rate_limit(reset_in=60) # 429 with x-rate-limit-reset
        server.tweets                  # posts created

OAuth: GET /i/oauth2/authorize checks client_id, redirect_uri, scope, S256 challenge and
redirects back with code and state; POST /2/oauth2/token (HTTP Basic client authentication)
checks the code verifier against the challenge, and for grant_type=refresh_token issues a new
refresh token and invalidates the one used (X rotates them). API: GET /2/users/me, POST
/2/media/upload (multipart; GIFs process: processing_info polled with GET ?command=STATUS),
POST /2/media/metadata, POST /2/tweets (280 weighted characters, duplicate text -> 403).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from networks.base import Counting
from networks.counting import count
from tests.networks.servers.local import Answer, LocalServer, LoggedRequest

UNAUTHORIZED = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
DUPLICATE = {
    "detail": "You are not allowed to create a Tweet with duplicate content.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}


class XServer(LocalServer):
    name = "x"

    def __init__(self, *, client_id: str = "x-client", client_secret: str = "x-secret") -> None:
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.user = {
            "id": "1500000000000000001",
            "name": "The Desk",
            "username": "thedesk",
            "profile_image_url": "https://pbs.twimg.com/profile_images/1/desk_normal.jpg",
        }
        self.access_tokens: dict[str, float] = {}  # token -> expiry (epoch)
        self.refresh_tokens: set[str] = set()
        self.codes: dict[str, dict[str, str]] = {}
        self.media: dict[str, dict[str, Any]] = {}
        self.tweets: list[dict[str, Any]] = []
        self.auto_approve = True

    # --- knobs --------------------------------------------------------------------------------
    def issue_tokens(self, expires_in: int = 7200) -> dict[str, Any]:
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.lock:
            self.access_tokens[access] = time.time() + expires_in
            self.refresh_tokens.add(refresh)
        return {
            "token_type": "bearer",
            "expires_in": expires_in,
            "access_token": access,
            "scope": "tweet.read tweet.write users.read media.write offline.access",
            "refresh_token": refresh,
        }

    def expire(self, access_token: str) -> None:
        with self.lock:
            self.access_tokens[access_token] = 0

    def revoke_all(self) -> None:
        with self.lock:
            self.access_tokens.clear()
            self.refresh_tokens.clear()

    def rate_limit(self, reset_in: int = 60) -> None:
        reset = str(int(time.time()) + reset_in)
        self.fail_next(
            429,
            path="/2/tweets",
            body={"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429},
            headers={"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": reset},
        )

    def error_body(self, status: int) -> Any:
        if status == 401:
            return UNAUTHORIZED
        if status == 403:
            return DUPLICATE
        if status == 400:
            return {
                "errors": [{"parameters": {"text": [""]}, "message": "Text is required"}],
                "title": "Invalid Request",
                "detail": "One or more parameters to your request was invalid.",
                "type": "https://api.twitter.com/2/problems/invalid-request",
            }
        return {
            "title": "Service Unavailable",
            "detail": "Service Unavailable",
            "type": "about:blank",
            "status": status,
        }

    # --- routing ------------------------------------------------------------------------------
    def route(self, request: LoggedRequest) -> Answer:
        routes = {
            ("GET", "/i/oauth2/authorize"): self._authorize,
            ("POST", "/2/oauth2/token"): self._token,
            ("GET", "/2/users/me"): self._me,
            ("POST", "/2/media/upload"): self._upload,
            ("GET", "/2/media/upload"): self._media_status,
            ("POST", "/2/media/metadata"): self._metadata,
            ("POST", "/2/tweets"): self._tweet,
        }
        handler = routes.get((request.method, request.route))
        if handler is None:
            return 404, {"title": "Not Found Error", "detail": "Not found", "type": "about:blank", "status": 404}, {}
        if request.route.startswith("/2/") and request.route != "/2/oauth2/token" and not self._valid(request):
            return 401, UNAUTHORIZED, {}
        return handler(request)

    def _valid(self, request: LoggedRequest) -> bool:
        with self.lock:
            return self.access_tokens.get(request.bearer, 0) > time.time()

    # --- OAuth --------------------------------------------------------------------------------
    def _authorize(self, request: LoggedRequest) -> Answer:
        query = request.query
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return (
                400,
                b"Something went wrong. You weren't able to give access to the App.",
                {"Content-Type": "text/html"},
            )
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return 400, b"PKCE S256 is required.", {"Content-Type": "text/html"}
        if "offline.access" not in query.get("scope", "").split():
            return 400, b"Missing scope", {"Content-Type": "text/html"}
        if not self.auto_approve:
            back = {"error": "access_denied", "state": query.get("state", "")}
            return 302, b"", {"Location": f"{query['redirect_uri']}?{urlencode(back)}"}
        code = secrets.token_urlsafe(16)
        with self.lock:
            self.codes[code] = {"redirect_uri": query["redirect_uri"], "challenge": query["code_challenge"]}
        back = {"state": query.get("state", ""), "code": code}
        return 302, b"", {"Location": f"{query['redirect_uri']}?{urlencode(back)}"}

    def _client_ok(self, request: LoggedRequest) -> bool:
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        return (request.header("Authorization") or "") == f"Basic {expected}"

    def _token(self, request: LoggedRequest) -> Answer:
        if not self._client_ok(request):
            return 401, {"error": "unauthorized_client", "error_description": "Missing valid authorization header"}, {}
        params = request.form
        if params.get("grant_type") == "refresh_token":
            with self.lock:
                known = params.get("refresh_token") in self.refresh_tokens
                self.refresh_tokens.discard(params.get("refresh_token", ""))  # rotation: one use only
            if not known:
                return (
                    400,
                    {"error": "invalid_request", "error_description": "Value passed for the token was invalid."},
                    {},
                )
            return 200, self.issue_tokens(), {}
        with self.lock:
            grant = self.codes.pop(params.get("code", ""), None)
        verifier = params.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if grant is None or grant["redirect_uri"] != params.get("redirect_uri") or grant["challenge"] != challenge:
            return (
                400,
                {
                    "error": "invalid_request",
                    "error_description": "Value passed for the authorization code was invalid.",
                },
                {},
            )
        return 200, self.issue_tokens(), {}

    # --- API ----------------------------------------------------------------------------------
    def _me(self, request: LoggedRequest) -> Answer:
        return 200, {"data": self.user}, {}

    def _upload(self, request: LoggedRequest) -> Answer:
        files = request.files()
        media = files.get("media")
        if media is None or not media[1].startswith("image/"):
            return 400, self.error_body(400), {}
        media_id = self.next_id()
        processing = media[1] == "image/gif"
        record = {"id": media_id, "media_key": f"3_{media_id}", "size": len(media[0]), "polls": 2 if processing else 0}
        with self.lock:
            self.media[media_id] = record
        data: dict[str, Any] = {
            "id": media_id,
            "media_key": record["media_key"],
            "size": record["size"],
            "expires_after_secs": 86400,
        }
        if processing:
            data["processing_info"] = {"state": "pending", "check_after_secs": 0}
        return 200, {"data": data}, {}

    def _media_status(self, request: LoggedRequest) -> Answer:
        with self.lock:
            record = self.media.get(request.query.get("media_id", ""))
            if record is None:
                return 400, self.error_body(400), {}
            record["polls"] -= 1
            state = "in_progress" if record["polls"] > 0 else "succeeded"
        return 200, {"data": {"id": record["id"], "processing_info": {"state": state, "check_after_secs": 0}}}, {}

    def _metadata(self, request: LoggedRequest) -> Answer:
        body = request.json
        with self.lock:
            record = self.media.get(str(body.get("id")))
            if record is None:
                return 400, self.error_body(400), {}
            record["alt_text"] = body["metadata"]["alt_text"]["text"]
        return 200, {"data": {"id": record["id"], "associated_metadata": True}}, {}

    def _tweet(self, request: LoggedRequest) -> Answer:
        body = request.json
        text = body.get("text", "")
        media_ids = (body.get("media") or {}).get("media_ids") or []
        if not text and not media_ids:
            return 400, self.error_body(400), {}
        if count(text, Counting.X_WEIGHTED) > 280:
            return (
                403,
                {
                    "detail": "Your Tweet text is too long. For more information on how X determines text length see https://github.com/twitter/twitter-text.",
                    "type": "about:blank",
                    "title": "Forbidden",
                    "status": 403,
                },
                {},
            )
        with self.lock:
            if any(t["text"] == text for t in self.tweets):
                return 403, DUPLICATE, {}
            unknown = [m for m in media_ids if m not in self.media or self.media[m]["polls"] > 0]
            if unknown:
                return 400, self.error_body(400), {}
            tweet = {
                "id": str(1800000000000000000 + len(self.tweets) + 1),
                "text": text,
                "media_ids": media_ids,
                "alt_texts": [self.media[m].get("alt_text") for m in media_ids],
            }
            self.tweets.append(tweet)
        return 201, {"data": {"id": tweet["id"], "text": text, "edit_history_tweet_ids": [tweet["id"]]}}, {}
