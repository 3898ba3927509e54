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

Conversations need a bot in the webhook's channel (its token given when connecting; without it
nothing is read, and the account's page says so): a webhook can post but not read or reply.
`GET /channels/{id}/messages?after=<snowflake>&limit=100` gives the 100 messages right after the
cursor (newest first); the cursor is the newest id stored, and the first read starts at the
snowflake of the backfill date (ids are milliseconds since 2015 shifted left 22 bits). Reading the
message content needs the bot's privileged MESSAGE_CONTENT intent, switched on in the developer
portal. A reply is a bot message with `message_reference`, sent with the reply's key as `nonce`
and `enforce_nonce` (a repeat within minutes answers the first message); deleting someone's
message needs Manage Messages. Discord has no way to hide a message. 429s say how long to wait
in `retry_after` and X-RateLimit-Reset-After.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
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
    Capability,
    ConnectError,
    Connection,
    ErrorKind,
    Limits,
    MediaFile,
    PublishError,
    PublishResult,
)
from networks.budget import CALLS, POSTS, Rate
from networks.capabilities.conversations import (
    Author,
    InboundMessage,
    MalformedPage,
    MessageAction,
    MessageKind,
    MessagePage,
    web_address,
)
from networks.http_adapter import HttpAdapter, ReadWording, Wording, read_error

