"""A local Bluesky AppView for the app.bsky reads a PDS does not serve, following the lexicons.

    with AppViewServer() as appview:
        uri = appview.add_post("did:plc:abc", likes=3, reposts=1, replies=2, quotes=0)
        appview.delete(uri)                        # getPosts leaves it out, as for a deleted post
        appview.set_followers("did:plc:abc", 120)
        appview.renamed_fields = {"quoteCount": "quotesCount"}  # a field renamed in the answers
        appview.fail_next(429, reset_in=30)        # RateLimit-Reset in epoch seconds

Endpoints:
- GET /xrpc/app.bsky.feed.getPosts?uris=...&uris=... (at most 25, else 400 InvalidRequest):
  {"posts": [postView]}, posts it does not know are left out (the lexicon: "posts not found are
  omitted"); each postView has uri, cid, author, record, likeCount, repostCount, replyCount,
  quoteCount, indexedAt.
- GET /xrpc/app.bsky.actor.getProfile?actor=<did>: a profileViewDetailed with followersCount;
  an unknown actor is 400 {"error": "InvalidRequest", "message": "Profile not found"}.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.networks.servers.local import Answer, LocalServer, LoggedRequest

MAX_URIS = 25


class AppViewServer(LocalServer):
    name = "bluesky-appview"

    def __init__(self, *, latency: float = 0.0) -> None:
        super().__init__(latency=latency)
        self.posts: dict[str, dict[str, int]] = {}
        self.followers: dict[str, int] = {}
        self.renamed_fields: dict[str, str] = {}

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
