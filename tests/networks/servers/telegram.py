"""A local Telegram Bot API (https://core.telegram.org/bots/api) for tests.

    with TelegramServer() as server:
        server.url                      # set settings.TELEGRAM_API_URL to it
        server.token                    # the bot's valid token
        server.channel                  # {"id": -100..., "username": "deskchannel", ...}
        server.bot_is_admin = False     # getChatMember answers "member"
        server.revoke()                 # 401 {"ok": false, "error_code": 401, "description": "Unauthorized"}
        server.rate_limit(retry_after=7)   # the next send answers 429 with parameters.retry_after
        server.messages                 # messages really posted (text as Telegram parsed it)

Methods: getMe, getChat, getChatMember, sendMessage, sendPhoto, sendMediaGroup, all POST
/bot<token>/<method> with form or multipart parameters. parse_mode=HTML is parsed as Telegram
does: an unsupported tag or a bare `&` is "Bad Request: can't parse entities"; the parsed text
is limited to 4096 UTF-16 code units, a caption to 1024.

Comments: the channel has a linked discussion group (`getChat` answers `linked_chat_id`). Each
channel post is forwarded into it automatically (`is_automatic_forward`, `forward_origin` naming
the channel post); a comment replies to that forward (`reply_to_message`, one level deep, and
`message_thread_id` = the forward's id). The bot gets group messages as updates: `getUpdates`
(`offset` confirms every earlier update, which is then gone; `limit` 1-100) answers what is
pending, oldest first; an edit is an `edited_message` update. The bot never gets its own messages.
`sendMessage` with `reply_parameters` answers in the group; `deleteMessage` removes a message.

    server.comment_as("claire", "Bravo", reply_to=remote_id, at=moment)   # a group message
    server.edit_comment(remote_id, "Texte corrigé")
"""

from __future__ import annotations

import html
import json
import re
import secrets
import time
from datetime import datetime
from html.parser import HTMLParser
from typing import Any

