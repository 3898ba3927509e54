"""A local LinkedIn (OAuth 2, OpenID userinfo, Posts, Images, organization ACLs) for tests.

    with LinkedInServer(client_id="cid", client_secret="csecret") as server:
        settings.LINKEDIN_API_URL = server.url
        settings.LINKEDIN_OAUTH_URL = server.url + "/oauth/v2"
        server.issue_token()            # a valid access token (60 days)
        server.expire_tokens()          # 401 serviceErrorCode 65602 "The token used in the request has expired"
        server.organizations            # pages the member administers: {id: {"localizedName", "vanityName"}}
        server.posts                    # posts created: author, commentary as LinkedIn renders it, images

Every /rest request must carry Linkedin-Version (YYYYMM) and X-Restli-Protocol-Version 2.0.0
(400 otherwise, as LinkedIn answers). The commentary is rendered as little text: an escaped
reserved character shows as itself, an unescaped one drops the rest of the text (what happens on
linkedin.com), and {hashtag|\\#|word} shows as #word. The same commentary by the same author twice
is 422 DUPLICATE_POST.

The read side (Community Management API, learn.microsoft.com/linkedin/marketing/community-management):
- `GET /rest/posts?q=author&author=<urn>&start&count` (newest first), `GET /rest/posts/<urn>` (404 once deleted);
- `GET /rest/socialActions/<urn>/comments?start&count`: the comments on a post (or, on a comment's
  URN, the replies to it), oldest first, with Rest.li `paging` {start, count, total}; a comment is
  `{"$URN", "id", "actor", "object", "message": {"text"}, "created": {"time"}, "lastModified",
  "parentComment"?, "commentsSummary"}`; URNs in paths are percent-encoded;
- `POST /rest/socialActions/<urn>/comments` (201, the comment, its URN in x-restli-id),
  `DELETE /rest/socialActions/<urn>/comments/<id>?actor=<urn>` (the author, or the page under
  whose post it is);
- `GET /rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=<urn>
  &shares=List(<urn>,...)` (totalShareStatistics per share; a deleted share is left out) and
  `GET /rest/networkSizes/<urn>?edgeType=COMPANY_FOLLOWED_BY_MEMBER` ({"firstDegreeSize"}).

    server.comment_as("urn:li:person:abc", post_urn, "Bravo", created_at=moment)  # someone comments
    server.set_statistics(post_urn, likeCount=4, ...); server.followers = 12
    server.renamed_statistics["likeCount"] = "reactionCount"
"""

from __future__ import annotations

import re
import secrets
import time
from collections import Counter
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlencode

from tests.networks.servers.local import Answer, LocalServer, LoggedRequest

RESERVED = set("|{}@[]()<>#\\*_~")
EXPIRED = {
    "serviceErrorCode": 65602,
    "code": "EXPIRED_ACCESS_TOKEN",
    "message": "The token used in the request has expired",
    "status": 401,
}
INVALID = {"serviceErrorCode": 65600, "code": "INVALID_ACCESS_TOKEN", "message": "Invalid access token", "status": 401}
STATISTICS = ("impressionCount", "uniqueImpressionsCount", "clickCount", "likeCount", "commentCount", "shareCount")
NOT_FOUND = {"status": 404, "serviceErrorCode": 0, "code": "NOT_FOUND", "message": "Not Found"}
HASHTAG_TEMPLATE = re.compile(r"\{hashtag\|\\#\|(\w+)\}")


def render_little_text(commentary: str) -> str:
    """What linkedin.com shows for a commentary: escapes resolved, text cut at a bare reserved char."""
    commentary = HASHTAG_TEMPLATE.sub(lambda m: "\x00" + m.group(1), commentary)
    shown, index = [], 0
    while index < len(commentary):
        char = commentary[index]
        if char == "\\" and index + 1 < len(commentary) and commentary[index + 1] in RESERVED:
            shown.append(commentary[index + 1])
            index += 2
            continue
        if char in RESERVED:
            break
        shown.append("#" if char == "\x00" else char)
        index += 1
    return "".join(shown)


