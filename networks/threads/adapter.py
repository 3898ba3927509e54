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

Conversations (networks/meta/reading.py reads them): the profile's posts of the last weeks
(`GET /{user-id}/threads`), each one's replies at every depth (`GET /{media-id}/conversation`,
`reverse=false`, each naming `replied_to` and `root_post`), and the posts mentioning the profile
(`GET /{user-id}/mentions`). A reply is a container with `reply_to_id`, then `threads_publish`
(no idempotency key: a reply whose answer was lost is "needs checking"); hide
`POST /{reply-id}/manage_reply` `hide=true`; `DELETE /{media-id}` deletes only the profile's own.
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
    Capability,
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
from networks.capabilities.conversations import Author, InboundMessage, MessageAction, MessageKind, web_address
from networks.capabilities.metrics import Counters, Metric, json_or_none
from networks.meta import containers as meta
from networks.meta import graph
from networks.meta.metrics import GraphMetrics, insight_values
from networks.meta.reading import Edge, GraphReader, moment
from networks.oauth import OAuthClient

NAME = "Threads"
SCOPES = "threads_basic,threads_content_publish"


def _root() -> str:
    """The API host without its version: the token endpoints are not versioned."""
    return re.sub(r"/v\d+(\.\d+)?$", "", settings.THREADS_API_URL)


def _long_lived(answer: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    expires_at = timezone.now() + timedelta(seconds=int(answer.get("expires_in") or 60 * 86400))
    return {"access_token": answer["access_token"], "issued_at": timezone.now().isoformat()}, expires_at


REPLY_FIELDS = "id,text,username,timestamp,permalink,replied_to,root_post,is_reply_owned_by_me"
MENTION_FIELDS = "id,text,username,timestamp,permalink"


# GET /{media-id}/insights: the desk's metric -> Threads' name.
THREADS_INSIGHTS = {
    Metric.VIEWS: "views",
    Metric.LIKES: "likes",
    Metric.REPLIES: "replies",
    Metric.REPOSTS: "reposts",
    Metric.QUOTES: "quotes",
    Metric.SHARES: "shares",
}


class ThreadsAdapter(meta.ContainerAdapter, GraphReader, GraphMetrics):
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
    capabilities = frozenset({Capability.PUBLISH, Capability.CONVERSATIONS, Capability.METRICS})
    post_metrics = frozenset(THREADS_INSIGHTS)
    insights = THREADS_INSIGHTS
    message_actions = frozenset({MessageAction.REPLY, MessageAction.HIDE, MessageAction.DELETE_OWN})
    actions_not_offered = {
        MessageAction.DELETE: gettext_lazy(
            "Threads lets a profile delete only its own posts and replies: hide this reply instead."
        ),
    }
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

    # --- conversations ---------------------------------------------------------------------------
    def posts_edge(self) -> Edge:
        return Edge(f"/{self.account.config['user_id']}/threads", {"fields": "id,timestamp"})

    def comments_edge(self, post_id: str) -> Edge:
        return Edge(f"/{post_id}/conversation", {"fields": REPLY_FIELDS, "reverse": "false"})

    def mentions_edge(self) -> Edge:
        return Edge(f"/{self.account.config['user_id']}/mentions", {"fields": MENTION_FIELDS})

    def messages_of(self, item: dict[str, Any], *, post_id: str) -> list[InboundMessage]:
        username = str(item["username"])
        replied_to = (item.get("replied_to") or {}).get("id")
        root = (item.get("root_post") or {}).get("id") or post_id
        return [
            InboundMessage(
                remote_id=str(item["id"]),
                text=str(item.get("text") or ""),
                author=Author(handle=f"@{username}", name=username),
                created_at=moment(item["timestamp"]),
                url=web_address(item.get("permalink")),
                in_reply_to=str(replied_to or "") if post_id else "",
                root_id=str(root) if post_id else "",
                kind=MessageKind.REPLY if post_id else MessageKind.MENTION,
                ours=bool(item.get("is_reply_owned_by_me")) or username == self.account.config["username"],
            )
        ]

    def reply(self, *, to: str, text: str, key: str) -> PublishResult:
        """A text container answering `to`, published once Meta has prepared it."""
        user = self.account.config["user_id"]
        container = self._create(user, {"media_type": "TEXT", "text": text, "reply_to_id": to})
        self._wait_until_finished(container)
        data = {"creation_id": container}
        reply_id = str(self._call("POST", f"/{user}/threads_publish", publishing=True, spends=(), data=data)["id"])
        return PublishResult(remote_id=reply_id, url=web_address(self.permalink(reply_id)))

    def hide_message(self, *, remote_id: str) -> None:
        self._call("POST", f"/{remote_id}/manage_reply", data={"hide": "true"})

    def delete_message(self, *, remote_id: str, ours: bool) -> None:
        if not ours:
            raise NotImplementedError  # see actions_not_offered
        self.delete_object(remote_id)

    def read_account_metrics(self) -> Counters:
        path = f"/{self.account.config['user_id']}/threads_insights"
        values = insight_values(json_or_none(self.metrics_get(path, {"metric": "followers_count"})))
        return Counters.from_fields(values, {Metric.FOLLOWERS: "followers_count"})
