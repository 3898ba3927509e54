"""Pinterest (API v5): a Pin with an image on one of the account's boards, connected with OAuth 2.

Facts (https://developers.pinterest.com/docs/api/v5/: oauth/token, user_account/get, boards/list,
pins/create; .../getting-started/authentication), proven against tests/networks/servers/pinterest.py:
- sign-in at www.pinterest.com/oauth/ (`response_type=code`, scopes separated by commas);
  `POST /v5/oauth/token` with HTTP Basic (the app's id and secret) answers an access token valid
  30 days (`expires_in`) and a refresh token valid a year; `grant_type=refresh_token` renews it;
- who signed in: `GET /v5/user_account` (`username`, `profile_image`); their boards:
  `GET /v5/boards` (`items`, paged by `bookmark`). Each board the person picks is an account:
  a Pin is always saved to a board;
- a Pin: `POST /v5/pins` JSON `{board_id, description (500), alt_text (500), link, media_source:
  {source_type: "image_base64", content_type, data}}` -> 201 `{"id"}`; it needs an image (JPEG
  or PNG); its page is https://www.pinterest.com/pin/<id>/;
- errors are `{"code", "message"}`: 401 (token invalid or revoked: reconnect), 429 (rate limit),
  5xx (retry), the rest refuses the Pin.
No idempotency key exists: a repeat after an unknown outcome is left to a person.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from django.utils.translation import gettext as _

from cm_platform.reasons import reason
from core.images import Fit
from core.images import Limits as ImageLimits
from networks.base import ConnectError, Connection, ErrorKind, Limits, MediaFile, PublishError, PublishResult
from networks.counting import URL
from networks.http_adapter import json_of
from networks.oauth import OAuthAdapter, OAuthClient

NAME = "Pinterest"
SCOPES = "boards:read,pins:write,user_accounts:read"
BOARD_PAGES = 20  # 100 boards a page: more than anyone pins to from a desk


class PinterestAdapter(OAuthAdapter):
    slug = "pinterest"
    name = NAME
    icon = "bi-pinterest"
    limits = Limits(
        max_chars=500,  # the Pin's description
        max_media=1,
        images=ImageLimits(Fit(types=frozenset({"image/jpeg", "image/png"}), max_bytes=20 * 1024 * 1024)),
        alt_text_max=500,
        media_required=True,
    )
    required_settings = ("PINTEREST_APP_ID", "PINTEREST_APP_SECRET")
    settings_defaults = {
        "PINTEREST_API_URL": "https://api.pinterest.com",
        "PINTEREST_AUTHORIZE_URL": "https://www.pinterest.com/oauth/",
    }
    token_basic_auth = True
    scopes = SCOPES
    token_lifetime = timedelta(days=30)

    # --- connecting -----------------------------------------------------------------------------
    @classmethod
    def authorize_endpoint(cls) -> str:
        return cls.setting("PINTEREST_AUTHORIZE_URL")

    @classmethod
    def token_endpoint(cls) -> str:
        return f"{cls.api_url()}/v5/oauth/token"

    @classmethod
    def accounts_from_tokens(cls, tokens: dict[str, Any], *, client: OAuthClient) -> list[Connection]:
        """One account per board of the person who signed in."""
        credentials, expires_at = cls.credentials_from(tokens)
        headers = {"Authorization": f"Bearer {credentials['access_token']}"}
        user = cls._connecting_get("/v5/user_account", headers)
        return [
            Connection(
                display_name=str(board.get("name") or board["id"]),
                handle=f"{user['username']}/{board['id']}",
                avatar_url=user.get("profile_image") or "",
                credentials=credentials,
                config={"board_id": str(board["id"]), "username": user["username"]},
                token_expires_at=expires_at,
            )
            for board in cls._boards(headers)
        ]

    @classmethod
    def _boards(cls, headers: dict[str, str]) -> list[dict[str, Any]]:
        boards: list[dict[str, Any]] = []
        params: dict[str, Any] = {"page_size": 100}
        for _page in range(BOARD_PAGES):
            answer = cls._connecting_get("/v5/boards", headers, params=params)
            boards += [board for board in answer.get("items") or [] if isinstance(board, dict) and board.get("id")]
            if not answer.get("bookmark"):
                break
            params["bookmark"] = answer["bookmark"]
        return boards

    @classmethod
    def _connecting_get(cls, path: str, headers: dict[str, str], **kwargs: Any) -> dict[str, Any]:
        response = cls.send_connecting("GET", cls.api_url() + path, headers=headers, **kwargs)
        if response.status_code != 200:
            raise ConnectError(
                _("%(network)s refused the connection (%(reason)s). Try again.")
                % {"network": cls.name, "reason": cls.error_words(response)}
            )
        return json_of(response)

    def refresh_credentials(self) -> dict[str, Any] | None:
        """A new 30-day access token from the refresh token (valid a year)."""
        return self.refresh_with_token()

    # --- publishing -----------------------------------------------------------------------------
    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        if not media:
            raise PublishError(
                reason("%(network)s: a post needs an image.") % {"network": NAME}, kind=ErrorKind.REJECTED
            )
        image = media[0]
        pin: dict[str, Any] = {
            "board_id": self.account.config["board_id"],
            "description": text,
            "alt_text": image.alt_text,
            "media_source": {
                "source_type": "image_base64",
                "content_type": image.content_type,
                "data": base64.b64encode(image.read()).decode(),
            },
        }
        link = URL.search(text)
        if link:
            pin["link"] = link.group(0)  # where the Pin leads
        created = json_of(self._call("POST", "/v5/pins", publishing=True, json=pin))
        return PublishResult(remote_id=str(created["id"]), url=f"https://www.pinterest.com/pin/{created['id']}/")

    def check_connection(self) -> str:
        user = json_of(self._call("GET", "/v5/user_account"))
        return f"@{user.get('username') or self.account.config['username']}"

    def _call(self, method: str, path: str, *, publishing: bool = False, **kwargs: Any):
        headers = {"Authorization": f"Bearer {self.account.credentials.get('access_token', '')}"}
        return self.call(method, self.api_url() + path, publishing=publishing, headers=headers, **kwargs)

    @classmethod
    def api_url(cls) -> str:
        return cls.setting("PINTEREST_API_URL").rstrip("/")
