"""X (formerly Twitter), API v2, connected with OAuth 2.0 (authorization code + PKCE S256).

Facts (https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/authorization-code,
https://docs.x.com/x-api/posts/creation-of-a-post, media upload v2), proven against
tests/networks/servers/x.py:
- scopes `tweet.read tweet.write users.read media.write offline.access`; the token endpoint
  (`POST /2/oauth2/token`, HTTP Basic with our client id and secret) answers an access token
  valid 2 hours and a refresh token; every refresh answers a NEW refresh token and the old one
  stops working, so each new one is stored at once (`updated_credentials`);
- images: `POST /2/media/upload` (multipart `media`, `media_category=tweet_image`) -> media id;
  `processing_info` is polled when present;
- the post: `POST /2/tweets {"text", "media": {"media_ids": [...]}}` -> 201 `{"data": {"id"}}`;
- errors are problem documents `{"title", "detail", "type", "status"}`: 401 (token expired or
  revoked: refresh once, then reconnect), 403 "duplicate content" (rejected, never retried),
  429 with `x-rate-limit-reset` (epoch seconds).
Text counts 280 by twitter-text's weights (URLs 23, CJK and emoji 2): Counting.X_WEIGHTED.
No idempotency key exists: a repeat after an unknown outcome is left to a person.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from cm_platform.reasons import reason
from core.images import Fit
from core.images import Limits as ImageLimits
from networks import http_adapter as remote
from networks.base import (
    ConnectError,
    Connection,
    Counting,
    ErrorKind,
    Limits,
    MediaFile,
    PublishError,
    PublishResult,
)
from networks.budget import MONTH, POSTS, READS, Rate
from networks.http_adapter import Outcome, Wording
from networks.oauth import OAuthAdapter, OAuthClient

NAME = "X"
SCOPES = "tweet.read tweet.write users.read media.write offline.access"
# Refresh a little before the access token expires, so a post never goes out on a dead token.
EXPIRY_MARGIN = timedelta(minutes=5)
# Beat renews tokens this long before they expire (it runs every TOKEN_REFRESH_INTERVAL).
REFRESH_AHEAD = timedelta(minutes=20)


def _tokens_from(answer: dict[str, Any]) -> dict[str, Any]:
    expires = timezone.now() + timedelta(seconds=int(answer.get("expires_in") or 7200))
    return {
        "access_token": answer["access_token"],
        "refresh_token": answer.get("refresh_token", ""),
        "access_expires_at": expires.isoformat(),
    }


class XAdapter(OAuthAdapter):
    slug = "x"
    name = NAME
    icon = "bi-twitter-x"
    # X API v2: POST /2/tweets 100 per 15 minutes per user and 10,000 per 24 hours per app; reads
    # are billed, so they take from the monthly budget the brand sets (get_rates).
    bills_reads = True
    rates = (Rate(POSTS, 100, 15 * 60), Rate(POSTS, 10_000, 24 * 3600, app_wide=True))
    limits = Limits(
        max_chars=280,
        counting=Counting.X_WEIGHTED,
        url_weight=23,
        max_media=4,
        images=ImageLimits(Fit(types=frozenset({"image/jpeg", "image/png", "image/webp"}), max_bytes=5 * 1024 * 1024)),
        alt_text_max=1000,
    )
    required_settings = ("X_CLIENT_ID", "X_CLIENT_SECRET")
    wording = Wording(
        throttled=reason("X asks to slow down (%(reason)s); the post will be tried again."),
        access_refused=reason("X refused the account's access (%(reason)s): reconnect the account."),
        temporary=reason("X had a problem (error %(status)d); the post will be tried again."),
        refused=reason("X refused the post: %(reason)s"),
    )
    scopes = SCOPES
    oauth_pkce = True
    token_basic_auth = True
    poll_interval = 1.0
    poll_timeout = 60.0

    # --- connecting -----------------------------------------------------------------------------
    @classmethod
    def authorize_endpoint(cls) -> str:
        return settings.X_AUTHORIZE_URL

    @classmethod
    def token_endpoint(cls) -> str:
        return f"{settings.X_API_URL}/2/oauth2/token"

    @classmethod
    def accounts_from_tokens(cls, tokens: dict[str, Any], *, client: OAuthClient) -> list[Connection]:
        credentials = _tokens_from(tokens)
        me = cls.send_connecting(
            "GET",
            f"{settings.X_API_URL}/2/users/me",
            params={"user.fields": "profile_image_url"},
            headers={"Authorization": f"Bearer {credentials['access_token']}"},
        )
        if me.status_code != 200:
            raise ConnectError(
                _("X did not tell which account signed in (%(reason)s).") % {"reason": cls.error_words(me)}
            )
        user = remote.json_of(me).get("data") or {}
        return [
            Connection(
                display_name=user.get("name") or user["username"],
                handle=f"@{user['username']}",
                avatar_url=user.get("profile_image_url") or "",
                credentials=credentials,
                config={"user_id": str(user["id"]), "username": user["username"]},
            )
        ]

    def get_rates(self) -> tuple[Rate, ...]:
        """Reads (mentions, search, metrics) are billed per call: the brand sets how many a month
        (NetworkAccount.monthly_read_budget; 0, the default, turns them off)."""
        return (*super().get_rates(), Rate(READS, self.account.monthly_read_budget, MONTH))

    # --- publishing -----------------------------------------------------------------------------
    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        media_ids = [self._upload(item) for item in media]
        payload: dict[str, Any] = {"text": text}
        if media_ids:
            payload["media"] = {"media_ids": media_ids}
        response = self._call("POST", "/2/tweets", publishing=True, json=payload)
        tweet_id = str(remote.json_of(response)["data"]["id"])
        return PublishResult(
            remote_id=tweet_id, url=f"https://x.com/{self.account.config['username']}/status/{tweet_id}"
        )

    def check_connection(self) -> str:
        user = remote.json_of(self._call("GET", "/2/users/me")).get("data") or {}
        return f"@{user.get('username') or self.account.config['username']}"

    @classmethod
    def refresh_due(cls, account) -> bool:
        """The access token lives 2 hours: renew it shortly before, so posts never wait for it
        and the refresh token keeps being used (X does not document how long an idle one lives)."""
        expires = account.credentials.get("access_expires_at")
        return bool(expires) and datetime.fromisoformat(str(expires)) <= timezone.now() + REFRESH_AHEAD

    def refresh_credentials(self) -> dict[str, Any] | None:
        self._refresh()
        return self.updated_credentials

    def _upload(self, item: MediaFile) -> str:
        files = {"media": (item.name, item.read(), item.content_type)}
        response = self._call("POST", "/2/media/upload", files=files, data={"media_category": "tweet_image"})
        media = remote.json_of(response).get("data") or {}
        self._wait_for_processing(str(media["id"]), media.get("processing_info"), item.name)
        if item.alt_text:
            self._call(
                "POST",
                "/2/media/metadata",
                json={"id": str(media["id"]), "metadata": {"alt_text": {"text": item.alt_text}}},
            )
        return str(media["id"])

    def _wait_for_processing(self, media_id: str, info: dict[str, Any] | None, name: str) -> None:
        deadline = time.monotonic() + self.poll_timeout
        while info and info.get("state") in ("pending", "in_progress"):
            if time.monotonic() > deadline:
                raise PublishError(
                    reason("X is still processing %(name)s; the post will be tried again.") % {"name": name},
                    kind=ErrorKind.RETRY,
                    retry_after=60,
                )
            time.sleep(min(float(info.get("check_after_secs") or self.poll_interval), self.poll_interval))
            status = self._call("GET", "/2/media/upload", params={"command": "STATUS", "media_id": media_id})
            info = (remote.json_of(status).get("data") or {}).get("processing_info")
        if info and info.get("state") == "failed":
            words = remote.short((info.get("error") or {}).get("message")) or name
            raise PublishError(
                reason("X could not process %(name)s: %(reason)s") % {"name": name, "reason": words},
                kind=ErrorKind.REJECTED,
            )

    # --- tokens ---------------------------------------------------------------------------------
    @property
    def credentials(self) -> dict[str, Any]:
        return self.updated_credentials or self.account.credentials

    def _access_expired(self) -> bool:
        expires = self.credentials.get("access_expires_at")
        return bool(expires) and datetime.fromisoformat(str(expires)) - EXPIRY_MARGIN <= timezone.now()

    def _refresh(self) -> None:
        """Trade the refresh token for new tokens; X rotates the refresh token each time."""
        fields = {"grant_type": "refresh_token", "refresh_token": self.credentials.get("refresh_token", "")}
        client = self.oauth_client(start={}, redirect_uri="")
        response = self.send("POST", client.token_url, **self._token_request(client, fields))
        if response.status_code != 200:
            if self.outcome(response) in (Outcome.THROTTLED, Outcome.TEMPORARY):
                raise PublishError(
                    reason("X could not renew the account's access now; the post will be tried again."),
                    kind=ErrorKind.RETRY,
                )
            raise PublishError(
                reason("X refused to renew the account's access (%(reason)s): reconnect the account.")
                % {"reason": self.error_words(response)},
                kind=ErrorKind.RECONNECT,
            )
        self.updated_credentials = {**self.credentials, **_tokens_from(remote.json_of(response))}

    # --- calls ----------------------------------------------------------------------------------
    def _call(self, method: str, path: str, *, publishing: bool = False, **kwargs):
        if self._access_expired():
            self._refresh()
        response = self._send(method, path, publishing=publishing, **kwargs)
        if response.status_code == 401:  # expired early or revoked: one refresh, then give up
            self._refresh()
            response = self._send(method, path, publishing=publishing, **kwargs)
        if self.failed(response):
            raise self.error_for(response)
        return response

    def _send(self, method: str, path: str, *, publishing: bool, **kwargs):
        headers = {"Authorization": f"Bearer {self.credentials.get('access_token', '')}"}
        return self.send(method, settings.X_API_URL + path, publishing=publishing, headers=headers, **kwargs)

    @classmethod
    def error_words(cls, response) -> Any:
        """X's own words: a problem document's detail, or the first of `errors`."""
        answer = remote.json_of(response)
        errors = answer.get("errors") or [{}]
        text = answer.get("detail") or answer.get("title") or errors[0].get("message")
        return remote.short(text or answer.get("error_description")) or remote.unnamed_error(response.status_code)

    @classmethod
    def retry_after(cls, response) -> float | None:
        return remote.seconds_until_epoch(response.headers.get("x-rate-limit-reset"))
