"""Facebook Pages through the Graph API, connected with Facebook Login.

Facts (https://developers.facebook.com/docs/pages-api/posts, .../facebook-login), proven against
tests/networks/servers/graph.py:
- Login with `pages_show_list pages_manage_posts pages_read_engagement`; `GET /me/accounts`
  lists the pages with a PAGE access token each: the person picks pages, each becomes an
  account holding its page token (never the user's);
- text and link: `POST /{page-id}/feed` (`message`, `link`) -> `{"id": "<page>_<post>"}`;
- one photo: `POST /{page-id}/photos` (multipart `source`, `message`) -> `{"id", "post_id"}`;
- several: each photo with `published=false`, then `/feed` with `attached_media[n]={"media_fbid"}`;
- errors: see networks/meta/graph.py. No idempotency key.

Conversations (networks/meta/reading.py reads them): the Page's posts of the last weeks
(`GET /{page-id}/published_posts`), each post's comments at every depth
(`GET /{post-id}/comments?filter=stream&order=chronological`, a reply naming its `parent`), and
the posts that tag the Page (`GET /{page-id}/tagged`) as mentions. A reply is
`POST /{object-id}/comments` (Meta has no idempotency key: a reply whose answer was lost is
"needs checking", inbox/sending.py); hide `POST /{comment-id}` `is_hidden=true`; delete
`DELETE /{comment-id}` (the Page moderates every comment under its posts).
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from core.images import Fit
from core.images import Limits as ImageLimits
from networks.base import Capability, Connection, Limits, MediaFile, PublishResult
from networks.budget import CALLS, Rate
from networks.capabilities.conversations import Author, InboundMessage, MessageAction, MessageKind, web_address
from networks.capabilities.metrics import Counters, GapReason, Metric, json_or_none
from networks.counting import URL
from networks.meta.graph import FacebookLoginAdapter
from networks.meta.metrics import GraphMetrics, insight_values, short_error
from networks.meta.reading import Edge, GraphReader, missing, moment

NAME = "Facebook"
SCOPES = "pages_show_list,pages_manage_posts,pages_read_engagement"


COMMENT_FIELDS = "id,message,created_time,from{id,name,picture},parent{id},permalink_url"
MENTION_FIELDS = "id,message,created_time,from{id,name,picture},permalink_url"


# The post's own counters (its fields) and its insights: the desk's metric -> the network's name.
POST_FIELDS = {Metric.LIKES: "reactions", Metric.REPLIES: "comments", Metric.SHARES: "shares"}
INSIGHTS = {Metric.VIEWS: "post_media_view", Metric.REACH: "post_total_media_view_unique", Metric.CLICKS: "post_clicks"}
METRIC_FIELDS = (
    "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares,"
    f"insights.metric({','.join(INSIGHTS.values())})"
)


class FacebookAdapter(FacebookLoginAdapter, GraphReader, GraphMetrics):
    slug = "facebook"
    name = NAME
    icon = "bi-facebook"
    # The Graph API's platform limit for a token: 200 calls per hour (Page limits scale with the
    # Page's audience, so this is the floor).
    rates = (Rate(CALLS, 200, 3600),)
    limits = Limits(
        max_chars=63206,
        max_media=10,
        images=ImageLimits(
            Fit(
                types=frozenset({"image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff"}),
                max_bytes=4 * 1024 * 1024,  # "JPEG, BMP, PNG, GIF, TIFF ... 4MB or less"
            )
        ),
    )
    scopes = SCOPES
    page_fields = "id,name,access_token,picture"
    capabilities = frozenset({Capability.PUBLISH, Capability.CONVERSATIONS, Capability.METRICS})
    message_actions = frozenset(MessageAction)
    post_metrics = frozenset(POST_FIELDS) | frozenset(INSIGHTS)
    insights = INSIGHTS

    @classmethod
    def page_connection(cls, page: dict[str, Any]) -> Connection | None:
        if not page.get("access_token"):
            return None
        return Connection(
            display_name=page["name"],
            handle=str(page["id"]),
            avatar_url=((page.get("picture") or {}).get("data") or {}).get("url", ""),
            credentials={"page_token": page["access_token"]},
            config={"page_id": str(page["id"])},
        )

    # --- publishing -----------------------------------------------------------------------------
    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        page = self.account.config["page_id"]
        if len(media) == 1:
            photo = self._upload(media[0], text=text, published=True)
            post_id = str(photo.get("post_id") or f"{page}_{photo['id']}")
        else:
            payload: dict[str, Any] = {"message": text}
            link = URL.search(text)
            if link and not media:
                payload["link"] = link.group(0)  # the page shows the link's preview card
            for index, item in enumerate(media):
                uploaded = self._upload(item, text="", published=False)
                payload[f"attached_media[{index}]"] = json.dumps({"media_fbid": uploaded["id"]})
            post_id = str(self._call("POST", f"/{page}/feed", publishing=True, data=payload)["id"])
        return PublishResult(remote_id=post_id, url=_post_url(post_id))

    def check_connection(self) -> str:
        page = self._call("GET", f"/{self.account.config['page_id']}", params={"fields": "id,name"})
        return page.get("name") or self.account.display_name

    # --- conversations ---------------------------------------------------------------------------
    def posts_edge(self) -> Edge:
        return Edge(f"/{self.account.config['page_id']}/published_posts", {"fields": "id,created_time,updated_time"})

    def activity_of(self, post: dict[str, Any]) -> str:
        return str(post.get("updated_time") or "")  # a new comment moves it

    def active_since(self, post: dict[str, Any], mark: float) -> bool:
        # updated_time counts whole seconds: a comment in the second it was read moves nothing.
        return bool(post.get("updated_time")) and moment(post["updated_time"]).timestamp() >= mark

    def comments_edge(self, post_id: str) -> Edge:
        return Edge(f"/{post_id}/comments", {"filter": "stream", "order": "chronological", "fields": COMMENT_FIELDS})

    def mentions_edge(self) -> Edge:
        return Edge(f"/{self.account.config['page_id']}/tagged", {"fields": MENTION_FIELDS})

    def messages_of(self, item: dict[str, Any], *, post_id: str) -> list[InboundMessage]:
        author = item.get("from") or {}  # absent for people who keep their profile from apps
        parent = (item.get("parent") or {}).get("id")
        return [
            InboundMessage(
                remote_id=str(item["id"]),
                text=str(item.get("message") or ""),
                author=Author(
                    handle=str(author.get("name") or _("Someone on Facebook")),
                    name=str(author.get("name") or ""),
                    avatar_url=web_address(((author.get("picture") or {}).get("data") or {}).get("url")),
                    remote_id=str(author.get("id") or ""),
                ),
                created_at=moment(item["created_time"]),
                url=web_address(item.get("permalink_url")),
                in_reply_to=str(parent or post_id),
                root_id=post_id,
                kind=MessageKind.REPLY if post_id else MessageKind.MENTION,
                ours=str(author.get("id") or "") == self.account.config["page_id"],
            )
        ]

    def reply(self, *, to: str, text: str, key: str) -> PublishResult:
        answer = self._call("POST", f"/{to}/comments", publishing=True, spends=(), data={"message": text})
        return PublishResult(remote_id=str(answer["id"]))

    def hide_message(self, *, remote_id: str) -> None:
        self._call("POST", f"/{remote_id}", data={"is_hidden": "true"})

    def delete_message(self, *, remote_id: str, ours: bool) -> None:
        self.delete_object(remote_id)

    # --- metrics (networks/meta/metrics.py) -----------------------------------------------------------
    def post_counters(self, remote_id: str) -> Counters:
        response = self.metrics_get(f"/{remote_id}", {"fields": METRIC_FIELDS})
        if missing(response):
            return Counters.gap_for_all(self.post_metrics, GapReason.DELETED, short_error(response))
        post = json_or_none(response)
        numbers = insight_values((post or {}).get("insights") if isinstance(post, dict) else None)
        if not isinstance(post, dict) or numbers is None:
            return Counters.gap_for_all(self.post_metrics, GapReason.MALFORMED, "not a post with its insights")
        shares = post.get("shares") or {"count": 0}  # left out while nobody shared the post
        numbers |= {
            "reactions": ((post.get("reactions") or {}).get("summary") or {}).get("total_count"),
            "comments": ((post.get("comments") or {}).get("summary") or {}).get("total_count"),
            "shares": shares.get("count") if isinstance(shares, dict) else None,
        }
        return Counters.from_fields({k: v for k, v in numbers.items() if v is not None}, {**POST_FIELDS, **INSIGHTS})

    def read_account_metrics(self) -> Counters:
        page = json_or_none(self.metrics_get(f"/{self.account.config['page_id']}", {"fields": "followers_count"}))
        return Counters.from_fields(page, {Metric.FOLLOWERS: "followers_count"})

    def _upload(self, item: MediaFile, *, text: str, published: bool) -> dict[str, Any]:
        data = {"published": "true" if published else "false"}
        if text:
            data["message"] = text
        files = {"source": (item.name, item.read(), item.content_type)}
        return self._call(
            "POST", f"/{self.account.config['page_id']}/photos", publishing=published, data=data, files=files
        )


def _post_url(post_id: str) -> str:
    page, _sep, post = post_id.partition("_")
    return f"https://www.facebook.com/{page}/posts/{post}" if post else f"https://www.facebook.com/{post_id}"
