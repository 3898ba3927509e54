"""Threads (Meta), through the Threads API, connected with Threads' own OAuth.

Facts (https://developers.facebook.com/docs/threads), proven against tests/networks/servers/graph.py:
- authorize at threads.net/oauth/authorize (`threads_basic,threads_content_publish`); the code
  gives a short-lived token (`POST /oauth/access_token`), exchanged for a 60-day one
  (`GET /access_token?grant_type=th_exchange_token`), refreshed before it expires with
  `GET /refresh_access_token?grant_type=th_refresh_token` (once it is a day old);
- a container: `POST /{user-id}/threads` (`media_type` TEXT / IMAGE / CAROUSEL, `text`,
  `image_url`, `is_carousel_item`, `children`), status polled (`fields=status,error_message`:
  FINISHED, IN_PROGRESS, ERROR, EXPIRED), then `POST /{user-id}/threads_publish` (`creation_id`),
  the sequence Instagram shares (networks/meta/containers.py);
- 500 characters; images are downloaded by Meta from a public URL (SITE_URL), JPEG or PNG;
  a carousel has 2 to 20 items; errors are Graph error documents (networks/meta/graph.py).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.images import Fit
from core.images import Limits as ImageLimits
from networks.base import (
    Connection,
    ErrorKind,
    Limits,
    MediaFile,
    Problem,
    PublishError,
    PublishResult,
    validate_against,
)
from networks.budget import POSTS, Rate
from networks.meta import containers as meta
from networks.meta import graph
from networks.oauth import OAuthClient

NAME = "Threads"
SCOPES = "threads_basic,threads_content_publish"


def _root() -> str:
    """The API host without its version: the token endpoints are not versioned."""
    return re.sub(r"/v\d+(\.\d+)?$", "", settings.THREADS_API_URL)


def _long_lived(answer: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    expires_at = timezone.now() + timedelta(seconds=int(answer.get("expires_in") or 60 * 86400))
    return {"access_token": answer["access_token"], "issued_at": timezone.now().isoformat()}, expires_at


class ThreadsAdapter(meta.ContainerAdapter):
    slug = "threads"
    name = NAME
    icon = "bi-threads"
    # Threads' publishing limit: 250 posts per 24 hours per profile (threads_publishing_limit).
    rates = (Rate(POSTS, 250, 24 * 3600),)
    limits = Limits(
        max_chars=500,
        max_media=20,
        images=ImageLimits(Fit(types=frozenset({"image/jpeg", "image/png"}), max_bytes=8 * 1024 * 1024)),
    )
    required_settings = ("THREADS_APP_ID", "THREADS_APP_SECRET")
    api_url_setting = "THREADS_API_URL"
    scopes = SCOPES
    credential_key = "access_token"
    containers = meta.Containers(
        create="threads",
        publish="threads_publish",
        text="text",
        image_type="IMAGE",
        status="status",
        reason="error_message",
        refused=gettext_lazy("Threads could not use the post: %(reason)s"),
        late=gettext_lazy("Threads did not finish preparing the post in time; it will be tried again."),
    )

    @classmethod
    def authorize_endpoint(cls) -> str:
        return settings.THREADS_AUTHORIZE_URL

    @classmethod
    def token_endpoint(cls) -> str:
        return f"{_root()}/oauth/access_token"

    @classmethod
    def accounts_from_tokens(cls, tokens: dict[str, Any], *, client: OAuthClient) -> list[Connection]:
        """The short-lived token is exchanged for a 60-day one, then tells who signed in."""
        exchange = {"grant_type": "th_exchange_token", "client_secret": client.client_secret}
        long = cls.connecting(
            "GET", "/access_token", base=_root(), params={**exchange, "access_token": tokens["access_token"]}
        )
        credentials, expires_at = _long_lived(long)
        fields = {"fields": "id,username,name,threads_profile_picture_url", "access_token": credentials["access_token"]}
        me = cls.connecting("GET", "/me", params=fields)
        return [
            Connection(
                display_name=me.get("name") or f"@{me['username']}",
                handle=f"@{me['username']}",
                avatar_url=me.get("threads_profile_picture_url") or "",
                credentials=credentials,
                config={"user_id": str(me["id"]), "username": me["username"]},
                token_expires_at=expires_at,
            )
        ]

    def refresh_credentials(self) -> dict[str, Any] | None:
        """A new 60-day token; Threads refreshes only tokens at least a day old."""
        issued = self.account.credentials.get("issued_at")
        if issued and timezone.now() - datetime.fromisoformat(str(issued)) < timedelta(days=1):
            return None
        answer = self._call("GET", "/refresh_access_token", base=_root(), params={"grant_type": "th_refresh_token"})
        credentials, expires_at = _long_lived(answer)
        self.updated_credentials = {
            **self.account.credentials,
            **credentials,
            "token_expires_at": expires_at.isoformat(),
        }
        return self.updated_credentials

    def validate(self, text: str, media: list[MediaFile]) -> list[Problem]:
        problems = validate_against(self.get_limits(), self.name, text, media, self.count_text)
        site = graph.site_problem(self.name, len(media))
        return problems + ([site] if site else [])

    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        problem = graph.site_problem(self.name, len(media))
        if problem:
            raise PublishError(problem.message, kind=ErrorKind.REJECTED)
        return self.publish_containers(
            user=self.account.config["user_id"],
            text=text,
            image_urls=[item.public_url for item in media],
            profile_url=f"https://www.threads.net/@{self.account.config['username']}",
        )

    def check_connection(self) -> str:
        me = self._call("GET", "/me", params={"fields": "id,username"})
        return f"@{me.get('username') or self.account.config['username']}"
