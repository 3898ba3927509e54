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

Conversations: a channel's comments live in its linked discussion group (`getChat` ->
`linked_chat_id`), where Telegram forwards each channel post (`is_automatic_forward`) and people
reply to that forward. The bot reads the group through `getUpdates`: the cursor is the next
`offset`, and asking with it confirms (and drops, on Telegram's side) every earlier update, so a
page is confirmed only by the read that follows its storing. Group messages are named
"<group id>:<message id>" (a channel post keeps its own id); a comment under the forward answers
the channel post, a deeper one the group message, and its thread (`message_thread_id`) is mapped
back to the channel post through the forwards the cursor remembers. The Bot API keeps no history
for bots and never shows a bot its own messages: a thread is what the pending updates hold (the
inbox stores what it sends), and only what arrived while the bot was in the group is read, for
24 hours. The bot must be an administrator of the group (to see every message and delete), and
one bot serves one channel: updates are the bot's, not the channel's. Answering is `sendMessage`
in the group with `reply_parameters`; deleting is `deleteMessage`; Telegram cannot hide one.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cm_platform.reasons import reason
from core.images import Fit
from core.images import Limits as ImageLimits
from networks import http_adapter as remote
from networks.base import (
    Capability,
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
from networks.capabilities.conversations import (
    Author,
    InboundMessage,
    MalformedPage,
    MessageAction,
    MessageKind,
    MessagePage,
)
from networks.http_adapter import KINDS, HttpAdapter, ReadWording, Wording, filled, read_error

if TYPE_CHECKING:
    from networks.models import NetworkAccount

NAME = "Telegram"
CAPTION_LIMIT = 1024
ADMIN_STATUSES = {"administrator", "creator"}
PAGE_SIZE = 100  # the most getUpdates gives
FORWARDS_KEPT = 500  # the forwards the cursor remembers (group message -> channel post)
NO_GROUP_WAIT = 3600.0  # a channel without a discussion group is asked again hourly
READING_MESSAGES = ReadWording(
    refused=gettext_lazy(
        "Telegram refused to let the bot read the discussion group (%(reason)s): check the bot is an "
        "administrator there, then reconnect the account."
    ),
    throttled=gettext_lazy("Telegram asks to slow down; the comments will be read after its limit resets."),
    unreachable=gettext_lazy("Telegram could not be reached; the comments will be read again later."),
    failed=gettext_lazy("Telegram answered error %(status)d (%(reason)s); the comments will be read again later."),
)


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
    capabilities = frozenset({Capability.PUBLISH, Capability.CONVERSATIONS})
    message_actions = frozenset({MessageAction.REPLY, MessageAction.DELETE, MessageAction.DELETE_OWN})
    actions_not_offered = {
        MessageAction.HIDE: gettext_lazy(
            "Telegram cannot hide a comment: delete it, or restrict its author in the discussion group."
        ),
    }
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
                "discussion_chat_id": chat.get("linked_chat_id"),
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

    def __init__(self, account: NetworkAccount) -> None:
        super().__init__(account)
        self._pending: list[InboundMessage] | None = None  # the pending updates read_thread saw

    # --- conversations ----------------------------------------------------------------------------
    def read_messages(self, *, cursor: str, since: datetime) -> MessagePage:
        position = _Position.load(cursor)
        group = self._discussion()
        query: dict[str, Any] = {"limit": PAGE_SIZE, "timeout": 0, "allowed_updates": '["message","edited_message"]'}
        if position.offset:
            query["offset"] = position.offset
        updates = self._updates(query)
        messages = self._messages(updates, group, position.forwards, since=since)
        offset = max((u["update_id"] + 1 for u in updates), default=position.offset)
        return MessagePage(messages, position.moved(offset), more=len(updates) >= PAGE_SIZE)

    def read_thread(self, *, root_id: str) -> list[InboundMessage]:
        """What the pending updates hold under the channel post `root_id` (getUpdates without an
        offset confirms nothing): Telegram keeps no history a bot can read."""
        if self._pending is None:  # one call per poll, whatever the number of threads asked
            group, forwards = self._discussion(), dict[str, str]()
            updates = self._updates({"limit": PAGE_SIZE, "timeout": 0})
            self._pending = list(self._messages(updates, group, forwards, since=None))
        return [m for m in self._pending if m.root_id == root_id]

    def reply(self, *, to: str, text: str, key: str) -> PublishResult:
        group, message_id = _split(to)
        if not group:
            raise PublishError(
                reason("Telegram: answer a comment in the discussion group, not the channel post itself."),
                kind=ErrorKind.REJECTED,
            )
        payload = {
            "chat_id": group,
            "text": html.escape(text, quote=False),
            "parse_mode": "HTML",
            "reply_parameters": json.dumps({"message_id": int(message_id), "allow_sending_without_reply": True}),
        }
        message = self._call("sendMessage", publishing=True, data=payload)
        return PublishResult(
            remote_id=f"{group}:{message['message_id']}",
            url=message_url(message.get("chat") or group, message["message_id"]),
        )

    def delete_message(self, *, remote_id: str, ours: bool) -> None:
        group, message_id = _split(remote_id)
        if not group:
            raise MalformedPage(self.name, "not a message of the discussion group")
        self._call("deleteMessage", data={"chat_id": group, "message_id": message_id})

    def _discussion(self) -> str:
        """The linked discussion group's id (asked once for accounts connected before it was kept)."""
        group = self.account.config.get("discussion_chat_id")
        if not group:
            group = (self._read("getChat", {"chat_id": self.account.config["chat_id"]}) or {}).get("linked_chat_id")
        if not group:
            raise PublishError(
                reason(
                    "Telegram: this channel has no discussion group, so it has no comments to read. "
                    "Link one in the channel's settings (Discussion) and make the bot an administrator there."
                ),
                kind=ErrorKind.RETRY,
                retry_after=NO_GROUP_WAIT,
            )
        return str(group)

    def _updates(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        updates = self._read("getUpdates", query)
        if not isinstance(updates, list) or not all(
            isinstance(u, dict) and isinstance(u.get("update_id"), int) for u in updates
        ):
            raise MalformedPage(self.name, "not a list of updates")
        return updates

    def _messages(
        self, updates: list[dict[str, Any]], group: str, forwards: dict[str, str], *, since: datetime | None
    ) -> tuple[InboundMessage, ...]:
        found = []
        for update in updates:
            raw = update.get("message") or update.get("edited_message")
            if not isinstance(raw, dict) or str((raw.get("chat") or {}).get("id")) != group:
                continue  # another chat of the bot's, or an update of another kind
            if raw.get("is_automatic_forward"):
                forwards[str(raw.get("message_id"))] = _channel_post(raw)
                continue
            message = self._message(raw, group, forwards)
            if since is None or message.created_at >= since:
                found.append(message)
        return tuple(found)

    def _message(self, raw: dict[str, Any], group: str, forwards: dict[str, str]) -> InboundMessage:
        try:
            parent = raw.get("reply_to_message") or {}
            if parent.get("is_automatic_forward"):
                forwards[str(parent["message_id"])] = _channel_post(parent)
                answers = forwards[str(parent["message_id"])]
            else:
                answers = f"{group}:{parent['message_id']}" if parent else ""
            thread = str(raw.get("message_thread_id") or "")
            edited = raw.get("edit_date")
            return InboundMessage(
                remote_id=f"{group}:{raw['message_id']}",
                text=str(raw.get("text") or raw.get("caption") or ""),
                author=_author(raw),
                created_at=datetime.fromtimestamp(int(raw["date"]), UTC),
                url=message_url(raw["chat"], raw["message_id"]),
                in_reply_to=answers,
                root_id=forwards.get(thread, "") if thread else "",
                kind=MessageKind.REPLY if parent else MessageKind.MENTION,
                edited_at=datetime.fromtimestamp(int(edited), UTC) if edited else None,
                ours=str((raw.get("from") or {}).get("id")) == str(self.account.config.get("bot_id")),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise MalformedPage(self.name, f"a message without {error}") from None

    def _read(self, method: str, query: dict[str, Any]) -> Any:
        """A read's `result`; its failure in words about reading the group."""
        url = _method_url(self.account.credentials.get("bot_token", ""), method)
        try:
            response = self.send("POST", url, data=query)
        except PublishError as error:
            raise read_error(READING_MESSAGES, {"reason": "", "status": 0}, None) from error
        if not self.failed(response):
            return remote.json_of(response).get("result")
        if response.status_code == 200 or remote.json_of(response) == {}:
            raise MalformedPage(self.name, "not a Bot API answer")
        status = self.status_of(response)
        values = {"reason": self.error_words(response), "status": status}
        if self.access_refused(response):
            raise read_error(READING_MESSAGES, values, 403)
        retry_after = self.retry_after(response) if status == 429 else None
        raise read_error(READING_MESSAGES, values, None if status >= 500 else status, retry_after=retry_after)

    def _call(self, method: str, *, publishing: bool = False, **kwargs) -> Any:
        """One Bot API method's `result`, or a PublishError in Telegram's own words."""
        url = _method_url(self.account.credentials.get("bot_token", ""), method)
        return remote.json_of(self.call("POST", url, publishing=publishing, **kwargs)).get("result")


def _method_url(token: str, method: str) -> str:
    """Every method is POST {TELEGRAM_API_URL}/bot<token>/<method>."""
    return f"{settings.TELEGRAM_API_URL}/bot{token}/{method}"


class _Position:
    """The poller's cursor: the next getUpdates offset, and the forwards seen (group message ->
    channel post) so that deeper replies find the post their thread hangs from."""

    def __init__(self, offset: int, forwards: dict[str, str]):
        self.offset, self.forwards = offset, forwards

    @classmethod
    def load(cls, cursor: str) -> _Position:
        try:
            saved = json.loads(cursor) if cursor else {}
            return cls(
                int(saved.get("offset") or 0), {str(k): str(v) for k, v in (saved.get("forwards") or {}).items()}
            )
        except (ValueError, TypeError, AttributeError):
            return cls(0, {})

    def moved(self, offset: int) -> str:
        kept = dict(sorted(self.forwards.items(), key=lambda item: int(item[0]))[-FORWARDS_KEPT:])
        return json.dumps({"offset": offset, "forwards": kept})


def _channel_post(forward: dict[str, Any]) -> str:
    """The channel post an automatic forward copies."""
    origin = forward.get("forward_origin") or {}
    return str(origin.get("message_id") or forward.get("forward_from_message_id") or "")


def _author(raw: dict[str, Any]) -> Author:
    """A person (`from`), or a channel writing as itself (`sender_chat`)."""
    sender = raw.get("sender_chat") or raw["from"]
    name = sender.get("title") or " ".join(p for p in (sender.get("first_name"), sender.get("last_name")) if p)
    handle = f"@{sender['username']}" if sender.get("username") else name or str(sender["id"])
    return Author(handle=handle, name=name, remote_id=str(sender["id"]))


def _split(remote_id: str) -> tuple[str, str]:
    """(group id, message id) of "<group id>:<message id>"; ("", "") for a channel post's id."""
    group, _sep, message_id = remote_id.rpartition(":")
    return (group, message_id) if group and message_id.isdigit() else ("", "")
