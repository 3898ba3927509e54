"""LinkedIn (Posts API): a member's profile or an organization page they administer.

Facts (https://learn.microsoft.com/linkedin/marketing/community-management/shares/posts-api,
.../images-api, .../little-text-format, 3-legged OAuth), proven against tests/networks/servers/linkedin.py:
- OAuth 2 authorization code; `POST {LINKEDIN_OAUTH_URL}/accessToken` answers a token valid
  60 days (`expires_in` 5184000), with a refresh token only for partners LinkedIn approved;
- who signed in: `GET /v2/userinfo` (OpenID: `sub` -> urn:li:person:<sub>); the pages they
  administer: `GET /rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED`;
- every /rest call carries `Linkedin-Version: YYYYMM` and `X-Restli-Protocol-Version: 2.0.0`;
- an image: `POST /rest/images?action=initializeUpload` -> `uploadUrl` + image URN, then `PUT`
  the bytes there; the post: `POST /rest/posts` -> 201 with the post URN in `x-restli-id`;
- `commentary` is "little text": | { } @ [ ] ( ) < > # \\ * _ ~ are reserved and escaped with a
  backslash, or the text after them is lost; a #word becomes LinkedIn's hashtag template;
- errors: `{"status", "serviceErrorCode", "code", "message"}`; 401 / 65600-65602 invalid or
  expired token (reconnect), 403 ACCESS_DENIED (the member lost the right: reconnect), 422
  DUPLICATE_POST (rejected), 429 (retry).

Conversations are the comments on the account's posts (LinkedIn has no feed of mentions outside
the restricted notifications API): each read walks the newest WATCHED_POSTS posts
(`GET /rest/posts?q=author`) and, for each, `GET /rest/socialActions/<urn>/comments` with Rest.li
paging (`start`, `count`, `paging.total`, oldest first). The cursor keeps, per post, the newest
comment stored (its time and id); the walk's position (post, `start`) travels in the cursor
between pages, and a post's mark moves only once its last page is stored. A comment's replies
(one level deep on LinkedIn) are read with the thread (`socialActions/<comment urn>/comments`).
A reply is a nested comment (`parentComment`); there is no idempotency key, so a reply whose
answer was lost is left for a person to check. The page deletes comments on its own posts.
Metrics (pages only): `organizationalEntityShareStatistics` per share (a share it leaves out is
looked up: 404 means deleted) and `networkSizes` (COMPANY_FOLLOWED_BY_MEMBER) for followers.
Commenters come as URNs: their names need the People API, which LinkedIn restricts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import requests
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
from networks.budget import POSTS, Rate
from networks.capabilities.conversations import (
    Author,
    InboundMessage,
    MalformedPage,
    MessageAction,
    MessageKind,
    MessagePage,
    web_address,
)
from networks.capabilities.metrics import Counters, GapReason, Metric, json_or_none, read_failure
from networks.http_adapter import ReadWording, Wording, read_error
from networks.oauth import OAuthAdapter, OAuthClient

NAME = "LinkedIn"
# r_organization_social reads the comments on the page's posts (the inbox); r_organization_admin
# its statistics and followers. An account connected before is refused a read (403) and told to
# reconnect, which asks for them.
SCOPES = "openid profile w_member_social w_organization_social r_organization_social r_organization_admin"
RESERVED = re.compile(r"([|{}@\[\]()<>#\\*_~])")
HASHTAG = re.compile(r"(?<![\w\\])\\#(\w+)")
# serviceErrorCode values LinkedIn documents for a token that is invalid, expired or revoked.
TOKEN_ERRORS = {65600, 65601, 65602, 65603, 65604}
# totalShareStatistics: the desk's metric -> LinkedIn's current name ("shareCount" is reposts on
# LinkedIn itself).
LINKEDIN_METRICS = {
    Metric.VIEWS: "impressionCount",
    Metric.REACH: "uniqueImpressionsCount",
    Metric.CLICKS: "clickCount",
    Metric.LIKES: "likeCount",
    Metric.REPLIES: "commentCount",
    Metric.REPOSTS: "shareCount",
}
WATCHED_POSTS = 20  # the newest posts whose comments each read walks
PAGE_SIZE = 100  # comments per call
THREAD_PAGES = 20  # a thread stops after this many pages of each level
# LinkedIn's 429 names no reset (its daily limits reset at midnight UTC, its short throttles sooner):
# try again after this, or after Retry-After when an answer carries one.
THROTTLE_WAIT = 300.0
COMMENT_URN = re.compile(r"^urn:li:comment:\((?P<post>urn:li:[A-Za-z]+:[^,]+),(?P<id>[^)]+)\)$")
READING_MESSAGES = ReadWording(
    refused=gettext_lazy(
        "LinkedIn refused to let the desk read the page's comments (%(reason)s): reconnect the account."
    ),
    throttled=gettext_lazy("LinkedIn asks to slow down; the comments will be read after its limit resets."),
    unreachable=gettext_lazy("LinkedIn could not be reached; the comments will be read again later."),
    failed=gettext_lazy("LinkedIn answered error %(status)d; the comments will be read again later."),
)


def escape_commentary(text: str) -> str:
    """Little text: reserved characters escaped, then #word turned into a real hashtag."""
    escaped = RESERVED.sub(r"\\\1", text)
    return HASHTAG.sub(lambda m: "{hashtag|\\#|" + m.group(1) + "}", escaped)


