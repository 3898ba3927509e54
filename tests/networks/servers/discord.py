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
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from tests.networks.servers.local import Answer, LocalServer, LoggedRequest

UNKNOWN_WEBHOOK = {"message": "Unknown Webhook", "code": 10015}


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
        self.messages: list[dict[str, Any]] = []

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

    def error_body(self, status: int) -> Any:
        if status == 404:
            return UNKNOWN_WEBHOOK
        if status == 400:
            return {"message": "Cannot send an empty message", "code": 50006}
        return {"message": "500: Internal Server Error", "code": 0}

    def route(self, request: LoggedRequest) -> Answer:
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
        message = {
            "id": str(1400000000000000000 + len(self.messages) + 1),
            "type": 0,
            "content": content,
            "channel_id": self.webhook["channel_id"],
            "webhook_id": self.webhook_id,
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
