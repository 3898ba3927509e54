"""A local Pinterest API v5 (and its OAuth consent page) behaving as its documentation says.

    with PinterestServer(app_id="desk-app", app_secret="desk-secret") as server:
        settings.PINTEREST_API_URL = server.url
        settings.PINTEREST_AUTHORIZE_URL = f"{server.url}/oauth/"
        server.issue_tokens()   # {"access_token", "refresh_token", ...} as after a sign-in
        server.revoke_all()     # every token is refused (401), refresh tokens too
        server.rate_limit()     # the next Pin is refused with 429
        server.pins             # the Pins created, with their decoded image

OAuth (https://developers.pinterest.com/docs/getting-started/authentication/): GET /oauth/
checks client_id, response_type=code, redirect_uri and that the scopes (comma separated) include
pins:write and boards:read, and redirects back with code and state; POST /v5/oauth/token checks
HTTP Basic client authentication, then grant_type=authorization_code (code and redirect_uri) or
refresh_token. API: GET /v5/user_account; GET /v5/boards (items, page_size, bookmark); POST
/v5/pins (board_id of the user, media_source image_base64 whose bytes are an image of the
declared content type, description at most 500 characters) -> 201. Errors are {"code", "message"}.
"""

from __future__ import annotations

import base64
import binascii
import io
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from PIL import Image, UnidentifiedImageError

from tests.networks.servers.local import Answer, LocalServer, LoggedRequest

UNAUTHORIZED = {"code": 2, "message": "Authentication failed."}
RATE_LIMITED = {"code": 8, "message": "You have exceeded your rate limit. Try again later."}
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}


