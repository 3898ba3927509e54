"""A local Discord webhook endpoint (https://discord.com/developers/docs/resources/webhook).

    with DiscordServer() as server:
        settings.DISCORD_API_URL = server.api_url    # "http://127.0.0.1:<port>/api"
        server.webhook_url                           # what a person copies from Discord
        server.delete_webhook()                      # 404 {"message": "Unknown Webhook", "code": 10015}
        server.rate_limit(retry_after=1.5)           # 429 {"retry_after": 1.5, "global": false}
        server.messages                              # messages created (content, attachments)

GET and POST /api/webhooks/{id}/{token}; POST takes JSON or multipart (payload_json + files[n],
at most 10), answers the message with ?wait=true and 204 without; more than 2,000 characters
of content is 400 "Invalid Form Body" (code 50035) with Discord's nested `errors` document.

The channel, read by a bot (https://discord.com/developers/docs/resources/message), with
`Authorization: Bot <token>`: GET /api/users/@me, GET /api/channels/{id}, GET
/api/channels/{id}/messages (`after` or `before` a snowflake, `limit` 1-100, newest first; a
reply carries `message_reference` and `referenced_message`), POST the same (`message_reference`,
`nonce` with `enforce_nonce`: a repeat within minutes answers the first message), DELETE
/api/channels/{id}/messages/{id}. Ids are snowflakes: milliseconds since 2015 shifted left 22 bits.

    server.post_as("claire", "Bonjour", reply_to=message_id, at=moment)   # someone writes
    server.rate_limit_reads(reset_after=3)                                # 429 on the channel
"""

from __future__ import annotations

import json
import secrets
import time
from datetime import datetime
from typing import Any

from tests.networks.servers.local import Answer, LocalServer, LoggedRequest

UNKNOWN_WEBHOOK = {"message": "Unknown Webhook", "code": 10015}
UNAUTHORIZED = {"message": "401: Unauthorized", "code": 0}
DISCORD_EPOCH_MS = 1420070400000


def snowflake(moment_ms: int, sequence: int) -> str:
    return str(((moment_ms - DISCORD_EPOCH_MS) << 22) + (sequence % 4096))


