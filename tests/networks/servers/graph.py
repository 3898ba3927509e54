"""Local Meta APIs for tests: the Graph API (Facebook Login, Pages, Instagram content publishing)
and the Threads API, reproducing the documented requests, answers and error documents.

    with GraphServer(app_id="app", app_secret="secret") as graph:
        settings.GRAPH_API_URL = graph.api_url              # http://127.0.0.1:<port>/v21.0
        settings.FACEBOOK_DIALOG_URL = graph.dialog_url
        graph.pages                    # page id -> {"id", "name", "access_token", "instagram_business_account"?}
        graph.expire_tokens()          # 190 "Error validating access token: Session has expired ..."
        graph.throttle()               # (#32) Page request limit reached
        graph.posts                    # Facebook page posts: message, link, photos
        graph.ig_media                 # Instagram media published: caption, image_urls
        graph.quota_usage = 50         # content_publishing_limit answers 50 of 50 used
        graph.container_status = "ERROR"   # the next Instagram containers end in ERROR
        graph.comment(on=post_id, text="Bravo", who="Claire")   # someone comments (or replies: on=comment)
        graph.tag(text="@Desk Café", network="instagram")      # someone tags the page / the IG account
        graph.throttle_reads(minutes=7)  # the next GET: (#4) with X-Business-Use-Case-Usage
        graph.page_size = 5            # the most one page of an edge holds (Graph's default: 25)

    with ThreadsServer(app_id="tapp", app_secret="tsecret") as threads:
        settings.THREADS_API_URL = threads.api_url          # http://127.0.0.1:<port>/v1.0
        settings.THREADS_AUTHORIZE_URL = threads.authorize_url
        threads.threads                # posts published (and replies, with reply_to)
        threads.receive(text, reply_to=id, who="claire")   # someone replies, or mentions (no reply_to)

Containers answer IN_PROGRESS to `container_polls` status reads, then FINISHED. Meta downloads
image_url from the internet: these servers only record it (the tests check what it points at).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from tests.networks.servers.local import Answer, LocalServer, LoggedRequest

GRAPH_VERSION = "v21.0"


def graph_error(
    message: str, code: int, *, subcode: int | None = None, type_: str = "OAuthException", transient: bool = False
) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message, "type": type_, "code": code, "fbtrace_id": "AbCdEf123"}
    if subcode:
        error["error_subcode"] = subcode
    if transient:
        error["is_transient"] = True
    return {"error": error}


EXPIRED = graph_error(
    "Error validating access token: Session has expired on Saturday, 21-Nov-26 10:00:00 PST.", 190, subcode=463
)
INVALID = graph_error("Invalid OAuth access token - Cannot parse access token", 190)
THROTTLED = graph_error("(#32) Page request limit reached", 32)
MISSING = (
    "Unsupported {method} request. Object with ID '{id}' does not exist, cannot be loaded due to missing "
    "permissions, or does not support this operation"
)


def graph_time(epoch: float) -> str:
    """Graph's time format: 2026-11-30T10:00:00+0000."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def missing_error(method: str, object_id: str) -> dict[str, Any]:
    return graph_error(MISSING.format(method=method, id=object_id), 100, subcode=33, type_="GraphMethodException")


def paged(url: str, items: list[dict[str, Any]], query: dict[str, str], page_size: int) -> dict[str, Any]:
    """An edge's page as the Graph API pages: `since` (epoch) keeps what was created at or after
    it; `limit` (at most page_size); cursors `after`; `next` only while more is waiting."""
    since = float(query.get("since") or 0)
    kept = [item for item in items if item["_created"] >= since]
    start = int(base64.b64decode(query["after"]).decode()) if query.get("after") else 0
    limit = min(int(query.get("limit") or page_size), page_size)
    page = kept[start : start + limit]
    answer: dict[str, Any] = {"data": [{k: v for k, v in item.items() if not k.startswith("_")} for item in page]}
    if page:
        after = base64.b64encode(str(start + len(page)).encode()).decode()
        answer["paging"] = {"cursors": {"before": base64.b64encode(str(start).encode()).decode(), "after": after}}
        if start + len(page) < len(kept):
            answer["paging"]["next"] = f"{url}?{urlencode({**query, 'after': after})}"
    return answer


def insights(counts: dict[str, int], names: list[str], renamed: dict[str, str]) -> dict[str, Any]:
    """An insights answer for the metrics asked (`names`), each under its current name."""
    return {
        "data": [
            {
                "name": renamed.get(name, name),
                "period": "lifetime",
                "values": [{"value": counts.get(name, 0)}],
                "id": f"x/insights/{name}/lifetime",
            }
            for name in names
            if name
        ]
    }


def throttled_headers(minutes: int) -> dict[str, str]:
    usage = {"call_count": 100, "total_cputime": 20, "total_time": 30}
    business = {"104000000000001": [{"type": "pages", **usage, "estimated_time_to_regain_access": minutes}]}
    return {"X-App-Usage": json.dumps(usage), "X-Business-Use-Case-Usage": json.dumps(business)}


