"""Telegram: a bot posts in a channel (or group) where it is an administrator.

Bot API facts (https://core.telegram.org/bots/api), proven against tests/networks/servers/telegram.py:
- every method is `POST {TELEGRAM_API_URL}/bot<token>/<method>`; answers are
  `{"ok": true, "result": ...}` or `{"ok": false, "error_code", "description", "parameters"}`;
- text goes with `parse_mode=HTML`, so `<`, `>` and `&` of the user's text are escaped;
- limits are counted after entity parsing in UTF-16 code units: 4096 for a message, 1024 for a
  photo's caption (with media, the caption's limit is the one that counts);
- one photo: `sendPhoto`; 2 to 10: `sendMediaGroup` (the caption rides on the first item);
- 429 carries `parameters.retry_after` (seconds); 401 (token revoked) and 403 (bot removed from
  the chat) need a person to reconnect.
There is no idempotency key and no way to look a message up by a key of ours.
"""

from __future__ import annotations

import html
import json
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
from networks.budget import CALLS, POSTS, Rate
from networks.http_adapter import KINDS, HttpAdapter, Wording, filled

NAME = "Telegram"
CAPTION_LIMIT = 1024
ADMIN_STATUSES = {"administrator", "creator"}


class TelegramConnectForm(forms.Form):
    bot_token = forms.CharField(
        label=gettext_lazy("Bot token"),
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("From @BotFather: /newbot, then copy the token (123456:ABC-...)."),
    )
    chat = forms.CharField(
        label=gettext_lazy("Channel"),
        max_length=100,
        help_text=gettext_lazy(
            "The channel's public @name, or the numeric id of a private channel (-100...). "
            "Add the bot to the channel as an administrator allowed to post messages first."
        ),
    )

    def clean_chat(self) -> str:
        chat = self.cleaned_data["chat"].strip()
        if chat.startswith("https://t.me/"):
            chat = "@" + chat.removeprefix("https://t.me/").strip("/")
        if not (chat.startswith("@") or chat.lstrip("-").isdigit()):
            chat = f"@{chat}"
        return chat


def message_url(chat: dict[str, Any] | Any, message_id: int) -> str:
    """t.me/<name>/<id> for a public channel, t.me/c/<internal id>/<id> for a private one."""
    username = chat.get("username") if isinstance(chat, dict) else None
    if username:
        return f"https://t.me/{username}/{message_id}"
    chat_id = str(chat.get("id") if isinstance(chat, dict) else chat)
    return f"https://t.me/c/{chat_id.removeprefix('-100').lstrip('-')}/{message_id}"