class DiscordServer(LocalServer):
    name = "discord"

    def __init__(self) -> None:
        super().__init__()
        self.webhook_id = "1300000000000000001"
        self.token = secrets.token_urlsafe(48)
        self.webhook = {
            "id": self.webhook_id,
            "type": 1,
            "name": "Desk announcements",
            "avatar": None,
            "channel_id": "1200000000000000002",
            "guild_id": "1100000000000000003",
            "application_id": None,
            "token": self.token,
        }
        self.exists = True
        self.messages: list[dict[str, Any]] = []  # the webhook's posts
        self.bot = {"id": "1500000000000000004", "username": "desk-bot", "bot": True, "avatar": None}
        self.bot_token = secrets.token_urlsafe(40)
        self.channel: dict[str, dict[str, Any]] = {}  # every message in the channel, by id
        self.nonces: dict[str, str] = {}
        self._sequence = 0

    @property
    def api_url(self) -> str:
        return f"{self.url}/api"

    @property
    def webhook_url(self) -> str:
        return f"{self.api_url}/webhooks/{self.webhook_id}/{self.token}"

    def delete_webhook(self) -> None:
        self.exists = False

    def rate_limit(self, retry_after: float = 1.5) -> None:
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
        self.fail_next(
            429, path="/api/webhooks", method="POST", body=body, headers={"Retry-After": str(int(retry_after) + 1)}
        )

    def post_as(self, username: str, content: str, *, reply_to: str = "", at: datetime | None = None) -> str:
        author = {
            "id": str(900 + sum(map(ord, username))),
            "username": username,
            "global_name": username.title(),
            "avatar": "a1b2c3",
        }
        return self._add(author, content, reply_to=reply_to, at=at)["id"]

    def exists_message(self, message_id: str) -> bool:
        with self.lock:
            return message_id in self.channel

    def edit(self, message_id: str, content: str) -> None:
        with self.lock:
            self.channel[message_id]["content"] = content
            self.channel[message_id]["edited_timestamp"] = datetime.now().astimezone().isoformat()

    def rate_limit_reads(self, reset_after: float = 3.0) -> None:
        body = {"message": "You are being rate limited.", "retry_after": reset_after, "global": False}
        headers = {
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": str(reset_after),
            "Retry-After": str(int(reset_after) + 1),
        }
        self.fail_next(429, path="/api/channels/", method="GET", body=body, headers=headers)

    def _add(
        self,
        author: dict[str, Any],
        content: str,
        *,
        reply_to: str = "",
        at: datetime | None = None,
        webhook: bool = False,
    ) -> dict[str, Any]:
        with self.lock:
            self._sequence += 1
            moment = at.timestamp() if at else time.time()
            message_id = snowflake(int(moment * 1000), self._sequence)
            message: dict[str, Any] = {
                "id": message_id,
                "type": 19 if reply_to else 0,
                "content": content,
                "channel_id": self.webhook["channel_id"],
                "author": author,
                "timestamp": datetime.fromtimestamp(moment).astimezone().isoformat(),
                "edited_timestamp": None,
                "attachments": [],
            }
            if webhook:
                message["webhook_id"] = self.webhook_id
            if reply_to:
                message["message_reference"] = {
                    "type": 0,
                    "message_id": reply_to,
                    "channel_id": message["channel_id"],
                    "guild_id": self.webhook["guild_id"],
                }
            self.channel[message_id] = message
            return message

    def _shown(self, message: dict[str, Any]) -> dict[str, Any]:
        reference = message.get("message_reference")
        if not reference:
            return message
        parent = self.channel.get(reference["message_id"])
        return {
            **message,
            "referenced_message": {k: v for k, v in parent.items() if k != "referenced_message"} if parent else None,
        }

    def error_body(self, status: int) -> Any:
        if status == 404:
            return UNKNOWN_WEBHOOK
        if status == 400:
            return {"message": "Cannot send an empty message", "code": 50006}
        return {"message": "500: Internal Server Error", "code": 0}

    def route(self, request: LoggedRequest) -> Answer:
        if request.route.startswith(("/api/channels/", "/api/users/")):
            return self._as_bot(request)
        if request.route != f"/api/webhooks/{self.webhook_id}/{self.token}" or not self.exists:
            return 404, UNKNOWN_WEBHOOK, {}
        if request.method == "GET":
            return 200, self.webhook, {}
        if request.method == "POST":
            return self._execute(request)
        return 405, {"message": "405: Method Not Allowed", "code": 0}, {}

    def _execute(self, request: LoggedRequest) -> Answer:
        params = request.params()
        if "payload_json" in params:
            payload = json.loads(params["payload_json"])
            files = [value for key, value in params.items() if key.startswith("files[")]
        else:
            payload, files = params, []
        content = payload.get("content") or ""
        if len(content) > 2000:
            errors = {
                "content": {
                    "_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}]
                }
            }
            return 400, {"message": "Invalid Form Body", "code": 50035, "errors": errors}, {}
        if len(files) > 10:
            return 400, {"message": "Invalid Form Body", "code": 50035, "errors": {"files": {}}}, {}
        if not content.strip() and not files:
            return 400, {"message": "Cannot send an empty message", "code": 50006}, {}
        webhook_author = {"id": self.webhook_id, "username": self.webhook["name"], "avatar": None, "bot": True}
        message = {
            **self._add(webhook_author, content, webhook=True),
            "attachments": [
                {
                    "id": str(index),
                    "filename": name,
                    "size": len(data),
                    "content_type": kind,
                    "description": (payload.get("attachments") or [{}] * len(files))[index].get("description"),
                }
                for index, (data, kind, name) in enumerate(files)
            ],
            "allowed_mentions": payload.get("allowed_mentions"),
        }
        with self.lock:
            self.messages.append(message)
        if request.query.get("wait") != "true":
            return 204, None, {}
        return 200, message, {}

    # --- the bot's side -----------------------------------------------------------------------
    def _as_bot(self, request: LoggedRequest) -> Answer:
        if request.header("Authorization") != f"Bot {self.bot_token}":
            return 401, UNAUTHORIZED, {}
        parts = request.route.strip("/").split("/")  # api, channels, {id}, messages, {id}
        if parts[1:] == ["users", "@me"]:
            return 200, self.bot, {}
        if len(parts) < 3 or parts[1] != "channels" or parts[2] != self.webhook["channel_id"]:
            return 404, {"message": "Unknown Channel", "code": 10003}, {}
        if len(parts) == 3 and request.method == "GET":
            return 200, {"id": parts[2], "type": 0, "guild_id": self.webhook["guild_id"], "name": "general"}, {}
        if len(parts) == 4 and parts[3] == "messages":
            return self._list(request) if request.method == "GET" else self._create(request)
        if len(parts) == 5 and request.method == "DELETE":
            with self.lock:
                return (
                    (204, None, {})
                    if self.channel.pop(parts[4], None)
                    else (404, {"message": "Unknown Message", "code": 10008}, {})
                )
        return 405, {"message": "405: Method Not Allowed", "code": 0}, {}

    def _list(self, request: LoggedRequest) -> Answer:
        query = request.query
        limit = int(query.get("limit") or 50)
        if not 1 <= limit <= 100:
            return 400, {"message": "Invalid Form Body", "code": 50035}, {}
        with self.lock:
            found = sorted(self.channel.values(), key=lambda m: int(m["id"]))
            if query.get("after"):
                found = [m for m in found if int(m["id"]) > int(query["after"])][:limit]
            else:
                if query.get("before"):
                    found = [m for m in found if int(m["id"]) < int(query["before"])]
                found = found[-limit:]
            return 200, [self._shown(m) for m in reversed(found)], {}

    def _create(self, request: LoggedRequest) -> Answer:
        body = request.json
        content = str(body.get("content") or "")
        if not content.strip() or len(content) > 2000:
            return 400, {"message": "Invalid Form Body", "code": 50035}, {}
        nonce = str(body.get("nonce") or "")
        reference = body.get("message_reference") or {}
        with self.lock:
            if nonce and body.get("enforce_nonce") and nonce in self.nonces and self.nonces[nonce] in self.channel:
                return 200, self._shown(self.channel[self.nonces[nonce]]), {}
            if (
                reference
                and reference.get("message_id") not in self.channel
                and reference.get("fail_if_not_exists", True)
            ):
                return 400, {"message": "Invalid Form Body", "code": 50035, "errors": {"message_reference": {}}}, {}
            message = self._add(self.bot, content, reply_to=str(reference.get("message_id") or ""))
            if nonce:
                self.nonces[nonce] = message["id"]
                message["nonce"] = nonce
            return 200, self._shown(message), {}
