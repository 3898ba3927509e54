"""Instagram (a professional account linked to a Facebook page), Graph API content publishing.

Facts (https://developers.facebook.com/docs/instagram-platform/content-publishing), proven
against tests/networks/servers/graph.py:
- connected with Facebook Login (`instagram_basic instagram_content_publish` plus the pages
  scopes); `GET /me/accounts` with `instagram_business_account` names the professional account
  of each page; the page's token publishes for it;
- a container per image: `POST /{ig-user-id}/media` (`image_url`, `caption`), polled with
  `GET /{container}?fields=status_code` until FINISHED (IN_PROGRESS, ERROR, EXPIRED), then
  `POST /{ig-user-id}/media_publish` (`creation_id`); a carousel: one container per image with
  `is_carousel_item=true`, then one with `media_type=CAROUSEL` and `children` (the sequence
  Threads shares: networks/meta/containers.py);
- Meta DOWNLOADS each image from a public URL: this site must be reachable (SITE_URL), and the
  image must be a JPEG: the media library sends a stored JPEG variant of any other type;
- caption 2,200 characters and 30 hashtags; aspect ratio from 4:5 to 1.91:1; 10 per carousel;
- 50 published posts per 24 hours, read from `GET /{ig-user-id}/content_publishing_limit`.

Conversations (networks/meta/reading.py reads them): the account's media of the last weeks
(`GET /{ig-user-id}/media`), each one's comments (`GET /{ig-media-id}/comments` with their
`replies`: Instagram nests one level, a reply to a reply joins its top-level comment), and the
media it is tagged in (`GET /{ig-user-id}/tags`) as mentions. A reply is
`POST /{ig-comment-id}/replies`; to a mention, `POST /{ig-user-id}/mentions` (`media_id`). Hide
`POST /{ig-comment-id}` `hide=true`; delete `DELETE /{ig-comment-id}`. What Instagram does not
let a poll see: an @mention in someone else's caption or comment is only announced by the
`mentions` webhook (then read with `mentioned_media` / `mentioned_comment`); the poll sees photo
tags only. No idempotency key: a reply whose answer was lost is "needs checking".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cm_platform.reasons import reason
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
from networks.budget import CALLS, POSTS, Rate
from networks.capabilities.conversations import Author, InboundMessage, MessageAction, MessageKind, web_address
from networks.capabilities.metrics import Counters, Metric, json_or_none
from networks.meta import containers as meta
from networks.meta import graph
from networks.meta.graph import FacebookLoginAdapter
from networks.meta.metrics import GraphMetrics
from networks.meta.reading import Edge, GraphReader, missing, moment

NAME = "Instagram"
SCOPES = "pages_show_list,pages_read_engagement,instagram_basic,instagram_content_publish"
HASHTAG = re.compile(r"(?<!\w)#\w+")
MAX_HASHTAGS = 30
MIN_RATIO, MAX_RATIO = 4 / 5, 1.91


@dataclass(frozen=True)
class Quota:
    used: int
    total: int


REPLY_FIELDS = "id,text,timestamp,username,from{id,username},parent_id"
COMMENT_FIELDS = f"{REPLY_FIELDS},replies{{{REPLY_FIELDS}}}"
MENTION_FIELDS = "id,caption,timestamp,username,permalink"


# GET /{ig-media-id}/insights: the desk's metric -> Instagram's current name (NETWORKS.md).
INSTAGRAM_INSIGHTS = {
    Metric.VIEWS: "views",
    Metric.REACH: "reach",
    Metric.LIKES: "likes",
    Metric.REPLIES: "comments",
    Metric.SHARES: "shares",
    Metric.SAVES: "saved",
}


class InstagramAdapter(meta.ContainerAdapter, FacebookLoginAdapter, GraphReader, GraphMetrics):
    slug = "instagram"
    name = NAME
    icon = "bi-instagram"
    # Instagram's content publishing limit: 50 posts per 24 hours per account (read back with
    # content_publishing_limit; Meta counts a moving day, ours are fixed days: Meta's refusal
    # still pauses the account), and the Graph API's 200 calls per hour per token.
    rates = (Rate(CALLS, 200, 3600), Rate(POSTS, 50, 24 * 3600))
    limits = Limits(
        max_chars=2200,
        max_media=10,
        # JPEG only: the media library stores a JPEG variant of any other image (core/images.py).
        images=ImageLimits(Fit(types=frozenset({"image/jpeg"}), max_bytes=8 * 1024 * 1024)),
        media_required=True,
    )
    scopes = SCOPES
    page_fields = "id,name,access_token,instagram_business_account{id,username,profile_picture_url}"
    capabilities = frozenset({Capability.PUBLISH, Capability.CONVERSATIONS, Capability.METRICS})
    message_actions = frozenset(MessageAction)
    post_metrics = frozenset(INSTAGRAM_INSIGHTS)
    insights = INSTAGRAM_INSIGHTS
    containers = meta.Containers(
        create="media",
        publish="media_publish",
        text="caption",
        image_type="",  # an image container takes no media_type on Instagram
        status="status_code",
        reason="status",
        refused=gettext_lazy("Instagram could not use the image: %(reason)s"),
        late=gettext_lazy("Instagram did not finish preparing the post in time; it will be tried again."),
    )

    # --- connecting -----------------------------------------------------------------------------
    @classmethod
    def page_connection(cls, page: dict[str, Any]) -> Connection | None:
        ig = page.get("instagram_business_account")
        if not ig or not page.get("access_token"):
            return None
        return Connection(
            display_name=f"@{ig['username']}",
            handle=f"@{ig['username']}",
            avatar_url=ig.get("profile_picture_url") or "",
            credentials={"page_token": page["access_token"]},
            config={"ig_user_id": str(ig["id"]), "page_id": str(page["id"]), "username": ig["username"]},
        )

    # --- what Instagram accepts -------------------------------------------------------------------
    def validate(self, text: str, media: list[MediaFile]) -> list[Problem]:
        problems = validate_against(self.get_limits(), self.name, text, media, self.count_text)
        hashtags = len(HASHTAG.findall(text))
        if hashtags > MAX_HASHTAGS:
            problems.append(
                Problem(
                    "too_many_hashtags",
                    _("Instagram takes at most %(limit)d hashtags; this text has %(count)d.")
                    % {"limit": MAX_HASHTAGS, "count": hashtags},
                )
            )
        for item in media:
            if item.width and item.height and not MIN_RATIO - 0.005 <= item.width / item.height <= MAX_RATIO + 0.005:
                problems.append(
                    Problem(
                        "aspect_ratio",
                        _(
                            "Instagram: %(name)s is %(width)d×%(height)d; images must be between 4:5 (portrait) and "
                            "1.91:1 (landscape)."
                        )
                        % {"name": item.name, "width": item.width, "height": item.height},
                    )
                )
        site = graph.site_problem(self.name, len(media))
        if site:
            problems.append(site)
        return problems

    # --- publishing -----------------------------------------------------------------------------
    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        problem = graph.site_problem(self.name, len(media)) if media else None
        if not media or problem:
            message = problem.message if problem else _("Instagram: a post needs an image.")
            raise PublishError(message, kind=ErrorKind.REJECTED)
        self._respect_quota()
        return self.publish_containers(
            user=self.account.config["ig_user_id"],
            text=text,
            image_urls=[item.public_url for item in media],
            profile_url=f"https://www.instagram.com/{self.account.config['username']}/",
        )

    def check_connection(self) -> str:
        user = self._call("GET", f"/{self.account.config['ig_user_id']}", params={"fields": "id,username"})
        return f"@{user.get('username') or self.account.config['username']}"

    def quota(self) -> Quota:
        answer = self._call(
            "GET",
            f"/{self.account.config['ig_user_id']}/content_publishing_limit",
            params={"fields": "quota_usage,config"},
        )
        entry = (answer.get("data") or [{}])[0]
        return Quota(
            used=int(entry.get("quota_usage") or 0), total=int((entry.get("config") or {}).get("quota_total") or 50)
        )

    def _respect_quota(self) -> None:
        quota = self.quota()
        if quota.used >= quota.total:
            raise PublishError(
                reason(
                    "Instagram's limit of %(total)d posts in 24 hours is reached for this account; the post will be "
                    "tried again later."
                )
                % {"total": quota.total},
                kind=ErrorKind.RETRY,
                retry_after=3600,
            )

    # --- conversations ---------------------------------------------------------------------------
    def posts_edge(self) -> Edge:
        return Edge(f"/{self.account.config['ig_user_id']}/media", {"fields": "id,timestamp,comments_count"})

    def activity_of(self, post: dict[str, Any]) -> str:
        count = post.get("comments_count")
        return str(count) if isinstance(count, int) else ""

    def comments_edge(self, post_id: str) -> Edge:
        return Edge(f"/{post_id}/comments", {"fields": COMMENT_FIELDS})

    def mentions_edge(self) -> Edge:
        return Edge(f"/{self.account.config['ig_user_id']}/tags", {"fields": MENTION_FIELDS})

    def messages_of(self, item: dict[str, Any], *, post_id: str) -> list[InboundMessage]:
        if not post_id:
            return [self._message(item, text=item.get("caption"), post_id="", in_reply_to="")]
        comment = self._message(item, text=item.get("text"), post_id=post_id, in_reply_to=post_id)
        replies = (item.get("replies") or {}).get("data") or []
        return [comment] + [
            self._message(reply, text=reply.get("text"), post_id=post_id, in_reply_to=comment.remote_id)
            for reply in replies
        ]

    def _message(self, item: dict[str, Any], *, text: Any, post_id: str, in_reply_to: str) -> InboundMessage:
        author = item.get("from") or {}
        username = str(item.get("username") or author.get("username") or "")
        return InboundMessage(
            remote_id=str(item["id"]),
            text=str(text or ""),
            author=Author(handle=f"@{username}" if username else "Instagram", remote_id=str(author.get("id") or "")),
            created_at=moment(item["timestamp"]),
            url=web_address(item.get("permalink")) or (f"https://www.instagram.com/{username}/" if username else ""),
            in_reply_to=in_reply_to,
            root_id=post_id,
            kind=MessageKind.REPLY if post_id else MessageKind.MENTION,
            ours=username == self.account.config["username"]
            or str(author.get("id") or "") == self.account.config["ig_user_id"],
        )

    def reply(self, *, to: str, text: str, key: str) -> PublishResult:
        """Under a comment; a mention (a media we are tagged in) is not a comment: Instagram says
        it does not exist as one, and the reply goes through the mentions edge instead."""
        response = self.send("POST", f"{self.api_url()}/{to}/replies", publishing=True, spends=(), **self._form(text))
        if missing(response):
            user = self.account.config["ig_user_id"]
            data = {"media_id": to}
            response = self.send(
                "POST", f"{self.api_url()}/{user}/mentions", publishing=True, spends=(), **self._form(text, data)
            )
        if response.status_code >= 400:
            raise self.error_for(response)
        return PublishResult(remote_id=str(response.json()["id"]))

    def _form(self, text: str, extra: dict[str, str] | None = None) -> dict[str, Any]:
        token = self.account.credentials.get(self.credential_key, "")
        return {"params": {"access_token": token}, "data": {"message": text, **(extra or {})}}

    def hide_message(self, *, remote_id: str) -> None:
        self._call("POST", f"/{remote_id}", data={"hide": "true"})

    def delete_message(self, *, remote_id: str, ours: bool) -> None:
        self.delete_object(remote_id)

    def read_account_metrics(self) -> Counters:
        user = self.metrics_get(f"/{self.account.config['ig_user_id']}", {"fields": "followers_count"})
        return Counters.from_fields(json_or_none(user), {Metric.FOLLOWERS: "followers_count"})

    def read_mention(self, *, media_id: str, comment_id: str) -> InboundMessage | None:
        """A mention announced by the `mentions` webhook, read by its ids: the comment naming the
        account (`mentioned_comment`), else the caption naming it (`mentioned_media`); None when
        it is gone. Failures raise as reads do."""
        user = self.account.config["ig_user_id"]
        if comment_id:
            fields = f"mentioned_comment.comment_id({comment_id}){{id,text,timestamp,username}}"
        else:
            fields = f"mentioned_media.media_id({media_id}){{id,caption,timestamp,username,permalink}}"
        answer = self.graph_read(f"/{user}", {"fields": fields})
        found = (answer or {}).get("mentioned_comment" if comment_id else "mentioned_media")
        if not isinstance(found, dict):
            return None
        text = found.get("text") if comment_id else found.get("caption")
        try:
            return self._message(found, text=text, post_id="", in_reply_to="")
        except (KeyError, TypeError, ValueError):
            return None