NAME = "Discord"
DISCORD_HOSTS = {"discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com"}
WEBHOOK_PATH = re.compile(r"/api(?:/v\d+)?/webhooks/(\d+)/([\w-]+)/?$")
DISCORD_EPOCH_MS = 1420070400000
PAGE_SIZE = 100  # the most GET /channels/{id}/messages gives
THREAD_PAGES = 10  # a thread is looked for in at most this many pages after its first message
NONCE_LENGTH = 25  # Discord's limit on a nonce
NO_BOT_WAIT = 3600.0  # an account without a bot is asked again hourly (no call leaves meanwhile)
CHAT_TYPES = {0, 19}  # a plain message and a reply; the others are joins, pins, boosts...
READING_MESSAGES = ReadWording(
    refused=gettext_lazy(
        "Discord refused to let the bot read the channel (%(reason)s): check it is in the channel with "
        "Read Message History, then reconnect the account."
    ),
    throttled=gettext_lazy("Discord asks to slow down; the messages will be read after its limit resets."),
    unreachable=gettext_lazy("Discord could not be reached; the messages will be read again later."),
    failed=gettext_lazy("Discord answered error %(status)d; the messages will be read again later."),
)


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
    bot_token = forms.CharField(
        label=gettext_lazy("Bot token (to answer in the inbox)"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy(
            "Optional. A webhook can only post: to read the channel and reply from the inbox, add a bot to the "
            "server (Developer Portal › Bot, with the Message Content intent) and paste its token."
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
    # Discord's limits (discord.com/developers/docs/topics/rate-limits): a webhook takes 5 requests
    # per 2 seconds and a channel 30 messages a minute (both counted on what posts); the bot that
    # reads the channel has its own 50 requests a second.
    rates = (Rate(CALLS, 50, 1), Rate(POSTS, 5, 2), Rate(POSTS, 30, 60))
    limits = Limits(
        max_chars=2000,
        max_media=10,
        # Webhook uploads share the channel's limit: 10 MiB without server boosts.
        images=ImageLimits(
            Fit(types=frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"}), max_bytes=10 * 1024 * 1024)
        ),
        alt_text_max=1024,
    )
    capabilities = frozenset({Capability.PUBLISH, Capability.CONVERSATIONS})
    message_actions = frozenset({MessageAction.REPLY, MessageAction.DELETE, MessageAction.DELETE_OWN})
    actions_not_offered = {
        MessageAction.HIDE: gettext_lazy(
            "Discord cannot hide a message: delete it (the bot needs Manage Messages) or time its author out."
        ),
    }
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
        return response.status_code in (401, 403, 404)  # 404: the webhook (or the bot's channel) is gone

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
        config = {
            "webhook_id": webhook_id,
            "channel_id": str(webhook.get("channel_id") or ""),
            "guild_id": str(webhook.get("guild_id") or ""),
        }
        credentials = {"webhook_token": token}
        bot_token = (data.get("bot_token") or "").strip()
        if bot_token:
            config["bot_id"] = cls._check_bot(bot_token, config["channel_id"])
            credentials["bot_token"] = bot_token
        return Connection(
            display_name=webhook.get("name") or _("Discord webhook"),
            handle=webhook_id,
            avatar_url=_avatar(webhook),
            credentials=credentials,
            config=config,
        )

    @classmethod
    def _check_bot(cls, token: str, channel_id: str) -> str:
        """The bot's id, once it is known to see the webhook's channel."""
        headers = {"Authorization": f"Bot {token}"}
        me = cls.send_connecting("GET", f"{settings.DISCORD_API_URL}/users/@me", headers=headers)
        channel = cls.send_connecting("GET", f"{settings.DISCORD_API_URL}/channels/{channel_id}", headers=headers)
        if me.status_code != 200 or channel.status_code != 200:
            words = remote.short(remote.json_of(me if me.status_code != 200 else channel).get("message"))
            raise ConnectError(
                _("Discord refused this bot token, or the bot cannot see the webhook's channel (%(reason)s).")
                % {"reason": words or channel.status_code},
                field="bot_token",
            )
        return str(remote.json_of(me).get("id") or "")

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

    # --- conversations ----------------------------------------------------------------------------
    def read_messages(self, *, cursor: str, since: datetime) -> MessagePage:
        after = cursor if cursor.isdigit() else snowflake_at(since)
        page = self._channel_page({"after": after, "limit": str(PAGE_SIZE)})
        newest = max((int(m["id"]) for m in page), default=int(after))
        messages = tuple(m for m in (self._message(raw) for raw in page if raw.get("type") in CHAT_TYPES) if not m.ours)
        return MessagePage(messages, str(newest), more=len(page) >= PAGE_SIZE)

    def read_thread(self, *, root_id: str) -> list[InboundMessage]:
        """The messages after `root_id` whose replies lead back to it (Discord has no threads of
        replies to ask for: the channel is read forward from the root, a few pages at most)."""
        answers: dict[str, str] = {}
        found: list[InboundMessage] = []
        after = root_id
        for _page in range(THREAD_PAGES):
            page = sorted(self._channel_page({"after": after, "limit": str(PAGE_SIZE)}), key=lambda m: int(m["id"]))
            for raw in page:
                parent = str((raw.get("message_reference") or {}).get("message_id") or "")
                if parent and (parent == root_id or parent in answers):
                    answers[str(raw["id"])] = parent
                    found.append(self._message(raw))
            if len(page) < PAGE_SIZE:
                break
            after = str(page[-1]["id"])
        return found

    def reply(self, *, to: str, text: str, key: str) -> PublishResult:
        channel = self.account.config["channel_id"]
        payload = {
            "content": text,
            "message_reference": {"message_id": to, "channel_id": channel, "fail_if_not_exists": False},
            "allowed_mentions": {"parse": [], "replied_user": True},
            "nonce": key[:NONCE_LENGTH],
            "enforce_nonce": True,
        }
        response = self._bot_call("POST", f"/channels/{channel}/messages", publishing=True, json=payload)
        message = remote.json_of(response)
        return PublishResult(remote_id=str(message["id"]), url=self._message_url(message))

    def delete_message(self, *, remote_id: str, ours: bool) -> None:
        channel = self.account.config["channel_id"]
        self._bot_call("DELETE", f"/channels/{channel}/messages/{remote_id}", answers=(404,))

    def _channel_page(self, query: dict[str, str]) -> list[dict[str, Any]]:
        """One page of the channel; a failure in words about reading."""
        url = f"{settings.DISCORD_API_URL}/channels/{self.account.config['channel_id']}/messages"
        headers = self._bot_headers()
        try:
            response = self.send("GET", url, headers=headers, params=query)
        except PublishError:
            raise read_error(READING_MESSAGES, {"reason": ""}, None) from None
        if self.failed(response):
            raise self._read_failure(response)
        try:
            page = response.json()
        except ValueError:
            raise MalformedPage(self.name, "not JSON") from None
        if not isinstance(page, list) or not all(isinstance(m, dict) and str(m.get("id", "")).isdigit() for m in page):
            raise MalformedPage(self.name, "not a list of messages")
        return page

    def _read_failure(self, response: requests.Response) -> PublishError:
        """401/403/404 (the bot lost the channel): reconnect; 429: after the wait; else later."""
        status = response.status_code
        values = {"reason": remote.short(remote.json_of(response).get("message")) or status, "status": status}
        if status in (401, 403, 404):
            return read_error(READING_MESSAGES, values, 403)
        retry_after = self.retry_after(response) if status == 429 else None
        return read_error(READING_MESSAGES, values, None if status >= 500 else status, retry_after=retry_after)

    def _message(self, raw: dict[str, Any]) -> InboundMessage:
        try:
            author = raw["author"]
            referenced = raw.get("referenced_message") or {}
            parent = str((raw.get("message_reference") or {}).get("message_id") or "")
            grandparent = str((referenced.get("message_reference") or {}).get("message_id") or "")
            return InboundMessage(
                remote_id=str(raw["id"]),
                text=str(raw.get("content") or ""),
                author=Author(
                    handle=f"@{author['username']}",
                    name=author.get("global_name") or author["username"],
                    avatar_url=_avatar(author),
                    remote_id=str(author["id"]),
                ),
                created_at=_moment(raw["timestamp"]),
                url=web_address(self._message_url(raw)),
                in_reply_to=parent,
                root_id=grandparent or parent,
                kind=MessageKind.REPLY if parent else MessageKind.MENTION,
                edited_at=_moment(raw["edited_timestamp"]) if raw.get("edited_timestamp") else None,
                ours=self._ours(raw),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise MalformedPage(self.name, f"a message without {error}") from None

    def _ours(self, raw: dict[str, Any]) -> bool:
        config = self.account.config
        return str(raw.get("webhook_id") or "") == config["webhook_id"] or (
            bool(config.get("bot_id")) and str(raw["author"]["id"]) == config["bot_id"]
        )

    def _bot_call(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.call(method, settings.DISCORD_API_URL + path, headers=self._bot_headers(), **kwargs)

    def _bot_headers(self) -> dict[str, str]:
        """The account's bot; an account connected without one is told how to add it."""
        token = self.account.credentials.get("bot_token")
        if not token:
            raise PublishError(
                reason(
                    "Discord: this account has only a webhook, which cannot read or answer the channel. "
                    "Reconnect it with a bot token to use the inbox."
                ),
                kind=ErrorKind.RETRY,
                retry_after=NO_BOT_WAIT,
            )
        return {"Authorization": f"Bot {token}"}

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


def _avatar(user: dict[str, Any]) -> str:
    """A webhook's or a user's avatar on Discord's CDN ("" when they have none)."""
    if not user.get("avatar"):
        return ""
    return f"https://cdn.discordapp.com/avatars/{user['id']}/{user['avatar']}.png"


def snowflake_at(moment: datetime) -> str:
    """The smallest id Discord could give a message made at `moment`: a cursor for a date."""
    return str(max(0, int(moment.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22)


def _moment(text: Any) -> datetime:
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