from tests.networks.servers.local import Answer, LocalServer, LoggedRequest

ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-spoiler",
}
BARE_AMPERSAND = re.compile(r"&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _EntityParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.bad_tag: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS and self.bad_tag is None:
            self.bad_tag = tag

    def handle_data(self, data):
        self.text.append(data)


def parse_html(text: str) -> tuple[str | None, str]:
    """(error, parsed text) as Telegram's HTML parse mode would give them."""
    if BARE_AMPERSAND.search(text):
        return "Bad Request: can't parse entities: Character '&' is reserved and must be escaped", ""
    if re.search(r"<(?![a-zA-Z/])", text):
        return "Bad Request: can't parse entities: Unexpected character '<'", ""
    parser = _EntityParser()
    parser.feed(text)
    parser.close()
    if parser.bad_tag:
        return f'Bad Request: can\'t parse entities: Unsupported start tag "{parser.bad_tag}"', ""
    return None, html.unescape("".join(parser.text))


class TelegramServer(LocalServer):
    name = "telegram"

    def __init__(self) -> None:
        super().__init__()
        self.bot = {"id": 7000000001, "is_bot": True, "first_name": "Desk bot", "username": "desk_bot"}
        self.token = f"{self.bot['id']}:{secrets.token_urlsafe(26)}"
        self.valid_tokens = {self.token}
        self.channel = {"id": -1001234567890, "title": "Desk news", "username": "deskchannel", "type": "channel"}
        self.bot_is_admin = True
        self.messages: list[dict[str, Any]] = []
        self.group = {"id": -1009876543210, "title": "Desk news chat", "username": "deskchat", "type": "supergroup"}
        self.channel["linked_chat_id"] = self.group["id"]
        self.group_messages: dict[int, dict[str, Any]] = {}  # message_id -> message (deleted: gone)
        self.forwards: dict[int, int] = {}  # channel post id -> its automatic forward in the group
        self.updates: list[dict[str, Any]] = []
        self._update_id = 800000000
        self._group_id = 0

    # --- knobs --------------------------------------------------------------------------------
    def revoke(self) -> None:
        with self.lock:
            self.valid_tokens.clear()

    def rate_limit(self, retry_after: int = 7) -> None:
        self.fail_next(
            429,
            path=f"/bot{self.token}/send",
            body={
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            },
        )

    def kick_bot(self) -> None:
        self.fail_next(
            403,
            path=f"/bot{self.token}/send",
            body={"ok": False, "error_code": 403, "description": "Forbidden: bot is not a member of the channel chat"},
        )

    # --- the discussion group -----------------------------------------------------------------
    def comment_as(self, name: str, text: str, *, reply_to: str = "", at: datetime | None = None) -> str:
        """Someone writes in the group: under a channel post ("<id>"), under a group message
        ("<group id>:<id>"), or on its own; returns "<group id>:<message id>"."""
        user = {"id": 500 + sum(map(ord, name)), "is_bot": False, "first_name": name.title(), "username": name}
        with self.lock:
            parent = self._parent(reply_to)
            message = self._group_message({"from": user, "text": text}, parent=parent, at=at)
            self._queue({"message": message})
        return f"{self.group['id']}:{message['message_id']}"

    def edit_comment(self, remote_id: str, text: str) -> None:
        with self.lock:
            message = self.group_messages[int(remote_id.rsplit(":", 1)[1])]
            message["text"], message["edit_date"] = text, int(time.time())
            self._queue({"edited_message": dict(message)})

    def comment_exists(self, remote_id: str) -> bool:
        with self.lock:
            return ":" in remote_id and int(remote_id.rsplit(":", 1)[1]) in self.group_messages

    def _parent(self, reply_to: str) -> dict[str, Any] | None:
        if not reply_to:
            return None
        if ":" in reply_to:
            return self.group_messages[int(reply_to.rsplit(":", 1)[1])]
        return self.group_messages[self.forwards[int(reply_to)]]

    def _group_message(
        self, fields: dict[str, Any], *, parent: dict[str, Any] | None, at: datetime | None = None
    ) -> dict[str, Any]:
        self._group_id += 1
        message = {
            "message_id": self._group_id,
            "chat": self.group,
            "date": int(at.timestamp() if at else time.time()),
            **fields,
        }
        if parent is not None:
            shallow = {k: v for k, v in parent.items() if k != "reply_to_message"}  # one level only
            message["reply_to_message"] = shallow
            message["message_thread_id"] = parent.get("message_thread_id") or parent["message_id"]
            message["is_topic_message"] = False
        self.group_messages[message["message_id"]] = message
        return message

    def _queue(self, update: dict[str, Any]) -> None:
        self._update_id += 1
        self.updates.append({"update_id": self._update_id, **update})

    def _forward(self, post: dict[str, Any]) -> None:
        """Telegram copies each channel post into the linked group, as the channel."""
        fields = {
            "sender_chat": self.channel,
            "is_automatic_forward": True,
            "forward_origin": {
                "type": "channel",
                "chat": self.channel,
                "message_id": post["message_id"],
                "date": post["date"],
            },
            "text": post.get("text") or post.get("caption") or "",
        }
        forward = self._group_message(fields, parent=None)
        self.forwards[post["message_id"]] = forward["message_id"]
        self._queue({"message": forward})

    def _getUpdates(self, params):  # noqa: N802
        limit = int(params.get("limit") or 100)
        if not 1 <= limit <= 100:
            return self._bad("Bad Request: wrong limit")
        with self.lock:
            if params.get("offset") not in (None, ""):
                self.updates = [u for u in self.updates if u["update_id"] >= int(params["offset"])]
            return self._ok(self.updates[:limit])

    def _deleteMessage(self, params):  # noqa: N802
        with self.lock:
            if str(params.get("chat_id")) != str(self.group["id"]):
                return self._bad("Bad Request: chat not found")
            if self.group_messages.pop(int(params.get("message_id") or 0), None) is None:
                return self._bad("Bad Request: message to delete not found")
        return self._ok(True)

    def _reply_in_group(self, params: dict[str, Any]) -> Answer:
        error, parsed = (
            parse_html(params.get("text", "")) if params.get("parse_mode") == "HTML" else (None, params.get("text", ""))
        )
        if error:
            return self._bad(error)
        if not parsed.strip():
            return self._bad("Bad Request: message text is empty")
        reference = json.loads(params.get("reply_parameters") or "{}")
        with self.lock:
            parent = self.group_messages.get(int(reference.get("message_id") or 0))
            if reference and parent is None and not reference.get("allow_sending_without_reply"):
                return self._bad("Bad Request: message to be replied not found")
            message = self._group_message({"from": self.bot, "text": parsed}, parent=parent)
        return self._ok(message)

    def error_body(self, status: int) -> Any:
        descriptions = {
            400: "Bad Request: message text is empty",
            401: "Unauthorized",
            403: "Forbidden: bot was kicked from the channel chat",
            429: "Too Many Requests: retry after 5",
            500: "Internal Server Error",
            502: "Bad Gateway",
        }
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": descriptions.get(status, "Error")}
        if status == 429:
            body["parameters"] = {"retry_after": 5}
        return body

    # --- the API ------------------------------------------------------------------------------
    def route(self, request: LoggedRequest) -> Answer:
        match = re.fullmatch(r"/bot([^/]+)/(\w+)", request.route)
        if not match:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}, {}
        token, method = match.groups()
        with self.lock:
            valid = token in self.valid_tokens
        if not valid:
            return 401, self.error_body(401), {}
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}, {}
        return handler(request.params())

    def _ok(self, result: Any) -> Answer:
        return 200, {"ok": True, "result": result}, {}

    def _bad(self, description: str, status: int = 400) -> Answer:
        return status, {"ok": False, "error_code": status, "description": description}, {}

    def _chat(self, chat_id: Any) -> dict[str, Any] | None:
        if str(chat_id) in (f"@{self.channel['username']}", str(self.channel["id"])):
            return self.channel
        if str(chat_id) in (f"@{self.group['username']}", str(self.group["id"])):
            return self.group
        return None

    def _getMe(self, params):  # noqa: N802 - the Bot API's method names
        return self._ok(self.bot)

    def _getChat(self, params):  # noqa: N802
        chat = self._chat(params.get("chat_id"))
        return self._ok(chat) if chat else self._bad("Bad Request: chat not found")

    def _getChatMember(self, params):  # noqa: N802
        if not self._chat(params.get("chat_id")):
            return self._bad("Bad Request: chat not found")
        if str(params.get("user_id")) != str(self.bot["id"]):
            return self._bad("Bad Request: user not found")
        if not self.bot_is_admin:
            return self._ok({"user": self.bot, "status": "member"})
        return self._ok({"user": self.bot, "status": "administrator", "can_post_messages": True})

    def _sendMessage(self, params):  # noqa: N802
        if str(params.get("chat_id")) in (str(self.group["id"]), f"@{self.group['username']}"):
            return self._reply_in_group(params)
        return self._send(params, params.get("text", ""), limit=4096, photos=[])

    def _sendPhoto(self, params):  # noqa: N802
        photo = params.get("photo")
        if not isinstance(photo, tuple):
            return self._bad("Bad Request: there is no photo in the request")
        return self._send(params, params.get("caption", ""), limit=1024, photos=[photo])

    def _sendMediaGroup(self, params):  # noqa: N802
        try:
            items = json.loads(params.get("media", "[]"))
        except ValueError:
            return self._bad("Bad Request: can't parse media JSON object")
        if not 2 <= len(items) <= 10:
            return self._bad("Bad Request: wrong number of media in the album")
        photos = []
        for item in items:
            attached = params.get(str(item.get("media", "")).removeprefix("attach://"))
            if not isinstance(attached, tuple):
                return self._bad("Bad Request: wrong file identifier/HTTP URL specified")
            photos.append(attached)
        caption = items[0].get("caption", "")
        answer = self._send({**params, "parse_mode": items[0].get("parse_mode")}, caption, limit=1024, photos=photos)
        if answer[0] != 200:
            return answer
        first = answer[1]["result"]
        album = [first] + [self._store(params, "", [photo])[0] for photo in photos[1:]]
        return self._ok(album)

    def _send(self, params: dict[str, Any], text: str, *, limit: int, photos: list) -> Answer:
        chat = self._chat(params.get("chat_id"))
        if chat is None:
            return self._bad("Bad Request: chat not found")
        if not self.bot_is_admin:
            return self._bad("Forbidden: bot is not a member of the channel chat", 403)
        parsed = text
        if params.get("parse_mode") == "HTML":
            error, parsed = parse_html(text)
            if error:
                return self._bad(error)
        if not parsed.strip() and not photos:
            return self._bad("Bad Request: message text is empty")
        if _utf16(parsed) > limit:
            return self._bad(
                "Bad Request: message caption is too long" if photos else "Bad Request: message is too long"
            )
        message, _stored = self._store(params, parsed, photos[:1])
        return self._ok(message)

    def _store(self, params: dict[str, Any], text: str, photos: list) -> tuple[dict[str, Any], None]:
        with self.lock:
            message_id = len(self.messages) + 1
            message: dict[str, Any] = {
                "message_id": message_id,
                "sender_chat": self.channel,
                "chat": self.channel,
                "date": 1763770000,
            }
            if photos:
                message["photo"] = [{"file_id": f"photo-{message_id}", "file_size": len(photos[0][0])}]
                if text:
                    message["caption"] = text
            else:
                message["text"] = text
            self.messages.append({**message, "photo_bytes": [p[0] for p in photos]})
            self._forward(message)
        return message, None