def _rest_headers(token: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Linkedin-Version": settings.LINKEDIN_VERSION,
        "X-Restli-Protocol-Version": "2.0.0",
    }


def _reason(response) -> tuple[Any, str, int]:
    """(message, code, serviceErrorCode) of LinkedIn's error document."""
    answer = remote.json_of(response)
    message = remote.short(answer.get("message") or answer.get("error_description")) or remote.unnamed_error(
        response.status_code
    )
    return message, str(answer.get("code") or answer.get("error") or ""), int(answer.get("serviceErrorCode") or 0)


class LinkedInAdapter(OAuthAdapter):
    slug = "linkedin"
    name = NAME
    icon = "bi-linkedin"
    # LinkedIn's daily limits for creating posts: 150 per member and 100,000 per application.
    rates = (Rate(POSTS, 150, 24 * 3600), Rate(POSTS, 100_000, 24 * 3600, app_wide=True))
    limits = Limits(
        max_chars=3000,
        counting=Counting.UTF16,
        max_media=20,  # multiImage takes 2 to 20
        images=ImageLimits(Fit(types=frozenset({"image/jpeg", "image/png", "image/gif"}), max_bytes=10 * 1024 * 1024)),
        alt_text_max=4086,
    )
    required_settings = ("LINKEDIN_CLIENT_ID", "LINKEDIN_CLIENT_SECRET")
    scopes = SCOPES
    capabilities = frozenset({Capability.PUBLISH, Capability.CONVERSATIONS, Capability.METRICS})
    message_actions = frozenset({MessageAction.REPLY, MessageAction.DELETE, MessageAction.DELETE_OWN})
    actions_not_offered = {
        MessageAction.HIDE: gettext_lazy(
            "LinkedIn's API has no way to hide a comment: delete it, or report it on linkedin.com."
        ),
    }
    post_metrics = frozenset(LINKEDIN_METRICS)
    account_metrics = frozenset({Metric.FOLLOWERS})
    metrics_batch_size = 20
    wording = Wording(
        throttled=reason("LinkedIn asks to slow down (%(reason)s); the post will be tried again."),
        access_refused=reason("LinkedIn refused the account's access (%(reason)s): reconnect the account."),
        temporary=reason("LinkedIn had a problem (error %(status)d); the post will be tried again."),
        refused=reason("LinkedIn refused the post: %(reason)s"),
    )

    # --- connecting -----------------------------------------------------------------------------
    @classmethod
    def authorize_endpoint(cls) -> str:
        return f"{settings.LINKEDIN_OAUTH_URL}/authorization"

    @classmethod
    def token_endpoint(cls) -> str:
        return f"{settings.LINKEDIN_OAUTH_URL}/accessToken"

    @classmethod
    def accounts_from_tokens(cls, tokens: dict[str, Any], *, client: OAuthClient) -> list[Connection]:
        """The member who signed in, and the organization pages they administer."""
        credentials, expires_at = cls.credentials_from(tokens)
        headers = _rest_headers(credentials["access_token"])
        me = cls.send_connecting("GET", f"{settings.LINKEDIN_API_URL}/v2/userinfo", headers=headers)
        if me.status_code != 200:
            raise ConnectError(_("LinkedIn did not tell who signed in (%(reason)s).") % {"reason": cls.error_words(me)})
        person = remote.json_of(me)

        def account(name: str, urn: str, picture: str = "", vanity: str = "") -> Connection:
            return Connection(
                display_name=name,
                handle=urn,
                avatar_url=picture,
                credentials=credentials,
                config={"author": urn, "vanity_name": vanity},
                token_expires_at=expires_at,
            )

        member = account(
            person.get("name") or _("LinkedIn member"), f"urn:li:person:{person['sub']}", person.get("picture") or ""
        )
        return [member] + [account(*org) for org in cls._organizations(headers)]

    def refresh_credentials(self) -> dict[str, Any] | None:
        """Only for apps LinkedIn approved for refresh tokens; others reconnect every 60 days."""
        return self.refresh_with_token()

    # --- publishing -----------------------------------------------------------------------------
    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        author = self.account.config["author"]
        payload: dict[str, Any] = {
            "author": author,
            "commentary": escape_commentary(text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        images = [{"id": self._upload(item, author), "altText": item.alt_text} for item in media]
        if len(images) == 1:
            payload["content"] = {"media": images[0]}
        elif images:
            payload["content"] = {"multiImage": {"images": images}}
        response = self._call("POST", "/rest/posts", publishing=True, json=payload)
        urn = response.headers.get("x-restli-id") or response.headers.get("x-linkedin-id") or ""
        return PublishResult(remote_id=urn, url=f"https://www.linkedin.com/feed/update/{urn}/")

    def check_connection(self) -> str:
        author = self.account.config["author"]
        if author.startswith("urn:li:organization:"):
            organization = remote.json_of(self._call("GET", f"/rest/organizations/{author.rsplit(':', 1)[1]}"))
            return organization.get("localizedName") or author
        person = remote.json_of(self._call("GET", "/v2/userinfo"))
        return person.get("name") or author

    def _upload(self, item: MediaFile, owner: str) -> str:
        response = self._call(
            "POST", "/rest/images?action=initializeUpload", json={"initializeUploadRequest": {"owner": owner}}
        )
        value = remote.json_of(response).get("value") or {}
        upload = self.send(
            "PUT",
            value["uploadUrl"],
            data=item.read(),
            headers={"Authorization": f"Bearer {self.account.credentials.get('access_token', '')}"},
        )
        if self.failed(upload):
            raise self.error_for(upload)
        return str(value["image"])

    def _call(self, method: str, path: str, *, publishing: bool = False, answers: tuple[int, ...] = (), **kwargs):
        headers = _rest_headers(self.account.credentials.get("access_token", ""))
        url = settings.LINKEDIN_API_URL + path
        return self.call(method, url, publishing=publishing, headers=headers, answers=answers, **kwargs)

    # --- conversations ----------------------------------------------------------------------------
    def read_messages(self, *, cursor: str, since: datetime) -> MessagePage:
        walk = _Walk.load(cursor)
        if not walk.posts:
            walk.posts = self._watched_posts()
            if not walk.posts:
                return MessagePage((), walk.finished(), more=False)
        post = walk.posts[walk.index]
        elements, total = self._comments_page(post, walk.start, missing_ok=True)
        floor = walk.marks.get(post) or (int(since.timestamp() * 1000), "")
        fresh = [c for c in elements if _mark(c) > floor]
        walk.top = max([walk.top, *(_mark(c) for c in fresh)], key=lambda m: m or (0, ""))
        messages = tuple(self._message(c) for c in fresh)
        if walk.start + len(elements) < total and elements:
            walk.start += len(elements)
            return MessagePage(messages, walk.dump(), more=True)
        walk.post_done(post)
        if walk.index < len(walk.posts):
            return MessagePage(messages, walk.dump(), more=True)
        return MessagePage(messages, walk.finished(), more=False)

    def read_thread(self, *, root_id: str) -> list[InboundMessage]:
        found: list[InboundMessage] = []
        for comment in self._all_comments(root_id):
            found.append(self._message(comment))
            if ((comment.get("commentsSummary") or {}).get("totalFirstLevelComments") or 0) > 0:
                found += [self._message(reply) for reply in self._all_comments(str(comment["$URN"]))]
        return found

    def reply(self, *, to: str, text: str, key: str) -> PublishResult:
        """A nested comment under the comment `to` (or a comment on the post `to`)."""
        post, _comment_id = _split_comment(to)
        payload: dict[str, Any] = {
            "actor": self.account.config["author"],
            "object": post or to,
            "message": {"text": text},
        }
        if post:
            payload["parentComment"] = to
        response = self._call("POST", f"/rest/socialActions/{_enc(to)}/comments", publishing=True, json=payload)
        urn = response.headers.get("x-restli-id") or str(remote.json_of(response).get("$URN") or "")
        return PublishResult(remote_id=urn, url=_comment_address(urn))

    def delete_message(self, *, remote_id: str, ours: bool) -> None:
        """The page deletes its own comments and, as the post's author, anyone's on its posts."""
        post, comment_id = _split_comment(remote_id)
        if not post:
            raise MalformedPage(self.name, "not a comment")
        path = f"/rest/socialActions/{_enc(post)}/comments/{quote(comment_id, safe='')}"
        self._call("DELETE", f"{path}?actor={_enc(self.account.config['author'])}", answers=(404,))

    def _watched_posts(self) -> list[str]:
        author = _enc(self.account.config["author"])
        answer = self._read_json(
            f"/rest/posts?q=author&author={author}&start=0&count={WATCHED_POSTS}", READING_MESSAGES
        )
        elements = answer.get("elements") if isinstance(answer, dict) else None
        if not isinstance(elements, list) or not all(isinstance(e, dict) and e.get("id") for e in elements):
            raise MalformedPage(self.name, "not a list of posts")
        return [str(e["id"]) for e in elements]

    def _comments_page(self, target: str, start: int, *, missing_ok: bool = False) -> tuple[list[dict], int]:
        path = f"/rest/socialActions/{_enc(target)}/comments?start={start}&count={PAGE_SIZE}"
        answer = self._read_json(path, READING_MESSAGES, missing_ok=missing_ok)
        if answer is None:
            return [], 0  # the post was deleted: nothing more comes under it
        try:
            elements, total = answer["elements"], int(answer["paging"]["total"])
        except (KeyError, TypeError, ValueError):
            raise MalformedPage(self.name, "not a page of comments") from None
        if not isinstance(elements, list) or not all(isinstance(e, dict) for e in elements):
            raise MalformedPage(self.name, "not a list of comments")
        return elements, total

    def _all_comments(self, target: str) -> list[dict]:
        found: list[dict] = []
        for _page in range(THREAD_PAGES):
            elements, total = self._comments_page(target, len(found), missing_ok=True)
            found += elements
            if not elements or len(found) >= total:
                break
        return found

    def _message(self, comment: dict[str, Any]) -> InboundMessage:
        try:
            urn, actor = str(comment["$URN"]), str(comment["actor"])
            created = int(comment["created"]["time"])
            modified = int((comment.get("lastModified") or {}).get("time") or created)
            parent = str(comment.get("parentComment") or "")
            post = str(comment["object"])
            return InboundMessage(
                remote_id=urn,
                text=str(comment["message"]["text"]),
                author=Author(handle=actor, remote_id=actor),
                created_at=_from_ms(created),
                url=_comment_address(urn),
                in_reply_to=parent or post,
                root_id=post,
                kind=MessageKind.REPLY if parent else MessageKind.COMMENT,
                edited_at=_from_ms(modified) if modified > created else None,
                ours=actor == self.account.config.get("author"),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise MalformedPage(self.name, f"a comment without {error}") from None

    # --- metrics (pages only: LinkedIn gives a member's numbers to no application) ------------------
    def read_post_metrics(self, *, remote_ids: Sequence[str]) -> dict[str, Counters]:
        author = self.account.config["author"]
        if not author.startswith("urn:li:organization:"):
            return {
                i: Counters.gap_for_all(LINKEDIN_METRICS, GapReason.UNSUPPORTED, "a member's post") for i in remote_ids
            }
        shares = ",".join(_enc(i) for i in remote_ids)
        path = (
            "/rest/organizationalEntityShareStatistics?q=organizationalEntity"
            f"&organizationalEntity={_enc(author)}&shares=List({shares})"
        )
        answer = json_or_none(self._read(path, wording=None))
        if not isinstance(answer, dict) or not isinstance(answer.get("elements"), list):
            return {
                i: Counters.gap_for_all(LINKEDIN_METRICS, GapReason.MALFORMED, "not a list of statistics")
                for i in remote_ids
            }
        found = {str(e.get("share") or e.get("ugcPost")): e for e in answer["elements"] if isinstance(e, dict)}
        return {i: self._share_counters(i, found.get(i)) for i in remote_ids}

    def _share_counters(self, remote_id: str, element: dict[str, Any] | None) -> Counters:
        if element is not None:
            return Counters.from_fields(element.get("totalShareStatistics"), LINKEDIN_METRICS)
        if self._read(f"/rest/posts/{_enc(remote_id)}", wording=None, missing_ok=True).status_code == 404:
            return Counters.gap_for_all(LINKEDIN_METRICS, GapReason.DELETED, "LinkedIn: the post was not found")
        return Counters.gap_for_all(LINKEDIN_METRICS, GapReason.MALFORMED, "the answer left this post out")

    def read_account_metrics(self) -> Counters:
        author = self.account.config["author"]
        if not author.startswith("urn:li:organization:"):
            return Counters.gap_for_all([Metric.FOLLOWERS], GapReason.UNSUPPORTED, "a member's profile")
        answer = json_or_none(
            self._read(f"/rest/networkSizes/{_enc(author)}?edgeType=COMPANY_FOLLOWED_BY_MEMBER", wording=None)
        )
        return Counters.from_fields(answer, {Metric.FOLLOWERS: "firstDegreeSize"})

    # --- reads ------------------------------------------------------------------------------------
    def _read_json(self, path: str, wording: ReadWording, *, missing_ok: bool = False) -> Any:
        """A read's JSON (None for a 404 when `missing_ok`); a body that is not JSON is a malformed page."""
        response = self._read(path, wording=wording, missing_ok=missing_ok)
        if response.status_code == 404:
            return None
        try:
            return response.json()
        except ValueError:
            raise MalformedPage(self.name, "not JSON") from None

    def _read(self, path: str, *, wording: ReadWording | None, missing_ok: bool = False) -> requests.Response:
        """One read, its failure in words about reading (`wording` None: about the numbers).
        The path is sent as built: Rest.li's List(...) and encoded URNs must reach LinkedIn as they are."""
        headers = _rest_headers(self.account.credentials.get("access_token", ""))
        try:
            response = self.send("GET", settings.LINKEDIN_API_URL + path, headers=headers)
        except PublishError as error:
            raise error if error.kind == ErrorKind.RECONNECT else self._read_failure(wording, None, "") from None
        if not self.failed(response) or (missing_ok and response.status_code == 404):
            return response
        status = 401 if self.access_refused(response) else response.status_code
        wait = (remote.seconds(response.headers.get("Retry-After")) or THROTTLE_WAIT) if status == 429 else None
        raise self._read_failure(wording, status, self.error_words(response), retry_after=wait)

    def _read_failure(
        self, wording: ReadWording | None, status: int | None, words: Any, retry_after=None
    ) -> PublishError:
        if wording is None:
            return read_failure(self.name, status, reason=str(words), retry_after=retry_after)
        values = {"network": self.name, "reason": words, "status": status or 0}
        return read_error(wording, values, status, retry_after=retry_after)

    @classmethod
    def retry_after(cls, response) -> float | None:
        return remote.seconds(response.headers.get("Retry-After")) or THROTTLE_WAIT

    @classmethod
    def access_refused(cls, response) -> bool:
        """401, a token error code, or 403 ACCESS_DENIED (the member lost the right)."""
        _words, code, service_code = _reason(response)
        status = response.status_code
        return status == 401 or service_code in TOKEN_ERRORS or (status == 403 and code == "ACCESS_DENIED")

    @classmethod
    def error_words(cls, response) -> Any:
        return _reason(response)[0]

    def error_for(self, response) -> PublishError:
        error = super().error_for(response)
        if error.kind == ErrorKind.REJECTED and _reason(response)[1] == "DUPLICATE_POST":
            return PublishError(
                reason("LinkedIn refused the post as a duplicate of an earlier one: %(reason)s")
                % {"reason": self.error_words(response)},
                kind=ErrorKind.REJECTED,
            )
        return error

    @classmethod
    def _organizations(cls, headers: dict[str, str]) -> list[tuple[str, str, str, str]]:
        """(name, URN, logo, vanity name) of the pages the member administers."""
        query = "q=roleAssignee&role=ADMINISTRATOR&state=APPROVED"
        response = cls.send_connecting(
            "GET", f"{settings.LINKEDIN_API_URL}/rest/organizationAcls?{query}", headers=headers
        )
        if response.status_code != 200:
            return []  # without r_organization_admin the member's own profile still works
        pages = []
        for element in remote.json_of(response).get("elements") or []:
            urn = str(element.get("organization") or "")
            if not urn.startswith("urn:li:organization:"):
                continue
            org_id = quote(urn.rsplit(":", 1)[1])
            detail = cls.send_connecting(
                "GET", f"{settings.LINKEDIN_API_URL}/rest/organizations/{org_id}", headers=headers
            )
            organization = remote.json_of(detail) if detail.status_code == 200 else {}
            pages.append((organization.get("localizedName") or urn, urn, "", organization.get("vanityName") or ""))
        return pages


# --- reading -----------------------------------------------------------------------------------------
Mark = tuple[int, str]  # a comment's created time (ms) and id: the newest one stored under a post


class _Walk:
    """The poller's cursor: the marks per post, and where the walk of this round stands."""

    def __init__(self, marks: dict[str, Mark], posts: list[str], index: int, start: int, top: Mark | None):
        self.marks, self.posts, self.index, self.start, self.top = marks, posts, index, start, top

    @classmethod
    def load(cls, cursor: str) -> _Walk:
        try:
            saved = json.loads(cursor) if cursor else {}
            marks = {str(urn): (int(m[0]), str(m[1])) for urn, m in (saved.get("marks") or {}).items()}
            top = saved.get("top")
            return cls(
                marks,
                [str(p) for p in saved.get("posts") or []],
                int(saved.get("index") or 0),
                int(saved.get("start") or 0),
                (int(top[0]), str(top[1])) if top else None,
            )
        except (ValueError, TypeError, AttributeError, IndexError, KeyError):
            return cls({}, [], 0, 0, None)

    def post_done(self, post: str) -> None:
        if self.top is not None:
            self.marks[post] = self.top
        self.index, self.start, self.top = self.index + 1, 0, None

    def dump(self) -> str:
        walk = {"posts": self.posts, "index": self.index, "start": self.start, "top": self.top}
        return json.dumps({"marks": self.marks, **walk})

    def finished(self) -> str:
        """The round is over: only the marks of the posts still watched are kept."""
        kept = {urn: mark for urn, mark in self.marks.items() if urn in self.posts}
        return json.dumps({"marks": kept})


def _mark(comment: Any) -> Mark:
    try:
        return int(comment["created"]["time"]), str(comment["id"])
    except (KeyError, TypeError, ValueError):
        raise MalformedPage(NAME, "a comment without its time or id") from None


def _from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def _enc(urn: str) -> str:
    return quote(urn, safe="")


def _split_comment(urn: str) -> tuple[str, str]:
    """(post URN, comment id) of a comment URN; ("", "") for anything else."""
    match = COMMENT_URN.match(urn)
    return (match["post"], match["id"]) if match else ("", "")


def _comment_address(urn: str) -> str:
    post, _comment_id = _split_comment(urn)
    return web_address(f"https://www.linkedin.com/feed/update/{post}/?commentUrn={_enc(urn)}") if post else ""