class _Dialog:
    """The OAuth consent dialog both APIs share: redirect back with a code, or with an error."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}  # code -> redirect_uri
        self.auto_approve = True

    def authorize(self, request: LoggedRequest, app_id: str) -> Answer:
        query = request.query
        if query.get("client_id") != app_id:
            return 400, b"Invalid App ID", {"Content-Type": "text/html"}
        if not self.auto_approve:
            back = {
                "error": "access_denied",
                "error_reason": "user_denied",
                "error_description": "Permissions error",
                "state": query.get("state", ""),
            }
        else:
            code = secrets.token_urlsafe(24)
            self.codes[code] = query["redirect_uri"]
            back = {"code": code, "state": query.get("state", "")}
        return 302, b"", {"Location": f"{query['redirect_uri']}?{urlencode(back)}#_=_"}


class GraphServer(LocalServer):
    name = "graph"

    def __init__(self, *, app_id: str = "fb-app", app_secret: str = "fb-secret") -> None:
        super().__init__()
        self.app_id, self.app_secret = app_id, app_secret
        self.dialog = _Dialog()
        self.user_tokens: dict[str, str] = {}  # token -> "short" | "long"
        self.pages: dict[str, dict[str, Any]] = {
            "104000000000001": {
                "id": "104000000000001",
                "name": "Desk Café",
                "access_token": secrets.token_urlsafe(40),
                "picture": {"data": {"url": "https://scontent.example/desk-cafe.jpg"}},
                "instagram_business_account": {
                    "id": "17841400000000001",
                    "username": "deskcafe",
                    "profile_picture_url": "https://scontent.example/ig.jpg",
                },
            },
            "104000000000002": {
                "id": "104000000000002",
                "name": "Desk Shop",
                "access_token": secrets.token_urlsafe(40),
                "picture": {"data": {"url": "https://scontent.example/desk-shop.jpg"}},
            },
        }
        self.expired = False
        self.posts: list[dict[str, Any]] = []
        self.photos: dict[str, dict[str, Any]] = {}
        self.containers: dict[str, dict[str, Any]] = {}
        self.ig_media: list[dict[str, Any]] = []
        self.quota_usage = 0
        self.container_polls = 1
        self.container_status = "FINISHED"
        self.comments: dict[str, dict[str, Any]] = {}  # id -> network, root, parent, text, from, created, hidden
        self.tags: list[dict[str, Any]] = []  # posts and media by others naming a page or account
        self.page_size = 25
        self.counts: dict[str, dict[str, int]] = {}  # post or media id -> {network's metric name: count}
        self.renamed: dict[str, str] = {}  # a metric Meta now answers under another name
        self.followers_count = 0
        self.elsewhere: dict[str, dict[str, Any]] = {}  # mentions on others' media, by comment or media id

    @property
    def api_url(self) -> str:
        return f"{self.url}/{GRAPH_VERSION}"

    @property
    def dialog_url(self) -> str:
        return f"{self.url}/{GRAPH_VERSION}/dialog/oauth"

    def page(self, name: str) -> dict[str, Any]:
        return next(p for p in self.pages.values() if p["name"] == name)

    def expire_tokens(self) -> None:
        self.expired = True

    # --- people writing -----------------------------------------------------------------------
    def comment(self, *, on: str, text: str, who: str = "Claire Martin", at: float | None = None) -> str:
        """Someone comments on a post or media `on`, or replies to the comment `on`."""
        with self.lock:
            parent = self.comments.get(on)
            root = parent["root"] if parent else on
            network = "instagram" if any(m["id"] == root for m in self.ig_media) else "facebook"
            if network == "instagram" and parent and parent["parent"]:
                parent = self.comments[parent["parent"]]  # Instagram nests one level
            comment_id = self.next_id() if network == "instagram" else f"{root.split('_')[-1]}_{self.next_id()}"
            author = {"id": f"9{abs(hash(who)) % 10**14}", "name": who, "username": who.lower().replace(" ", ".")}
            self.comments[comment_id] = {
                "id": comment_id,
                "network": network,
                "root": root,
                "parent": parent["id"] if parent else None,
                "text": text,
                "from": author,
                "created": time.time() if at is None else at,
                "hidden": False,
            }
            return comment_id

    def tag(self, *, text: str, network: str = "facebook", who: str = "Bob Durand", at: float | None = None) -> str:
        with self.lock:
            tag_id = f"3000_{self.next_id()}" if network == "facebook" else self.next_id()
            author = {"id": f"8{abs(hash(who)) % 10**14}", "name": who}
            self.tags.append(
                {
                    "id": tag_id,
                    "network": network,
                    "text": text,
                    "from": author,
                    "created": time.time() if at is None else at,
                }
            )
            return tag_id

    def mention_elsewhere(self, text: str, *, in_comment: bool = True, who: str = "lea.b") -> tuple[str, str]:
        """Someone names the Instagram account in a comment (or caption) on their own media:
        the (media id, comment id) the `mentions` webhook announces."""
        with self.lock:
            media_id, comment_id = self.next_id(), self.next_id() if in_comment else ""
            self.elsewhere[comment_id or media_id] = {"text": text, "username": who, "created": time.time()}
            return media_id, comment_id

    def media_post(self, caption: str) -> str:
        """A media the Instagram account published (as media_publish would have made it)."""
        with self.lock:
            media_id = str(17950000000000000 + len(self.ig_media) + 1)
            self.ig_media.append(
                {
                    "id": media_id,
                    "shortcode": f"C{media_id[-6:]}",
                    "caption": caption,
                    "image_urls": [],
                    "created": time.time(),
                }
            )
            return media_id

    def hidden(self, comment_id: str) -> bool:
        return bool(self.comments.get(comment_id, {}).get("hidden"))

    def comment_exists(self, comment_id: str) -> bool:
        return comment_id in self.comments

    def delete_post(self, post_id: str) -> None:
        with self.lock:
            self.posts = [p for p in self.posts if p["id"] != post_id]
            self.ig_media = [m for m in self.ig_media if m["id"] != post_id]

    def throttle_reads(self, minutes: int = 7, status: int = 400, code: int = 4) -> None:
        body = graph_error("(#4) Application request limit reached", code, type_="OAuthException", transient=True)
        self.fail_next(status, path=f"/{GRAPH_VERSION}/", method="GET", body=body, headers=throttled_headers(minutes))

    def throttle(self) -> None:
        self.fail_next(400, path=f"/{GRAPH_VERSION}/", method="POST", body=THROTTLED)

    def error_body(self, status: int) -> Any:
        if status == 400:
            return graph_error("(#100) Invalid parameter", 100)
        if status == 401:
            return EXPIRED
        return graph_error("An unexpected error has occurred. Please retry your request later.", 2, transient=True)

    # --- routing ------------------------------------------------------------------------------
    def route(self, request: LoggedRequest) -> Answer:
        path = request.route.removeprefix(f"/{GRAPH_VERSION}")
        if path == "/dialog/oauth":
            return self.dialog.authorize(request, self.app_id)
        params = request.params()
        token = request.query.get("access_token") or params.get("access_token", "")
        if path == "/oauth/access_token":
            return self._access_token(request.query)
        if self.expired:
            return 400, EXPIRED, {}
        if path == "/me/accounts":
            return self._accounts(token, request.query.get("fields", ""))
        page = next((p for p in self.pages.values() if p["access_token"] == token), None)
        if page is None:
            return 400, INVALID, {}
        return self._page_api(request.method, path, params, page)

    def _access_token(self, query: dict[str, str]) -> Answer:
        if query.get("client_id") != self.app_id or query.get("client_secret") != self.app_secret:
            return 400, graph_error("Error validating client secret.", 1, type_="OAuthException"), {}
        if query.get("grant_type") == "fb_exchange_token":
            if self.user_tokens.get(query.get("fb_exchange_token", "")) is None:
                return 400, INVALID, {}
            token = secrets.token_urlsafe(40)
            self.user_tokens[token] = "long"
            return 200, {"access_token": token, "token_type": "bearer", "expires_in": 5183944}, {}
        if self.dialog.codes.pop(query.get("code", ""), None) != query.get("redirect_uri"):
            return 400, graph_error("Invalid verification code format.", 100, subcode=36008), {}
        token = secrets.token_urlsafe(40)
        self.user_tokens[token] = "short"
        return 200, {"access_token": token, "token_type": "bearer", "expires_in": 5183}, {}

    def _accounts(self, token: str, fields: str) -> Answer:
        if token not in self.user_tokens:
            return 400, INVALID, {}
        pages = []
        for page in self.pages.values():
            shown = {
                k: v
                for k, v in page.items()
                if k != "instagram_business_account" or "instagram_business_account" in fields
            }
            pages.append(shown)
        return 200, {"data": pages, "paging": {"cursors": {"before": "QVFIU", "after": "QVFIU"}}}, {}

    def _page_api(self, method: str, path: str, params: dict[str, Any], page: dict[str, Any]) -> Answer:
        ig = page.get("instagram_business_account") or {}
        parts = path.strip("/").split("/")
        if method == "GET" and parts == [page["id"]]:
            return 200, {"id": page["id"], "name": page["name"], "followers_count": self.followers_count}, {}
        if method == "POST" and parts == [page["id"], "feed"]:
            return self._feed(page, params)
        if method == "POST" and parts == [page["id"], "photos"]:
            return self._photo(page, params)
        reading = {("GET", "media"), ("GET", "tags"), ("POST", "mentions")}
        if ig and parts[0] == ig["id"] and len(parts) == 2 and (method, parts[1]) in reading:
            return self._ig_reading(method, parts[1], params, ig)
        if ig and parts[0] == ig["id"]:
            return self._instagram(method, parts[1:], params, ig)
        answer = self._conversations(method, parts, params, page)
        if answer is not None:
            return answer
        if method == "GET" and parts[0] in self.containers:
            container = self.containers[parts[0]]
            container["polls"] -= 1
            status = "IN_PROGRESS" if container["polls"] >= 0 else container["final"]
            return (
                200,
                {
                    "id": parts[0],
                    "status_code": status,
                    "status": f"{status}: {container.get('reason', '')}".strip(": "),
                },
                {},
            )
        published = next((m for m in self.ig_media if m["id"] == parts[0]), None)
        if method == "GET" and published:
            return (
                200,
                {"id": published["id"], "permalink": f"https://www.instagram.com/p/{published['shortcode']}/"},
                {},
            )
        return (
            400,
            graph_error(f"Unsupported {method} request. Object with ID '{parts[0]}' does not exist", 100, subcode=33),
            {},
        )

    # --- comments, replies and mentions (Facebook and Instagram) -----------------------------------
    def _conversations(
        self, method: str, parts: list[str], params: dict[str, Any], page: dict[str, Any]
    ) -> Answer | None:
        target = parts[0]
        url = f"{self.api_url}/{'/'.join(parts)}"
        if method == "GET" and parts == [page["id"], "published_posts"]:
            posts = [self._fb_post(p) for p in reversed(self.posts) if p["page"] == page["id"]]
            return 200, paged(url, posts, params, self.page_size), {}
        if method == "GET" and parts == [page["id"], "tagged"]:
            tags = [self._fb_tag(t) for t in reversed(self.tags) if t["network"] == "facebook"]
            return 200, paged(url, tags, params, self.page_size), {}
        post = next((p for p in self.posts if p["id"] == target), None)
        media = next((m for m in self.ig_media if m["id"] == target), None)
        comment = self.comments.get(target)
        post = post or next((t for t in self.tags if t["id"] == target and t["network"] == "facebook"), None)
        if method == "GET" and parts[1:] == [] and any(p["id"] == target for p in self.posts):
            return 200, self._fb_metrics(target), {}
        if method == "GET" and parts[1:] == ["insights"] and media:
            return 200, insights(self.counts.get(target, {}), params.get("metric", "").split(","), self.renamed), {}
        if method == "GET" and parts[1:] == ["comments"] and (post or media):
            return 200, paged(url, self._comments_of(target, params), params, self.page_size), {}
        if method == "POST" and parts[1:] == ["comments"] and (post or (comment and comment["network"] == "facebook")):
            return 200, {"id": self._ours(target, params, page["id"], page["name"])}, {}
        if method == "POST" and parts[1:] == ["replies"] and comment and comment["network"] == "instagram":
            ig = page["instagram_business_account"]
            return 200, {"id": self._ours(target, params, ig["id"], ig["username"])}, {}
        if comment and method == "POST" and parts[1:] == [] and ("is_hidden" in params or "hide" in params):
            comment["hidden"] = (params.get("is_hidden") or params.get("hide")) == "true"
            return 200, {"success": True}, {}
        if comment and method == "DELETE" and parts[1:] == []:
            doomed = {target} | {c for c, v in self.comments.items() if v["parent"] == target}
            self.comments = {c: v for c, v in self.comments.items() if c not in doomed}
            return 200, {"success": True}, {}
        unknown = not (post or media or comment) and target not in self.containers
        if (
            method in ("GET", "POST", "DELETE")
            and parts[1:] in ([], ["comments"], ["replies"], ["insights"])
            and unknown
        ):
            return 400, missing_error(method, target), {}
        return None

    def _fb_metrics(self, post_id: str) -> dict[str, Any]:
        """A Page post's counters as GET /{post-id}?fields=reactions.summary(...),...,insights.metric(...)."""
        counts = self.counts.get(post_id, {})
        answer: dict[str, Any] = {"id": post_id}
        for edge in ("reactions", "comments"):
            answer[self.renamed.get(edge, edge)] = {"data": [], "summary": {"total_count": counts.get(edge, 0)}}
        if counts.get("shares"):  # Graph leaves `shares` out while nobody shared
            answer[self.renamed.get("shares", "shares")] = {"count": counts["shares"]}
        names = ["post_media_view", "post_total_media_view_unique", "post_clicks"]
        answer["insights"] = insights(counts, names, self.renamed)
        return answer

    def _ours(self, on: str, params: dict[str, Any], author_id: str, name: str) -> str:
        if not params.get("message"):
            return ""
        comment_id = self.comment(on=on, text=params["message"], who=name)
        self.comments[comment_id]["from"] = {"id": author_id, "name": name, "username": name}
        return comment_id

    def _comments_of(self, root: str, query: dict[str, str]) -> list[dict[str, Any]]:
        everything = sorted((c for c in self.comments.values() if c["root"] == root), key=lambda c: c["created"])
        if any(m["id"] == root for m in self.ig_media):
            return [self._ig_comment(c, everything) for c in everything if not c["parent"]]
        if query.get("filter") != "stream":
            everything = [c for c in everything if not c["parent"]]
        return [self._fb_comment(c) for c in everything]

    def _fb_comment(self, c: dict[str, Any]) -> dict[str, Any]:
        comment = {
            "id": c["id"],
            "message": c["text"],
            "created_time": graph_time(c["created"]),
            "from": {
                "id": c["from"]["id"],
                "name": c["from"]["name"],
                "picture": {"data": {"url": "https://scontent.example/p.jpg"}},
            },
            "permalink_url": f"https://www.facebook.com/{c['root']}?comment_id={c['id']}",
            "is_hidden": c["hidden"],
            "_created": c["created"],
        }
        if c["parent"]:
            comment["parent"] = {"id": c["parent"], "created_time": graph_time(self.comments[c["parent"]]["created"])}
        return comment

    def _ig_comment(self, c: dict[str, Any], everything: list[dict[str, Any]]) -> dict[str, Any]:
        def fields(item):
            entry = {
                "id": item["id"],
                "text": item["text"],
                "timestamp": graph_time(item["created"]),
                "username": item["from"]["username"],
                "from": {"id": item["from"]["id"], "username": item["from"]["username"]},
                "hidden": item["hidden"],
            }
            if item["parent"]:
                entry["parent_id"] = item["parent"]
            return entry

        replies = [fields(r) for r in everything if r["parent"] == c["id"]]
        return {
            **fields(c),
            "replies": {"data": replies},
            "_created": max([c["created"]] + [r["created"] for r in everything if r["parent"] == c["id"]]),
        }

    def _fb_post(self, post: dict[str, Any]) -> dict[str, Any]:
        """A Page post; its `updated_time` moves when someone comments."""
        latest = max([post["created"]] + [c["created"] for c in self.comments.values() if c["root"] == post["id"]])
        return {
            "id": post["id"],
            "created_time": graph_time(post["created"]),
            "updated_time": graph_time(latest),
            "_created": post["created"],
        }

    def _fb_tag(self, tag: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": tag["id"],
            "message": tag["text"],
            "created_time": graph_time(tag["created"]),
            "from": tag["from"],
            "permalink_url": f"https://www.facebook.com/{tag['id']}",
            "_created": tag["created"],
        }

    def _mentioned(self, fields: str, ig: dict[str, Any]) -> Answer:
        """GET /{ig-user-id}?fields=mentioned_comment.comment_id(ID){...} or mentioned_media.media_id(ID){...}."""
        found = re.match(r"mentioned_(comment|media)\.(?:comment|media)_id\((\d+)\)", fields)
        mention = self.elsewhere.get(found.group(2)) if found else None
        if not found or mention is None:
            return 400, graph_error("(#100) Invalid mention", 100, type_="IGApiException"), {}
        item = {"id": found.group(2), "timestamp": graph_time(mention["created"]), "username": mention["username"]}
        if found.group(1) == "comment":
            return 200, {"id": ig["id"], "mentioned_comment": {**item, "text": mention["text"]}}, {}
        item |= {"caption": mention["text"], "permalink": f"https://www.instagram.com/p/M{found.group(2)[-6:]}/"}
        return 200, {"id": ig["id"], "mentioned_media": item}, {}

    def _ig_reading(self, method: str, edge: str, params: dict[str, Any], ig: dict[str, Any]) -> Answer:
        url = f"{self.api_url}/{ig['id']}/{edge}"
        if method == "GET" and edge == "media":
            media = [
                {
                    "id": m["id"],
                    "timestamp": graph_time(m["created"]),
                    "comments_count": sum(1 for c in self.comments.values() if c["root"] == m["id"]),
                    "_created": m["created"],
                }
                for m in reversed(self.ig_media)
            ]
            return 200, paged(url, media, params, self.page_size), {}
        if method == "GET" and edge == "tags":
            tags = [
                {
                    "id": t["id"],
                    "caption": t["text"],
                    "timestamp": graph_time(t["created"]),
                    "username": t["from"]["name"].lower().replace(" ", "."),
                    "permalink": f"https://www.instagram.com/p/T{t['id'][-6:]}/",
                    "_created": t["created"],
                }
                for t in reversed(self.tags)
                if t["network"] == "instagram"
            ]
            return 200, paged(url, tags, params, self.page_size), {}
        if method == "POST" and edge == "mentions":
            tag = next((t for t in self.tags if t["id"] == params.get("media_id")), None)
            if tag is None or not params.get("message"):
                return 400, graph_error("(#100) Invalid media_id", 100, type_="IGApiException"), {}
            reply_id = self.next_id()
            tag.setdefault("replies", []).append({"id": reply_id, "message": params["message"]})
            return 200, {"id": reply_id}, {}
        return 400, graph_error("(#100) Unsupported request", 100), {}

    # --- Facebook Pages -----------------------------------------------------------------------
    def _feed(self, page: dict[str, Any], params: dict[str, Any]) -> Answer:
        attached = [json.loads(v)["media_fbid"] for k, v in sorted(params.items()) if k.startswith("attached_media[")]
        if not params.get("message") and not params.get("link") and not attached:
            return 400, graph_error("(#100) Missing message or attachment", 100), {}
        if any(a not in self.photos or self.photos[a]["published"] for a in attached):
            return 400, graph_error("(#100) param attached_media must be an array of unpublished photos", 100), {}
        if any(
            p["message"] == params.get("message") and p["page"] == page["id"]
            for p in self.posts
            if params.get("message")
        ):
            return 400, graph_error("Duplicate status message", 506, subcode=1455006), {}
        post_id = f"{page['id']}_{100000000000 + len(self.posts) + 1}"
        self.posts.append(
            {
                "id": post_id,
                "page": page["id"],
                "message": params.get("message", ""),
                "link": params.get("link"),
                "photos": attached,
                "created": time.time(),
            }
        )
        return 200, {"id": post_id}, {}

    def _photo(self, page: dict[str, Any], params: dict[str, Any]) -> Answer:
        source = params.get("source")
        if not isinstance(source, tuple) and not params.get("url"):
            return 400, graph_error("(#324) Requires upload file", 324), {}
        photo_id = str(200000000000 + len(self.photos) + 1)
        published = params.get("published", "true") != "false"
        self.photos[photo_id] = {"bytes": source[0] if isinstance(source, tuple) else b"", "published": published}
        if not published:
            return 200, {"id": photo_id}, {}
        post_id = f"{page['id']}_{100000000000 + len(self.posts) + 1}"
        self.posts.append(
            {
                "id": post_id,
                "page": page["id"],
                "message": params.get("message", ""),
                "link": None,
                "photos": [photo_id],
                "created": time.time(),
            }
        )
        return 200, {"id": photo_id, "post_id": post_id}, {}

    # --- Instagram ----------------------------------------------------------------------------
    def _instagram(self, method: str, rest: list[str], params: dict[str, Any], ig: dict[str, Any]) -> Answer:
        if method == "GET" and not rest and "mentioned_" in params.get("fields", ""):
            return self._mentioned(params["fields"], ig)
        if method == "GET" and not rest:
            return 200, {"id": ig["id"], "username": ig["username"], "followers_count": self.followers_count}, {}
        if method == "GET" and rest == ["content_publishing_limit"]:
            return (
                200,
                {"data": [{"quota_usage": self.quota_usage, "config": {"quota_total": 50, "quota_duration": 86400}}]},
                {},
            )
        if method == "POST" and rest == ["media"]:
            return self._container(params)
        if method == "POST" and rest == ["media_publish"]:
            return self._ig_publish(params)
        return 400, graph_error("(#100) Unsupported request", 100), {}

    def _container(self, params: dict[str, Any]) -> Answer:
        caption = params.get("caption", "")
        if len(caption) > 2200:
            return 400, graph_error("The caption is too long.", 100, subcode=2207040, type_="IGApiException"), {}
        if len(re.findall(r"(?<!\w)#\w+", caption)) > 30:
            return (
                400,
                graph_error(
                    "The caption contains more than 30 hashtags.", 100, subcode=2207040, type_="IGApiException"
                ),
                {},
            )
        if params.get("media_type") == "CAROUSEL":
            children = params.get("children", "").split(",")
            if not 2 <= len(children) <= 10 or any(c not in self.containers for c in children):
                return 400, graph_error("(#100) The carousel children are invalid", 100, type_="IGApiException"), {}
            urls = [u for c in children for u in self.containers[c]["image_urls"]]
        else:
            url = params.get("image_url", "")
            if not url.startswith("https://") or not url.lower().endswith((".jpg", ".jpeg")):
                return (
                    400,
                    graph_error(
                        "Only photo or video can be accepted as media type.",
                        9004,
                        subcode=2207052,
                        type_="IGApiException",
                    ),
                    {},
                )
            urls = [url]
        container_id = str(17900000000000000 + len(self.containers) + 1)
        self.containers[container_id] = {
            "image_urls": urls,
            "caption": caption,
            "polls": self.container_polls,
            "final": self.container_status,
            "reason": "Error: the media could not be fetched from the URI" if self.container_status == "ERROR" else "",
        }
        return 200, {"id": container_id}, {}

    def _ig_publish(self, params: dict[str, Any]) -> Answer:
        container = self.containers.get(params.get("creation_id", ""))
        if container is None:
            return 400, graph_error("(#100) Invalid creation_id", 100, type_="IGApiException"), {}
        if container["polls"] >= 0 or container["final"] != "FINISHED":
            return 400, graph_error("Media ID is not available", 9007, subcode=2207027, type_="IGApiException"), {}
        if self.quota_usage >= 50:
            return 400, graph_error("Application request limit reached", 4, subcode=2207042, type_="IGApiException"), {}
        media_id = str(17950000000000000 + len(self.ig_media) + 1)
        self.ig_media.append(
            {
                "id": media_id,
                "shortcode": f"C{media_id[-6:]}",
                "caption": container["caption"],
                "image_urls": container["image_urls"],
                "created": time.time(),
            }
        )
        self.quota_usage += 1
        return 200, {"id": media_id}, {}


