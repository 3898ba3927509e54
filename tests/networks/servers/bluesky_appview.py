"""A local Bluesky AppView for the app.bsky reads a PDS does not serve, following the lexicons.

    with AppViewServer() as appview:
        uri = appview.add_post("did:plc:abc", likes=3, reposts=1, replies=2, quotes=0)
        appview.delete(uri)                        # getPosts leaves it out, as for a deleted post
        appview.set_followers("did:plc:abc", 120)
        appview.renamed_fields = {"quoteCount": "quotesCount"}  # a field renamed in the answers
        appview.fail_next(429, reset_in=30)        # RateLimit-Reset in epoch seconds

It also indexes the posts of a real PDS, as the network's AppView does from the firehose: with
`pds_url`, the repos it is told to `watch` are read again (com.atproto.repo.listRecords) before
each app.bsky read, so a record written to the PDS (a reply, a deletion) shows in the next read.
The PDS proxies the accounts' app.bsky reads here with a service-auth token whose `iss` is the
account's DID: that is the viewer, as for the real AppView.

Endpoints:
- GET /xrpc/app.bsky.feed.getPosts?uris=...&uris=... (at most 25, else 400 InvalidRequest):
  {"posts": [postView]}, posts it does not know are left out (the lexicon: "posts not found are
  omitted"); each postView has uri, cid, author, record, likeCount, repostCount, replyCount,
  quoteCount, indexedAt.
- GET /xrpc/app.bsky.actor.getProfile?actor=<did>: a profileViewDetailed with followersCount;
  an unknown actor is 400 {"error": "InvalidRequest", "message": "Profile not found"}.
- GET /xrpc/app.bsky.notification.listNotifications?limit=&cursor=&reasons=: the viewer's
  notifications newest first ("reply" to a post of theirs, "mention" in a facet, "quote" of a post
  of theirs, and the "like"s and "follow"s of `notify`), each with uri, cid, author (profileView),
  reason, reasonSubject, record, isRead, indexedAt; `cursor` when a full page was answered.
- GET /xrpc/app.bsky.feed.getPostThread?uri=&depth=&parentHeight=: {"thread": threadViewPost}
  with `replies` down to `depth` (0 to 1000, default 6); 400 {"error": "NotFound"} when unknown.
- GET /xrpc/app.bsky.feed.searchPosts?q=&sort=latest&since=&until=&cursor=&limit=: the posts
  holding every word of q (case and accents folded), newest first; since inclusive, until
  exclusive (on sortAt); `cursor` an offset, answered while more posts follow.
"""

from __future__ import annotations

import base64
import json
import re
import time
import unicodedata
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from tests.networks.servers.local import Answer, LocalServer, LoggedRequest

MAX_URIS = 25
POST = "app.bsky.feed.post"
NOT_FOUND: Answer = (400, {"error": "NotFound", "message": "Post not found"}, {})


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def words_of(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def viewer_of(request: LoggedRequest) -> str:
    """The `iss` of the PDS's service-auth token (not checked: a test server trusts its PDS)."""
    try:
        payload = request.bearer.split(".")[1]
        return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["iss"])
    except (IndexError, ValueError, KeyError):
        return ""


def author_of(uri: str) -> str:
    return uri.removeprefix("at://").split("/")[0]