class LinkedInServer(LocalServer):
    name = "linkedin"

    def __init__(self, *, client_id: str = "li-client", client_secret: str = "li-secret") -> None:
        super().__init__()
        self.client_id, self.client_secret = client_id, client_secret
        self.member = {"sub": "782bbtaQ", "name": "Camille Martin", "picture": "https://media.licdn.com/camille.jpg"}
        self.organizations: dict[str, dict[str, str]] = {
            "2414183": {"localizedName": "Desk Corp", "vanityName": "desk-corp"}
        }
        self.tokens: dict[str, float] = {}
        self.codes: dict[str, str] = {}
        self.images: dict[str, dict[str, Any]] = {}
        self.posts: list[dict[str, Any]] = []
        self.auto_approve = True
        self.comments: dict[str, dict[str, Any]] = {}  # comment URN -> comment
        self.renamed_statistics: dict[str, str] = {}
        self.followers = 0

    def issue_token(self, expires_in: int = 5184000) -> dict[str, Any]:
        token = secrets.token_urlsafe(40)
        with self.lock:
            self.tokens[token] = time.time() + expires_in
        return {"access_token": token, "expires_in": expires_in, "scope": "openid,profile,w_member_social"}

    def expire_tokens(self) -> None:
        with self.lock:
            self.tokens = dict.fromkeys(self.tokens, 0.0)

    # --- the read side's knobs ----------------------------------------------------------------
    def comment_as(self, actor: str, on: str, text: str, *, created_at: datetime | None = None) -> str:
        """`actor` comments on the post `on`, or replies to the comment `on`; returns its URN."""
        with self.lock:
            parent = self.comments.get(on)
            post = parent["object"] if parent else on
            comment_id = self.next_id()
            urn = f"urn:li:comment:({post},{comment_id})"
            moment = int((created_at.timestamp() if created_at else time.time()) * 1000)
            self.comments[urn] = {
                "$URN": urn,
                "id": comment_id,
                "actor": actor,
                "object": post,
                "parentComment": on if parent else "",
                "message": {"text": text, "attributes": []},
                "created": {"actor": actor, "time": moment},
                "lastModified": {"actor": actor, "time": moment},
                "deleted": False,
            }
            return urn

    def post_as(self, author: str, commentary: str) -> str:
        """A post already on LinkedIn (made elsewhere than through the desk); returns its URN."""
        with self.lock:
            urn = f"urn:li:share:{7100000000000000000 + len(self.posts) + 1}"
            self.posts.append(
                {
                    "urn": urn,
                    "author": author,
                    "commentary": commentary,
                    "shown": commentary,
                    "images": [],
                    "created": int(time.time() * 1000),
                    "statistics": dict.fromkeys(STATISTICS, 0),
                }
            )
            return urn

    def edit_comment(self, urn: str, text: str) -> None:
        with self.lock:
            self.comments[urn]["message"]["text"] = text
            created = self.comments[urn]["created"]["time"]
            self.comments[urn]["lastModified"]["time"] = max(int(time.time() * 1000), created + 1)

    def comment_exists(self, urn: str) -> bool:
        with self.lock:
            return urn in self.comments and not self.comments[urn]["deleted"]

    def set_statistics(self, post_urn: str, **counts: int) -> None:
        with self.lock:
            self._post(post_urn)["statistics"].update(counts)

    def delete_post(self, post_urn: str) -> None:
        with self.lock:
            self._post(post_urn)["deleted"] = True

    def _post(self, urn: str) -> dict[str, Any]:
        return next(p for p in self.posts if p["urn"] == urn)

    def error_body(self, status: int) -> Any:
        if status == 401:
            return INVALID
        if status == 422:
            return {
                "status": 422,
                "code": "DUPLICATE_POST",
                "message": "Content is a duplicate of urn:li:share:7000000000000000001",
            }
        if status == 429:
            return {
                "status": 429,
                "serviceErrorCode": 101,
                "code": "TOO_MANY_REQUESTS",
                "message": "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
            }
        if status == 403:
            return {
                "status": 403,
                "serviceErrorCode": 100,
                "code": "ACCESS_DENIED",
                "message": "Not enough permissions to access: partnerApiPostsExternal.CREATE.20241101",
            }
        return {"status": status, "message": "Internal Server Error"}

    # --- routing ------------------------------------------------------------------------------
    def route(self, request: LoggedRequest) -> Answer:
        path = request.route
        if path == "/oauth/v2/authorization":
            return self._authorize(request)
        if path == "/oauth/v2/accessToken":
            return self._access_token(request)
        if path.startswith("/upload/"):
            return self._upload(request, path.rsplit("/", 1)[1])
        token_problem = self._token_problem(request)
        if token_problem:
            return 401, token_problem, {}
        if path.startswith("/rest/") and not self._versioned(request):
            return (
                400,
                {
                    "status": 400,
                    "code": "VERSION_MISSING",
                    "message": "A version must be present. "
                    "Please specify a version by adding the LinkedIn-Version header.",
                },
                {},
            )
        if path == "/v2/userinfo":
            return 200, {**self.member, "email_verified": True, "locale": {"country": "FR", "language": "fr"}}, {}
        if path == "/rest/organizationAcls":
            elements = [
                {
                    "organization": f"urn:li:organization:{oid}",
                    "role": "ADMINISTRATOR",
                    "state": "APPROVED",
                    "roleAssignee": f"urn:li:person:{self.member['sub']}",
                }
                for oid in self.organizations
            ]
            return 200, {"paging": {"count": 10, "start": 0}, "elements": elements}, {}
        if path.startswith("/rest/organizations/"):
            org = self.organizations.get(path.rsplit("/", 1)[1])
            return (
                (200, {"id": int(path.rsplit("/", 1)[1]), **org}, {})
                if org
                else (404, {"status": 404, "message": "Not found"}, {})
            )
        if path == "/rest/images" and request.query.get("action") == "initializeUpload":
            return self._initialize_upload(request)
        if path == "/rest/posts" and request.method == "POST":
            return self._create_post(request)
        if path == "/rest/posts" and request.method == "GET":
            return self._posts_by_author(request)
        if path.startswith("/rest/posts/") and request.method == "GET":
            return self._one_post(unquote(path.removeprefix("/rest/posts/")))
        if path.startswith("/rest/socialActions/"):
            return self._social_actions(request, path.removeprefix("/rest/socialActions/"))
        if path == "/rest/organizationalEntityShareStatistics":
            return self._statistics(request)
        if path.startswith("/rest/networkSizes/"):
            return 200, {"firstDegreeSize": self.followers}, {}
        return 404, {"status": 404, "message": "Resource not found"}, {}

    # --- the read side ------------------------------------------------------------------------
    @staticmethod
    def _page(request: LoggedRequest, items: list[Any]) -> dict[str, Any]:
        start, count = int(request.query.get("start") or 0), int(request.query.get("count") or 10)
        return {
            "paging": {"start": start, "count": count, "total": len(items), "links": []},
            "elements": items[start : start + count],
        }

    def _live_posts(self) -> list[dict[str, Any]]:
        return [p for p in self.posts if not p.get("deleted")]

    def _posts_by_author(self, request: LoggedRequest) -> Answer:
        if request.query.get("q") != "author":
            return 400, {"status": 400, "message": "q=author is required"}, {}
        with self.lock:
            mine = [p for p in self._live_posts() if p["author"] == request.query.get("author")]
            shown = [
                {
                    "id": p["urn"],
                    "author": p["author"],
                    "createdAt": p["created"],
                    "lastModifiedAt": p["created"],
                    "commentary": p["commentary"],
                    "lifecycleState": "PUBLISHED",
                    "visibility": "PUBLIC",
                }
                for p in sorted(mine, key=lambda p: p["created"], reverse=True)
            ]
        return 200, self._page(request, shown), {}

    def _one_post(self, urn: str) -> Answer:
        with self.lock:
            post = next((p for p in self._live_posts() if p["urn"] == urn), None)
        if post is None:
            return 404, NOT_FOUND, {}
        return 200, {"id": urn, "author": post["author"], "commentary": post["commentary"]}, {}

    def _social_actions(self, request: LoggedRequest, rest: str) -> Answer:
        target, _sep, tail = rest.partition("/comments")
        target = unquote(target)
        if request.method == "GET" and tail == "":
            return self._comments_on(request, target)
        if request.method == "POST" and tail == "":
            return self._comment(request, target)
        if request.method == "DELETE" and tail.startswith("/"):
            return self._delete_comment(request, target, unquote(tail[1:]))
        return 404, NOT_FOUND, {}

    def _shown(self, comment: dict[str, Any], replies: int) -> dict[str, Any]:
        shown = {k: v for k, v in comment.items() if k != "deleted" and (k != "parentComment" or v)}
        return {**shown, "commentsSummary": {"totalFirstLevelComments": replies, "aggregatedTotalComments": replies}}

    def _replies(self) -> Counter:
        return Counter(c["parentComment"] for c in self.comments.values() if c["parentComment"] and not c["deleted"])

    def _comments_on(self, request: LoggedRequest, target: str) -> Answer:
        with self.lock:
            if target not in self.comments and not any(p["urn"] == target for p in self._live_posts()):
                return 404, NOT_FOUND, {}
            nested = target in self.comments
            found = [
                c
                for c in self.comments.values()
                if not c["deleted"]
                and (c["parentComment"] == target if nested else (c["object"] == target and not c["parentComment"]))
            ]
            found.sort(key=lambda c: (c["created"]["time"], int(c["id"])))
            page = self._page(request, found)
            replies = self._replies()
            page["elements"] = [self._shown(c, replies[c["$URN"]]) for c in page["elements"]]
        return 200, page, {}

    def _comment(self, request: LoggedRequest, target: str) -> Answer:
        body = request.json
        text = (body.get("message") or {}).get("text", "")
        parent = body.get("parentComment") or ""
        with self.lock:
            if parent and parent != target:
                return 400, {"status": 400, "message": "parentComment must be the target of a nested comment"}, {}
            if target not in self.comments and not any(p["urn"] == target for p in self._live_posts()):
                return 404, NOT_FOUND, {}
        urn = self.comment_as(str(body.get("actor", "")), target, text)
        with self.lock:
            shown = self._shown(self.comments[urn], 0)
        return 201, shown, {"x-restli-id": urn}

    def _delete_comment(self, request: LoggedRequest, target: str, comment_id: str) -> Answer:
        actor = request.query.get("actor", "")
        with self.lock:
            comment = next((c for c in self.comments.values() if c["id"] == comment_id and not c["deleted"]), None)
            if comment is None:
                return 404, NOT_FOUND, {}
            post_author = next((p["author"] for p in self.posts if p["urn"] == comment["object"]), "")
            if actor not in (comment["actor"], post_author):
                return 403, self.error_body(403), {}
            comment["deleted"] = True
        return 204, None, {}

    def _statistics(self, request: LoggedRequest) -> Answer:
        query = request.query
        if query.get("q") != "organizationalEntity" or not query.get("organizationalEntity", "").startswith(
            "urn:li:organization:"
        ):
            return 400, {"status": 400, "message": "organizationalEntity is required"}, {}
        wanted = query.get("shares", "").removeprefix("List(").removesuffix(")").split(",")
        with self.lock:
            found = [p for p in self._live_posts() if p["urn"] in wanted]
            elements = [
                {
                    "organizationalEntity": query["organizationalEntity"],
                    "share": p["urn"],
                    "totalShareStatistics": {self.renamed_statistics.get(k, k): v for k, v in p["statistics"].items()},
                }
                for p in found
            ]
        return 200, {"paging": {"start": 0, "count": 10, "links": []}, "elements": elements}, {}

    @staticmethod
    def _versioned(request: LoggedRequest) -> bool:
        version = request.header("Linkedin-Version") or ""
        return request.header("X-Restli-Protocol-Version") == "2.0.0" and re.fullmatch(r"\d{6}", version) is not None

    def _token_problem(self, request: LoggedRequest) -> dict[str, Any] | None:
        with self.lock:
            expiry = self.tokens.get(request.bearer)
        if expiry is None:
            return INVALID
        return EXPIRED if expiry < time.time() else None

    # --- OAuth --------------------------------------------------------------------------------
    def _authorize(self, request: LoggedRequest) -> Answer:
        query = request.query
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return 400, b"invalid client_id", {"Content-Type": "text/html"}
        if not self.auto_approve:
            back = {
                "error": "user_cancelled_authorize",
                "error_description": "The user cancelled the authorization",
                "state": query.get("state", ""),
            }
        else:
            code = secrets.token_urlsafe(16)
            with self.lock:
                self.codes[code] = query["redirect_uri"]
            back = {"code": code, "state": query.get("state", "")}
        return 302, b"", {"Location": f"{query['redirect_uri']}?{urlencode(back)}"}

    def _access_token(self, request: LoggedRequest) -> Answer:
        params = request.form
        if params.get("client_id") != self.client_id or params.get("client_secret") != self.client_secret:
            return 401, {"error": "invalid_client", "error_description": "Client authentication failed"}, {}
        with self.lock:
            redirect_uri = self.codes.pop(params.get("code", ""), None)
        if params.get("grant_type") != "authorization_code" or redirect_uri != params.get("redirect_uri"):
            return (
                400,
                {
                    "error": "invalid_request",
                    "error_description": "Unable to retrieve access token: appid/redirect uri/code verifier does not "
                    "match authorization code. Or authorization code expired.",
                },
                {},
            )
        return 200, self.issue_token(), {}

    # --- images and posts ---------------------------------------------------------------------
    def _initialize_upload(self, request: LoggedRequest) -> Answer:
        owner = (request.json.get("initializeUploadRequest") or {}).get("owner", "")
        image_id = f"D4E10AQ{self.next_id()}"
        with self.lock:
            self.images[image_id] = {"owner": owner, "bytes": None}
        value = {
            "uploadUrlExpiresAt": int(time.time() * 1000) + 86400000,
            "uploadUrl": f"{self.url}/upload/{image_id}",
            "image": f"urn:li:image:{image_id}",
        }
        return 200, {"value": value}, {}

    def _upload(self, request: LoggedRequest, image_id: str) -> Answer:
        if request.method != "PUT" or self._token_problem(request):
            return 401, INVALID, {}
        with self.lock:
            if image_id not in self.images:
                return 404, {"status": 404, "message": "Upload URL not found"}, {}
            self.images[image_id]["bytes"] = request.body
        return 201, None, {}

    def _create_post(self, request: LoggedRequest) -> Answer:
        body = request.json
        content = body.get("content") or {}
        images = [content["media"]] if "media" in content else (content.get("multiImage") or {}).get("images", [])
        for image in images:
            image_id = str(image.get("id", "")).removeprefix("urn:li:image:")
            if self.images.get(image_id, {}).get("bytes") is None:
                return (
                    400,
                    {"status": 400, "code": "INVALID_CONTENT", "message": f"Image {image.get('id')} is not uploaded"},
                    {},
                )
        if (
            body.get("lifecycleState") != "PUBLISHED"
            or (body.get("distribution") or {}).get("feedDistribution") != "MAIN_FEED"
        ):
            return (
                422,
                {"status": 422, "code": "UNPROCESSABLE_ENTITY", "message": "Invalid distribution or lifecycle state"},
                {},
            )
        with self.lock:
            if any(p["author"] == body.get("author") and p["commentary"] == body.get("commentary") for p in self.posts):
                return 422, self.error_body(422), {}
            urn = f"urn:li:share:{7100000000000000000 + len(self.posts) + 1}"
            self.posts.append(
                {
                    "urn": urn,
                    "author": body.get("author"),
                    "commentary": body.get("commentary", ""),
                    "shown": render_little_text(body.get("commentary", "")),
                    "images": images,
                    "created": int(time.time() * 1000),
                    "statistics": dict.fromkeys(STATISTICS, 0),
                }
            )
        return 201, None, {"x-restli-id": urn}