class PinterestServer(LocalServer):
    name = "pinterest"

    def __init__(self, *, app_id: str = "pinterest-app", app_secret: str = "pinterest-secret") -> None:
        super().__init__()
        self.app_id = app_id
        self.app_secret = app_secret
        self.user = {"account_type": "BUSINESS", "username": "deskcafe", "profile_image": "https://i.pinimg.com/d.jpg"}
        self.boards = [
            {"id": "549755885175", "name": "Recettes", "privacy": "PUBLIC"},
            {"id": "549755885176", "name": "Nouveautés", "privacy": "PUBLIC"},
        ]
        self.access_tokens: dict[str, float] = {}  # token -> expiry (epoch)
        self.refresh_tokens: set[str] = set()
        self.codes: dict[str, str] = {}  # code -> redirect_uri
        self.pins: list[dict[str, Any]] = []

    # --- knobs --------------------------------------------------------------------------------
    def issue_tokens(self) -> dict[str, Any]:
        access, refresh = f"pina_{secrets.token_urlsafe(32)}", f"pinr_{secrets.token_urlsafe(32)}"
        with self.lock:
            self.access_tokens[access] = time.time() + 2_592_000
            self.refresh_tokens.add(refresh)
        return {
            "access_token": access,
            "refresh_token": refresh,
            "response_type": "authorization_code",
            "token_type": "bearer",
            "expires_in": 2_592_000,
            "refresh_token_expires_in": 31_536_000,
            "scope": "boards:read pins:write user_accounts:read",
        }

    def revoke_all(self) -> None:
        with self.lock:
            self.access_tokens.clear()
            self.refresh_tokens.clear()

    def rate_limit(self) -> None:
        self.fail_next(429, path="/v5/pins", body=RATE_LIMITED)

    def error_body(self, status: int) -> Any:
        if status == 401:
            return UNAUTHORIZED
        if status == 429:
            return RATE_LIMITED
        if status >= 500:
            return {"code": 0, "message": "Unknown error."}
        return {"code": 1, "message": "Invalid parameters."}

    # --- routing ------------------------------------------------------------------------------
    def route(self, request: LoggedRequest) -> Answer:
        routes = {
            ("GET", "/oauth/"): self._authorize,
            ("POST", "/v5/oauth/token"): self._token,
            ("GET", "/v5/user_account"): self._user_account,
            ("GET", "/v5/boards"): self._boards,
            ("POST", "/v5/pins"): self._create_pin,
        }
        handler = routes.get((request.method, request.route))
        if handler is None:
            return 404, {"code": 3, "message": "Not found."}, {}
        if request.route.startswith("/v5/") and request.route != "/v5/oauth/token" and not self._valid(request):
            return 401, UNAUTHORIZED, {}
        return handler(request)

    def _valid(self, request: LoggedRequest) -> bool:
        with self.lock:
            return self.access_tokens.get(request.bearer, 0) > time.time()

    # --- OAuth --------------------------------------------------------------------------------
    def _authorize(self, request: LoggedRequest) -> Answer:
        query = request.query
        scopes = set(query.get("scope", "").split(","))
        if query.get("client_id") != self.app_id or query.get("response_type") != "code":
            return 400, b"Invalid client_id or response_type.", {"Content-Type": "text/html"}
        if not {"boards:read", "pins:write"} <= scopes:
            return 400, b"Invalid scope.", {"Content-Type": "text/html"}
        code = secrets.token_urlsafe(16)
        with self.lock:
            self.codes[code] = query["redirect_uri"]
        back = {"code": code, "state": query.get("state", "")}
        return 302, b"", {"Location": f"{query['redirect_uri']}?{urlencode(back)}"}

    def _token(self, request: LoggedRequest) -> Answer:
        expected = base64.b64encode(f"{self.app_id}:{self.app_secret}".encode()).decode()
        if request.header("Authorization") != f"Basic {expected}":
            return 401, {"code": 2, "message": "Authentication failed."}, {}
        form = request.form
        with self.lock:
            if form.get("grant_type") == "refresh_token":
                known = form.get("refresh_token") in self.refresh_tokens
            else:
                known = form.get("grant_type") == "authorization_code" and self.codes.pop(
                    form.get("code", ""), None
                ) == form.get("redirect_uri")
        if not known:
            return 400, {"code": 1, "message": "Invalid authorization code or refresh token."}, {}
        tokens = self.issue_tokens()
        if form.get("grant_type") == "refresh_token":
            tokens.pop("refresh_token")  # a refresh answers a new access token only
            tokens["response_type"] = "refresh_token"
        return 200, tokens, {}

    # --- API ----------------------------------------------------------------------------------
    def _user_account(self, request: LoggedRequest) -> Answer:
        return 200, self.user, {}

    def _boards(self, request: LoggedRequest) -> Answer:
        size = min(int(request.query.get("page_size") or 25), 250)
        start = int(request.query.get("bookmark") or 0)
        page = self.boards[start : start + size]
        more = start + size < len(self.boards)
        return 200, {"items": page, "bookmark": str(start + size) if more else None}, {}

    def _create_pin(self, request: LoggedRequest) -> Answer:
        pin = request.json
        source = pin.get("media_source") or {}
        if pin.get("board_id") not in {board["id"] for board in self.boards}:
            return 404, {"code": 40, "message": "Board not found."}, {}
        if len(pin.get("description") or "") > 500:
            return 400, {"code": 1, "message": "Invalid parameters: description is too long."}, {}
        image = self._image(source)
        if image is None:
            return 400, {"code": 1, "message": "Invalid parameters: media_source."}, {}
        pin_id = self.next_id()
        with self.lock:
            self.pins.append({**pin, "id": pin_id, "image": image})
        answer = {key: pin.get(key) for key in ("board_id", "description", "alt_text", "link")}
        return 201, {"id": pin_id, "created_at": "2026-12-02T10:00:00", "media": {"media_type": "image"}, **answer}, {}

    @staticmethod
    def _image(source: dict[str, Any]) -> tuple[str, tuple[int, int]] | None:
        """(format, size) of an image_base64 source whose bytes are what it declares, else None."""
        if source.get("source_type") != "image_base64" or source.get("content_type") not in IMAGE_FORMATS:
            return None
        try:
            with Image.open(io.BytesIO(base64.b64decode(source.get("data") or "", validate=True))) as image:
                found = (image.format or "", image.size)
        except (binascii.Error, UnidentifiedImageError, ValueError):
            return None
        return found if found[0] == IMAGE_FORMATS[source["content_type"]] else None