class AppViewServer(LocalServer):
    name = "bluesky-appview"

    def __init__(self, *, latency: float = 0.0, pds_url: str = "") -> None:
        super().__init__(latency=latency)
        self.posts: dict[str, dict[str, int]] = {}
        self.followers: dict[str, int] = {}
        self.renamed_fields: dict[str, str] = {}
        self.pds_url = pds_url
        self.watched: set[str] = set()
        self.handles: dict[str, str] = {}
        self.indexed: dict[str, dict[str, Any]] = {}  # uri -> {"cid", "record", "indexedAt"}
        self.extra: list[dict[str, Any]] = []  # notifications of other reasons (likes, follows)

    def reset(self) -> None:
        """Forget everything but the PDS's address (one server serves a whole test session)."""
        with self.lock:
            for store in (self.posts, self.followers, self.renamed_fields, self.handles, self.indexed):
                store.clear()
            self.watched.clear()
            self.extra.clear()
            self._failures.clear()
            self._log.clear()

    # --- the index of the PDS's posts -------------------------------------------------------------
    def watch(self, did: str, handle: str) -> None:
        with self.lock:
            self.watched.add(did)
            self.handles[did] = handle

    def notify(self, viewer: str, reason: str, *, by: str, subject: str = "") -> None:
        """A notification of a reason the desk does not keep (a like, a follow)."""
        uri = f"at://{by}/app.bsky.feed.like/{self.next_id()}"
        record = {"$type": "app.bsky.feed.like", "createdAt": iso(datetime.now(UTC))}
        with self.lock:
            self.extra.append({"viewer": viewer, "uri": uri, "reason": reason, "subject": subject, "record": record})

    def _sync(self) -> None:
        """Read the watched repos again: new posts are indexed (first seen now), deleted ones go."""
        if not self.pds_url:
            return
        with self.lock:
            watched = sorted(self.watched)
        seen: dict[str, dict[str, Any]] = {}
        for did in watched:
            seen.update(self._records_of(did))
        now = datetime.now(UTC)
        with self.lock:
            for uri, record in seen.items():
                if uri not in self.indexed:
                    # sortAt, as the AppView's: a post dated in the past sorts at its own date.
                    at = min(moment(record["value"]["createdAt"]), now)
                    self.indexed[uri] = {"cid": record["cid"], "record": record["value"], "indexedAt": iso(at)}
            for uri in [uri for uri in self.indexed if author_of(uri) in watched and uri not in seen]:
                del self.indexed[uri]

    def _records_of(self, did: str) -> dict[str, dict[str, Any]]:
        records: dict[str, dict[str, Any]] = {}
        cursor = ""
        while True:
            params: dict[str, str] = {"repo": did, "collection": POST, "limit": "100"}
            if cursor:
                params["cursor"] = cursor
            answer = requests.get(f"{self.pds_url}/xrpc/com.atproto.repo.listRecords", params=params, timeout=10)
            if answer.status_code != 200:
                return records
            body = answer.json()
            records.update({r["uri"]: r for r in body["records"]})
            cursor = body.get("cursor") or ""
            if not cursor or not body["records"]:
                return records

    # --- knobs ----------------------------------------------------------------------------------
    def add_post(self, did: str, *, likes: int = 0, reposts: int = 0, replies: int = 0, quotes: int = 0) -> str:
        uri = f"at://{did}/app.bsky.feed.post/{self.next_id()}"
        with self.lock:
            self.posts[uri] = {"likeCount": likes, "repostCount": reposts, "replyCount": replies, "quoteCount": quotes}
        return uri

    def delete(self, uri: str) -> None:
        with self.lock:
            self.posts.pop(uri, None)

    def set_followers(self, did: str, count: int) -> None:
        with self.lock:
            self.followers[did] = count

    def fail_next(self, status: int, *, reset_in: float | None = None, **kwargs) -> None:  # type: ignore[override]
        headers = dict(kwargs.pop("headers", None) or {})
        if status == 429:
            headers.setdefault("RateLimit-Limit", "3000")
            headers.setdefault("RateLimit-Remaining", "0")
            headers.setdefault("RateLimit-Reset", str(int(time.time() + (reset_in if reset_in is not None else 300))))
        super().fail_next(status, headers=headers, **kwargs)

    def error_body(self, status: int) -> Any:
        if status == 429:
            return {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}
        if status == 401:
            return {"error": "AuthenticationRequired", "message": "Authentication Required"}
        if status >= 500:
            return {"error": "InternalServerError", "message": "Internal Server Error"}
        return {"error": "InvalidRequest", "message": f"error {status}"}

    # --- routes ---------------------------------------------------------------------------------
    def route(self, request: LoggedRequest) -> Answer:
        query = parse_qs(urlsplit(request.path).query)
        if request.method == "GET" and request.route == "/xrpc/app.bsky.feed.getPosts":
            return self._get_posts(query.get("uris", []))
        if request.method == "GET" and request.route == "/xrpc/app.bsky.actor.getProfile":
            return self._get_profile((query.get("actor") or [""])[0])
        reads = {
            "/xrpc/app.bsky.notification.listNotifications": self._list_notifications,
            "/xrpc/app.bsky.feed.getPostThread": self._get_post_thread,
            "/xrpc/app.bsky.feed.searchPosts": self._search_posts,
        }
        if request.method == "GET" and request.route in reads:
            self._sync()
            with self.lock:
                return reads[request.route](request, query)
        return 501, {"error": "MethodNotImplemented", "message": "Method Not Implemented"}, {}

    def _get_posts(self, uris: list[str]) -> Answer:
        if not uris:
            return 400, {"error": "InvalidRequest", "message": 'Error: Params must have the property "uris"'}, {}
        if len(uris) > MAX_URIS:
            return 400, {"error": "InvalidRequest", "message": "Error: uris must not have more than 25 elements"}, {}
        with self.lock:
            known = [(uri, dict(self.posts[uri])) for uri in uris if uri in self.posts]
            renamed = dict(self.renamed_fields)
        return 200, {"posts": [self._post_view(uri, counts, renamed) for uri, counts in known]}, {}

    def _post_view(self, uri: str, counts: dict[str, int], renamed: dict[str, str]) -> dict[str, Any]:
        did = uri.split("/")[2]
        return {
            "uri": uri,
            "cid": "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm",
            "author": {"did": did, "handle": "desk.test"},
            "record": {"$type": "app.bsky.feed.post", "text": "", "createdAt": "2026-01-01T00:00:00.000Z"},
            **{renamed.get(name, name): value for name, value in counts.items()},
            "indexedAt": "2026-01-01T00:00:00.000Z",
        }

    def _get_profile(self, actor: str) -> Answer:
        with self.lock:
            followers = self.followers.get(actor)
        if followers is None:
            return 400, {"error": "InvalidRequest", "message": "Profile not found"}, {}
        profile = {"did": actor, "handle": "desk.test", "followersCount": followers, "followsCount": 3, "postsCount": 9}
        return 200, profile, {}

    # --- the reads of the conversations and of listening --------------------------------------------
    def _profile_view(self, did: str) -> dict[str, Any]:
        handle = self.handles.get(did, "handle.invalid")
        return {"did": did, "handle": handle, "displayName": handle.split(".")[0].title(), "avatar": ""}

    def _full_post_view(self, uri: str) -> dict[str, Any]:
        post = self.indexed[uri]
        return {
            "uri": uri,
            "cid": post["cid"],
            "author": self._profile_view(author_of(uri)),
            "record": post["record"],
            "replyCount": sum(1 for p in self.indexed.values() if _parent(p["record"]) == uri),
            "indexedAt": post["indexedAt"],
        }

    def _reason(self, viewer: str, uri: str, record: dict[str, Any]) -> tuple[str, str] | None:
        if author_of(uri) == viewer:
            return None
        parent, root = _parent(record), (record.get("reply") or {}).get("root", {}).get("uri", "")
        for subject in (parent, root):
            if subject and author_of(subject) == viewer:
                return "reply", subject
        features = [f for facet in record.get("facets") or () for f in facet.get("features") or ()]
        if any(f.get("$type") == "app.bsky.richtext.facet#mention" and f.get("did") == viewer for f in features):
            return "mention", ""
        quoted = ((record.get("embed") or {}).get("record") or {}).get("uri", "")
        if quoted and author_of(quoted) == viewer:
            return "quote", quoted
        return None

    def _notifications_of(self, viewer: str) -> list[dict[str, Any]]:
        found = []
        for uri, post in self.indexed.items():
            reason = self._reason(viewer, uri, post["record"])
            if reason is not None:
                found.append(
                    {
                        "uri": uri,
                        "cid": post["cid"],
                        "author": self._profile_view(author_of(uri)),
                        "reason": reason[0],
                        **({"reasonSubject": reason[1]} if reason[1] else {}),
                        "record": post["record"],
                        "isRead": False,
                        "indexedAt": post["indexedAt"],
                        "labels": [],
                    }
                )
        for extra in self.extra:
            if extra["viewer"] == viewer:
                view = {
                    "uri": extra["uri"],
                    "cid": "bafyreilike",
                    "author": self._profile_view(author_of(extra["uri"])),
                }
                at = extra["record"]["createdAt"]
                found.append({**view, "reason": extra["reason"], "record": extra["record"], "isRead": False})
                found[-1].update(indexedAt=at, labels=[], reasonSubject=extra["subject"])
        return sorted(found, key=lambda n: (n["indexedAt"], n["uri"]), reverse=True)

    def _list_notifications(self, request: LoggedRequest, query: dict[str, list[str]]) -> Answer:
        viewer = viewer_of(request)
        if not viewer:
            return 401, {"error": "AuthenticationRequired", "message": "Authentication Required"}, {}
        limit = int((query.get("limit") or ["50"])[0])
        if not 1 <= limit <= 100:
            return 400, {"error": "InvalidRequest", "message": "limit must be between 1 and 100"}, {}
        reasons = set(query.get("reasons") or ())
        notifications = [n for n in self._notifications_of(viewer) if not reasons or n["reason"] in reasons]
        cursor = (query.get("cursor") or [""])[0]
        if cursor:  # "<indexedAt>::<uri>" of the last one answered: what is older
            at, _sep, uri = cursor.partition("::")
            notifications = [n for n in notifications if (n["indexedAt"], n["uri"]) < (at, uri)]
        page = notifications[:limit]
        body: dict[str, Any] = {"notifications": page}
        if len(page) == limit:
            body["cursor"] = f"{page[-1]['indexedAt']}::{page[-1]['uri']}"
        return 200, body, {}

    def _get_post_thread(self, request: LoggedRequest, query: dict[str, list[str]]) -> Answer:
        uri = (query.get("uri") or [""])[0]
        depth = int((query.get("depth") or ["6"])[0])
        if not 0 <= depth <= 1000:
            return 400, {"error": "InvalidRequest", "message": "depth must be between 0 and 1000"}, {}
        if uri not in self.indexed:
            return NOT_FOUND
        return 200, {"thread": self._thread_view(uri, depth)}, {}

    def _thread_view(self, uri: str, depth: int) -> dict[str, Any]:
        view: dict[str, Any] = {"$type": "app.bsky.feed.defs#threadViewPost", "post": self._full_post_view(uri)}
        if depth > 0:
            children = sorted((u for u, p in self.indexed.items() if _parent(p["record"]) == uri), key=self._sort_at)
            view["replies"] = [self._thread_view(child, depth - 1) for child in children]
        return view

    def _sort_at(self, uri: str) -> tuple[str, str]:
        return self.indexed[uri]["indexedAt"], uri

    def _search_posts(self, request: LoggedRequest, query: dict[str, list[str]]) -> Answer:
        words = words_of((query.get("q") or [""])[0])
        if not words:
            return 400, {"error": "InvalidRequest", "message": 'Error: Params must have the property "q"'}, {}
        limit = int((query.get("limit") or ["25"])[0])
        if not 1 <= limit <= 100:
            return 400, {"error": "InvalidRequest", "message": "limit must be between 1 and 100"}, {}
        since, until = (query.get("since") or [""])[0], (query.get("until") or [""])[0]
        found = sorted(
            (u for u, p in self.indexed.items() if set(words) <= set(words_of(p["record"].get("text", "")))),
            key=self._sort_at,
            reverse=True,
        )
        found = [u for u in found if (not since or self.indexed[u]["indexedAt"] >= iso(moment(since)))]
        found = [u for u in found if (not until or self.indexed[u]["indexedAt"] < iso(moment(until)))]
        offset = int((query.get("cursor") or ["0"])[0] or 0)
        page = found[offset : offset + limit]
        body: dict[str, Any] = {"posts": [self._full_post_view(u) for u in page], "hitsTotal": len(found)}
        if offset + limit < len(found):
            body["cursor"] = str(offset + limit)
        return 200, body, {}


def _parent(record: dict[str, Any]) -> str:
    return str((record.get("reply") or {}).get("parent", {}).get("uri", ""))