class TelegramAdapter(HttpAdapter):
    slug = "telegram"
    name = NAME
    icon = "bi-telegram"
    # Telegram's bot limits: about 20 messages a minute in one channel or group, 30 a second in all.
    rates = (Rate(CALLS, 30, 1), Rate(POSTS, 20, 60))
    limits = Limits(
        max_chars=4096,
        counting=Counting.UTF16,
        max_media=10,
        # sendPhoto: "at most 10 MB"
        images=ImageLimits(Fit(types=frozenset({"image/jpeg", "image/png", "image/webp"}), max_bytes=10 * 1024 * 1024)),
        max_chars_with_media=CAPTION_LIMIT,  # with media, the caption's limit is the one that counts
    )
    connect_form = TelegramConnectForm
    wording = Wording(
        throttled=reason("Telegram asks to slow down (%(reason)s); the post will be tried again."),
        access_refused=reason(
            "Telegram refused the bot (%(reason)s): check the bot is still an administrator of the channel, "
            "then reconnect the account."
        ),
        temporary=reason("Telegram had a problem (%(reason)s); the post will be tried again."),
        refused=reason("Telegram refused the post: %(reason)s"),
    )

    # --- Telegram's answers: {"ok": false, "error_code", "description", "parameters"} --------------
    @classmethod
    def failed(cls, response) -> bool:
        return not (response.status_code == 200 and remote.json_of(response).get("ok"))

    @classmethod
    def status_of(cls, response) -> int:
        return int(remote.json_of(response).get("error_code") or response.status_code)

    @classmethod
    def access_refused(cls, response) -> bool:
        """401: the token was revoked; 403: the bot was removed from the chat."""
        return cls.status_of(response) in (401, 403) or "chat not found" in str(cls.error_words(response)).lower()

    @classmethod
    def error_words(cls, response) -> Any:
        return remote.short(remote.json_of(response).get("description")) or remote.unnamed_error(
            cls.status_of(response)
        )

    @classmethod
    def retry_after(cls, response) -> float | None:
        return remote.seconds((remote.json_of(response).get("parameters") or {}).get("retry_after"))

    @classmethod
    def _connecting(cls, token: str, method: str, field: str, **kwargs) -> dict[str, Any]:
        """A call made while connecting; Telegram's refusal becomes a ConnectError on `field`."""
        if not token:
            raise ConnectError(_("Telegram refused this bot token. Copy it again from @BotFather."), field="bot_token")
        response = cls.send_connecting("POST", _method_url(token, method), **kwargs)
        if not cls.failed(response):
            return remote.json_of(response)["result"]
        outcome = cls.outcome(response)
        if KINDS[outcome] == ErrorKind.RETRY:
            raise ConnectError(str(filled(getattr(cls.wording, outcome.value), cls.answer_values(response))))
        if field == "bot_token" or response.status_code == 401:
            raise ConnectError(_("Telegram refused this bot token. Copy it again from @BotFather."), field="bot_token")
        raise ConnectError(
            _("Telegram does not know this channel, or the bot is not a member of it (%(reason)s).")
            % {"reason": remote.short(remote.json_of(response).get("description")) or response.status_code},
            field="chat",
        )

    @classmethod
    def connect(cls, data: dict[str, Any]) -> Connection:
        token = data["bot_token"].strip()
        bot = cls._connecting(token, "getMe", "bot_token")
        chat = cls._connecting(token, "getChat", "chat", data={"chat_id": data["chat"]})
        member = cls._connecting(token, "getChatMember", "chat", data={"chat_id": chat["id"], "user_id": bot["id"]})
        if member.get("status") not in ADMIN_STATUSES or member.get("can_post_messages") is False:
            raise ConnectError(
                _("@%(bot)s is not an administrator allowed to post in %(chat)s. Make it one, then connect again.")
                % {"bot": bot.get("username", ""), "chat": chat.get("title") or data["chat"]},
                field="chat",
            )
        handle = f"@{chat['username']}" if chat.get("username") else str(chat["id"])
        return Connection(
            display_name=chat.get("title") or handle,
            handle=handle,
            credentials={"bot_token": token},
            config={
                "chat_id": chat["id"],
                "chat_username": chat.get("username", ""),
                "chat_type": chat.get("type", ""),
                "bot_id": bot["id"],
                "bot_username": bot.get("username", ""),
            },
        )

    # --- publishing -----------------------------------------------------------------------------
    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        caption = html.escape(text, quote=False)
        chat_id = self.account.config["chat_id"]
        if not media:
            payload = {"chat_id": chat_id, "text": caption, "parse_mode": "HTML"}
            message = self._call("sendMessage", publishing=True, data=payload)
        elif len(media) == 1:
            item = media[0]
            payload = {"chat_id": chat_id, "caption": caption, "parse_mode": "HTML"}
            files = {"photo": (item.name, item.read(), item.content_type)}
            message = self._call("sendPhoto", publishing=True, data=payload, files=files)
        else:
            message = self._send_album(chat_id, caption, media)[0]
        return PublishResult(
            remote_id=str(message["message_id"]), url=message_url(message.get("chat") or chat_id, message["message_id"])
        )

    def _send_album(self, chat_id: Any, caption: str, media: list[MediaFile]) -> list[dict[str, Any]]:
        items, files = [], {}
        for index, item in enumerate(media):
            files[f"file{index}"] = (item.name, item.read(), item.content_type)
            entry: dict[str, Any] = {"type": "photo", "media": f"attach://file{index}"}
            if index == 0 and caption:
                entry.update(caption=caption, parse_mode="HTML")
            items.append(entry)
        return self._call(
            "sendMediaGroup", publishing=True, data={"chat_id": chat_id, "media": json.dumps(items)}, files=files
        )

    def check_connection(self) -> str:
        config = self.account.config
        member = self._call("getChatMember", data={"chat_id": config["chat_id"], "user_id": config["bot_id"]})
        if member.get("status") not in ADMIN_STATUSES:
            raise PublishError(
                reason("The bot @%(bot)s is no longer an administrator of %(chat)s: make it one again.")
                % {"bot": config.get("bot_username", ""), "chat": self.account.display_name},
                kind=ErrorKind.RECONNECT,
            )
        return self.account.handle or str(config["chat_id"])

    def _call(self, method: str, *, publishing: bool = False, **kwargs) -> Any:
        """One Bot API method's `result`, or a PublishError in Telegram's own words."""
        url = _method_url(self.account.credentials.get("bot_token", ""), method)
        return remote.json_of(self.call("POST", url, publishing=publishing, **kwargs)).get("result")


def _method_url(token: str, method: str) -> str:
    """Every method is POST {TELEGRAM_API_URL}/bot<token>/<method>."""
    return f"{settings.TELEGRAM_API_URL}/bot{token}/{method}"
