"""Discord: a channel webhook (Channel settings › Integrations › Webhooks › Copy URL).

Webhook facts (https://discord.com/developers/docs/resources/webhook), proven against
tests/networks/servers/discord.py:
- `GET {DISCORD_API_URL}/webhooks/{id}/{token}` describes the webhook (name, channel, guild);
- `POST` the same URL with `?wait=true` answers the created message (its id), where without it
  Discord answers 204 and the id is lost; JSON `content` (2,000 characters), or multipart with
  `payload_json` and `files[n]` (up to 10 attachments);
- errors are `{"message", "code"}`: 10015 "Unknown Webhook" (deleted: reconnect), 50035
  "Invalid Form Body" (rejected), 429 with `retry_after` in seconds.
Mentions are disabled (`allowed_mentions.parse = []`): a scheduled post must not ping
@everyone by accident.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cm_platform.reasons import reason
from core.images import Fit
from core.images import Limits as ImageLimits
from networks import http
from networks import http_adapter as remote
from networks.base import (
    ConnectError,
    Connection,
    Limits,
    MediaFile,
    PublishResult,
)
from networks.budget import CALLS, POSTS, Rate
from networks.http_adapter import HttpAdapter, Wording

NAME = "Discord"
DISCORD_HOSTS = {"discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com"}
WEBHOOK_PATH = re.compile(r"/api(?:/v\d+)?/webhooks/(\d+)/([\w-]+)/?$")


class DiscordConnectForm(forms.Form):
    webhook_url = forms.CharField(
        label=gettext_lazy("Webhook URL"),
        max_length=300,
        widget=forms.PasswordInput(render_value=False),  # the URL holds the webhook's token
        help_text=gettext_lazy(
            "In Discord: Channel settings › Integrations › Webhooks › New webhook › Copy webhook URL "
            "(https://discord.com/api/webhooks/...)."
        ),
    )


def parse_webhook_url(url: str) -> tuple[str, str]:
    """(webhook id, token) of a Discord webhook URL; anything else is refused.

    Only Discord's hosts (or the configured API host, for tests) are accepted: the URL is
    rebuilt on DISCORD_API_URL, so a typed URL can never send our requests elsewhere.
    """
    try:
        parts = http.split_user_url(url)
    except http.UnsafeHost as error:
        raise ConnectError(error.message, field="webhook_url") from None
    allowed = DISCORD_HOSTS | {urlsplit(settings.DISCORD_API_URL).netloc}
    match = WEBHOOK_PATH.search(parts.path)
    if parts.netloc.lower() not in allowed or not match:
        raise ConnectError(
            _("This is not a Discord webhook URL (https://discord.com/api/webhooks/...)."), field="webhook_url"
        )
    return match.group(1), match.group(2)


class DiscordAdapter(HttpAdapter):
    slug = "discord"
    name = NAME
    icon = "bi-discord"
    # Discord's webhook limits: 5 requests per 2 seconds per webhook, 30 messages a minute per
    # channel (discord.com/developers/docs/topics/rate-limits).
    rates = (Rate(CALLS, 5, 2), Rate(POSTS, 30, 60))
    limits = Limits(
        max_chars=2000,
        max_media=10,
        # Webhook uploads share the channel's limit: 10 MiB without server boosts.
        images=ImageLimits(
            Fit(types=frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"}), max_bytes=10 * 1024 * 1024)
        ),
        alt_text_max=1024,
    )
    connect_form = DiscordConnectForm
    wording = Wording(
        throttled=reason("Discord asks to slow down (%(reason)s); the post will be tried again."),
        access_refused=reason(
            "Discord refused the webhook (%(reason)s): it was probably deleted; reconnect with a new one."
        ),
        temporary=reason("Discord had a problem (error %(status)d); the post will be tried again."),
        refused=reason("Discord refused the post: %(reason)s"),
    )

    @classmethod
    def access_refused(cls, response) -> bool:
        return response.status_code in (401, 403, 404)  # 404: the webhook was deleted

    @classmethod
    def retry_after(cls, response) -> float | None:
        """Discord says it in its document (`retry_after`, seconds), and in Retry-After."""
        return remote.seconds(remote.json_of(response).get("retry_after")) or super().retry_after(response)

    @classmethod
    def connect(cls, data: dict[str, Any]) -> Connection:
        webhook_id, token = parse_webhook_url(data["webhook_url"])
        response = cls.send_connecting("GET", _webhook_url(webhook_id, token))
        if response.status_code != 200:
            reason = remote.short(remote.json_of(response).get("message")) or response.status_code
            raise ConnectError(
                _("Discord does not know this webhook (%(reason)s). Copy its URL again.") % {"reason": reason},
                field="webhook_url",
            )
        webhook = remote.json_of(response)
        return Connection(
            display_name=webhook.get("name") or _("Discord webhook"),
            handle=webhook_id,
            avatar_url=_avatar(webhook),
            credentials={"webhook_token": token},
            config={
                "webhook_id": webhook_id,
                "channel_id": str(webhook.get("channel_id") or ""),
                "guild_id": str(webhook.get("guild_id") or ""),
            },
        )

    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        payload: dict[str, Any] = {"content": text, "allowed_mentions": {"parse": []}}
        if media:
            payload["attachments"] = [
                {"id": index, "filename": item.name, "description": item.alt_text} for index, item in enumerate(media)
            ]
            files = {f"files[{index}]": (item.name, item.read(), item.content_type) for index, item in enumerate(media)}
            response = self._call("POST", publishing=True, data={"payload_json": json.dumps(payload)}, files=files)
        else:
            response = self._call("POST", publishing=True, json=payload)
        message = remote.json_of(response)
        return PublishResult(remote_id=str(message["id"]), url=self._message_url(message))

    def check_connection(self) -> str:
        webhook = remote.json_of(self._call("GET"))
        return webhook.get("name") or self.account.handle

    def _message_url(self, message: dict[str, Any]) -> str:
        config = self.account.config
        channel = message.get("channel_id") or config.get("channel_id")
        return f"https://discord.com/channels/{config.get('guild_id') or '@me'}/{channel}/{message['id']}"

    def _call(self, method: str, *, publishing: bool = False, **kwargs):
        url = _webhook_url(self.account.config["webhook_id"], self.account.credentials.get("webhook_token", ""))
        params = {"wait": "true"} if method == "POST" else None
        return self.call(method, url, publishing=publishing, params=params, **kwargs)


def _webhook_url(webhook_id: str, token: str) -> str:
    return f"{settings.DISCORD_API_URL}/webhooks/{webhook_id}/{token}"


def _avatar(webhook: dict[str, Any]) -> str:
    if not webhook.get("avatar"):
        return ""
    return f"https://cdn.discordapp.com/avatars/{webhook['id']}/{webhook['avatar']}.png"