class ThreadsServer(LocalServer):
    name = "threads"
    version = "v1.0"

    def __init__(self, *, app_id: str = "th-app", app_secret: str = "th-secret") -> None:
        super().__init__()
        self.app_id, self.app_secret = app_id, app_secret
        self.dialog = _Dialog()
        self.user = {
            "id": "25000000000000001",
            "username": "desk.threads",
            "name": "The Desk",
            "threads_profile_picture_url": "https://scontent.example/th.jpg",
        }
        self.tokens: dict[str, str] = {}  # token -> "short" | "long"
        self.expired = False
        self.containers: dict[str, dict[str, Any]] = {}
        self.threads: list[dict[str, Any]] = []
        self.container_polls = 1
        self.page_size = 25
        self.counts: dict[str, dict[str, int]] = {}
        self.renamed: dict[str, str] = {}
        self.followers_count = 0

    def forget(self, thread_id: str) -> None:
        with self.lock:
            self.threads = [t for t in self.threads if t["id"] != thread_id]

    def receive(self, text: str, *, reply_to: str = "", who: str = "claire.m", at: float | None = None) -> str:
        """Someone replies to `reply_to` (a post or a reply), or, without it, mentions the profile."""
        with self.lock:
            parent = next((t for t in self.threads if t["id"] == reply_to), None) if reply_to else None
            thread_id = str(18100000000000000 + len(self.threads) + 1)
            if not reply_to:
                text = f"@{self.user['username']} {text}"
            self.threads.append(
                {
                    "id": thread_id,
                    "code": f"D{thread_id[-6:]}",
                    "text": text,
                    "images": [],
                    "owner": who,
                    "reply_to": reply_to,
                    "root": (parent.get("root") or parent["id"]) if parent else "",
                    "mentions": not reply_to,
                    "hidden": False,
                    "created": time.time() if at is None else at,
                }
            )
            return thread_id

    def exists(self, thread_id: str) -> bool:
        return any(t["id"] == thread_id for t in self.threads)

    def hidden(self, thread_id: str) -> bool:
        return any(t["id"] == thread_id and t["hidden"] for t in self.threads)

    def throttle_reads(self, minutes: int = 7) -> None:
        body = graph_error("(#4) Application request limit reached", 4, type_="THApiException", transient=True)
        self.fail_next(400, path=f"/{self.version}/", method="GET", body=body, headers=throttled_headers(minutes))

    @property
    def api_url(self) -> str:
        return f"{self.url}/{self.version}"

    @property
    def authorize_url(self) -> str:
        return f"{self.url}/oauth/authorize"

    def long_lived_token(self) -> str:
        token = secrets.token_urlsafe(40)
        self.tokens[token] = "long"
        return token

    def expire_tokens(self) -> None:
        self.expired = True

    def error_body(self, status: int) -> Any:
        if status == 400:
            return graph_error("Param text must be at most 500 characters long.", 100, type_="THApiException")
        if status == 401:
            return EXPIRED
        return graph_error("An unknown error occurred", 1, type_="THApiException", transient=True)

    def route(self, request: LoggedRequest) -> Answer:
        path = request.route
        if path == "/oauth/authorize":
            return self.dialog.authorize(request, self.app_id)
        params = request.params()
        if path == "/oauth/access_token":
            return self._code(params)
        token = request.query.get("access_token") or params.get("access_token", "")
        if self.expired or token not in self.tokens:
            return 400, EXPIRED if self.expired else INVALID, {}
        if path == "/access_token":
            if (
                request.query.get("grant_type") != "th_exchange_token"
                or request.query.get("client_secret") != self.app_secret
            ):
                return 400, graph_error("Invalid grant type", 100), {}
            return 200, {"access_token": self.long_lived_token(), "token_type": "bearer", "expires_in": 5183944}, {}
        if path == "/refresh_access_token":
            if self.tokens[token] != "long":
                return 400, graph_error("Only long-lived tokens can be refreshed", 100), {}
            return 200, {"access_token": self.long_lived_token(), "token_type": "bearer", "expires_in": 5183944}, {}
        return self._api(request.method, path.removeprefix(f"/{self.version}"), params)

    def _code(self, params: dict[str, Any]) -> Answer:
        if params.get("client_id") != self.app_id or params.get("client_secret") != self.app_secret:
            return 400, graph_error("Error validating client secret.", 1), {}
        if self.dialog.codes.pop(params.get("code", ""), None) != params.get("redirect_uri"):
            return 400, graph_error("Invalid verification code format.", 100, subcode=36008), {}
        token = secrets.token_urlsafe(40)
        self.tokens[token] = "short"
        return 200, {"access_token": token, "user_id": self.user["id"]}, {}

    def _api(self, method: str, path: str, params: dict[str, Any]) -> Answer:
        parts = path.strip("/").split("/")
        if method == "GET" and parts == ["me"]:
            return 200, self.user, {}
        answer = self._replies(method, parts, params)
        if answer is not None:
            return answer
        if method == "POST" and parts == [self.user["id"], "threads"]:
            return self._container(params)
        if method == "POST" and parts == [self.user["id"], "threads_publish"]:
            return self._publish(params)
        if method == "GET" and parts[0] in self.containers:
            container = self.containers[parts[0]]
            container["polls"] -= 1
            return 200, {"id": parts[0], "status": "IN_PROGRESS" if container["polls"] >= 0 else "FINISHED"}, {}
        thread = next((t for t in self.threads if t["id"] == parts[0]), None)
        if method == "GET" and thread:
            return (
                200,
                {
                    "id": thread["id"],
                    "permalink": f"https://www.threads.net/@{self.user['username']}/post/{thread['code']}",
                },
                {},
            )
        return 400, graph_error(f"Object with ID '{parts[0]}' does not exist", 100, subcode=33), {}

    # --- replies, conversations, mentions --------------------------------------------------------
    def _replies(self, method: str, parts: list[str], params: dict[str, Any]) -> Answer | None:
        url = f"{self.api_url}/{'/'.join(parts)}"
        user = self.user["id"]
        if method == "GET" and parts == [user, "threads"]:
            own = [self._listed(t) for t in reversed(self.threads) if t.get("owner") is None and not t.get("reply_to")]
            return 200, paged(url, own, params, self.page_size), {}
        if method == "GET" and parts == [user, "threads_insights"]:
            names = params.get("metric", "").split(",")
            data = [
                {"name": self.renamed.get(n, n), "period": "day", "total_value": {"value": self.followers_count}}
                for n in names
                if n == "followers_count"
            ]
            return 200, {"data": data}, {}
        if method == "GET" and parts == [user, "mentions"]:
            mentions = [self._listed(t) for t in reversed(self.threads) if t.get("mentions")]
            return 200, paged(url, mentions, params, self.page_size), {}
        thread = next((t for t in self.threads if t["id"] == parts[0]), None)
        if thread is None:
            return None
        if method == "GET" and parts[1:] == ["insights"]:
            counts = self.counts.get(thread["id"], {})
            return 200, insights(counts, params.get("metric", "").split(","), self.renamed), {}
        if method == "GET" and parts[1:] == ["conversation"]:
            under = sorted((t for t in self.threads if t.get("root") == thread["id"]), key=lambda t: t["created"])
            if params.get("reverse", "true") != "false":
                under.reverse()
            return 200, paged(url, [self._listed(t) for t in under], params, self.page_size), {}
        if method == "POST" and parts[1:] == ["manage_reply"]:
            if not thread.get("reply_to"):
                return 400, graph_error("Only replies can be hidden", 100, type_="THApiException"), {}
            thread["hidden"] = params.get("hide") == "true"
            return 200, {"success": True}, {}
        if method == "DELETE" and parts[1:] == []:
            if thread.get("owner") is not None:
                return 400, graph_error("You can only delete your own posts", 200, type_="THApiException"), {}
            self.threads.remove(thread)
            return 200, {"success": True, "deleted_id": thread["id"]}, {}
        return None

    def _listed(self, t: dict[str, Any]) -> dict[str, Any]:
        username = t.get("owner") or self.user["username"]
        entry: dict[str, Any] = {
            "id": t["id"],
            "text": t["text"],
            "username": username,
            "timestamp": graph_time(t.get("created") or time.time()),
            "permalink": f"https://www.threads.net/@{username}/post/{t['code']}",
            "is_reply_owned_by_me": t.get("owner") is None,
            "_created": t.get("created") or 0,
        }
        if t.get("reply_to"):
            entry["replied_to"] = {"id": t["reply_to"]}
            entry["root_post"] = {"id": t["root"]}
            entry["hide_status"] = "HIDDEN" if t["hidden"] else "NOT_HUSHED"
        return entry

    def _container(self, params: dict[str, Any]) -> Answer:
        text = params.get("text", "")
        if len(text) > 500:
            return 400, self.error_body(400), {}
        reply_to = params.get("reply_to_id", "")
        if reply_to and not self.exists(reply_to):
            return 400, graph_error("The reply_to_id does not exist", 100, type_="THApiException"), {}
        kind = params.get("media_type")
        if kind == "IMAGE" and not str(params.get("image_url", "")).startswith("https://"):
            return 400, graph_error("The media could not be fetched from the URL", 100, type_="THApiException"), {}
        children = params.get("children", "").split(",") if kind == "CAROUSEL" else []
        if kind == "CAROUSEL" and (not 2 <= len(children) <= 20 or any(c not in self.containers for c in children)):
            return 400, graph_error("Invalid carousel children", 100, type_="THApiException"), {}
        if kind not in ("TEXT", "IMAGE", "CAROUSEL") or (kind == "TEXT" and not text):
            return 400, graph_error("Invalid media_type or empty text", 100, type_="THApiException"), {}
        container_id = str(18000000000000000 + len(self.containers) + 1)
        images = (
            [params["image_url"]] if kind == "IMAGE" else [u for c in children for u in self.containers[c]["images"]]
        )
        self.containers[container_id] = {
            "text": text,
            "images": images,
            "polls": self.container_polls,
            "reply_to": reply_to,
        }
        return 200, {"id": container_id}, {}

    def _publish(self, params: dict[str, Any]) -> Answer:
        container = self.containers.get(params.get("creation_id", ""))
        if container is None or container["polls"] >= 0:
            return (
                400,
                graph_error("The media is not ready to be published", 24, subcode=4279009, type_="THApiException"),
                {},
            )
        thread_id = str(18100000000000000 + len(self.threads) + 1)
        reply_to = container.get("reply_to") or ""
        parent = next((t for t in self.threads if t["id"] == reply_to), None)
        self.threads.append(
            {
                "id": thread_id,
                "code": f"D{thread_id[-6:]}",
                "text": container["text"],
                "images": container["images"],
                "created": time.time(),
                "reply_to": reply_to,
                "root": (parent.get("root") or parent["id"]) if parent else "",
                "hidden": False,
            }
        )
        return 200, {"id": thread_id}, {}
