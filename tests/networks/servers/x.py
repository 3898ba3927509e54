"""A local X API v2 with its OAuth 2.0 authorization server, for tests.

    with XServer(client_id="cid", client_secret="csecret") as server:
        settings.X_API_URL = server.url
        settings.X_AUTHORIZE_URL = server.url + "/i/oauth2/authorize"
        server.issue_tokens()          # {"access_token", "refresh_token", ...} as after a sign-in
        server.expire(access_token)    # that access token now answers 401 (a refresh still works)
        server.revoke_all()            # every token, refresh tokens too, is refused
        server.rate_limit(reset_in=60) # 429 with x-rate-limit-reset
        server.tweets                  # posts created

OAuth: GET /i/oauth2/authorize checks client_id, redirect_uri, scope, S256 challenge and
redirects back with code and state; POST /2/oauth2/token (HTTP Basic client authentication)
checks the code verifier against the challenge, and for grant_type=refresh_token issues a new
refresh token and invalidates the one used (X rotates them). API: GET /2/users/me, POST
/2/media/upload (multipart; GIFs process: processing_info polled with GET ?command=STATUS),
POST /2/media/metadata, POST /2/tweets (280 weighted characters, duplicate text -> 403).

Reading (https://docs.x.com/x-api/posts/timelines, /posts/search, /posts/hide-replies): GET
/2/users/:id/mentions (newest first; since_id exclusive, start_time, max_results 5-100,
pagination_token from meta.next_token; expansions author_id and referenced_tweets.id in
`includes`), GET /2/tweets/search/recent (`conversation_id:<id>`), GET /2/tweets?ids= (up to
100; a deleted post is an entry of `errors` with type .../resource-not-found), PUT
/2/tweets/:id/hidden (replies in the account's own conversations), DELETE /2/tweets/:id (own
posts only). A reply's text begins with the @handles it answers, as X fills them in.

    server.post_as("claire", "Bravo", in_reply_to=tweet_id, created_at=moment)  # someone writes
    server.set_metrics(tweet_id, like_count=3, ...)   # public_metrics of a post
    server.renamed_metrics["like_count"] = "favorite_count"
    server.followers_count = 12
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from networks.base import Counting
from networks.counting import count
from tests.networks.servers.local import Answer, LocalServer, LoggedRequest

PUBLIC_METRICS = ("retweet_count", "reply_count", "like_count", "quote_count", "bookmark_count", "impression_count")
UNAUTHORIZED = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
DUPLICATE = {
    "detail": "You are not allowed to create a Tweet with duplicate content.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}


class XServer(LocalServer):
    name = "x"

    def __init__(self, *, client_id: str = "x-client", client_secret: str = "x-secret") -> None:
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.user = {
            "id": "1500000000000000001",
            "name": "The Desk",
            "username": "thedesk",
            "profile_image_url": "https://pbs.twimg.com/profile_images/1/desk_normal.jpg",
        }
        self.access_tokens: dict[str, float] = {}  # token -> expiry (epoch)
        self.refresh_tokens: set[str] = set()
        self.codes: dict[str, dict[str, str]] = {}
        self.media: dict[str, dict[str, Any]] = {}
        self.tweets: list[dict[str, Any]] = []  # the account's own posts and replies
        self.auto_approve = True
        self.all_tweets: dict[str, dict[str, Any]] = {}  # everyone's, by id (ours too)
        self.users: dict[str, dict[str, Any]] = {self.user["id"]: self.user}
        self.renamed_metrics: dict[str, str] = {}
        self.followers_count = 0
        self._sequence = 0

    # --- knobs --------------------------------------------------------------------------------
    def issue_tokens(self, expires_in: int = 7200) -> dict[str, Any]:
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.lock:
            self.access_tokens[access] = time.time() + expires_in
            self.refresh_tokens.add(refresh)
        return {
            "token_type": "bearer",
            "expires_in": expires_in,
            "access_token": access,
            "scope": "tweet.read tweet.write users.read media.write offline.access",
            "refresh_token": refresh,
        }

    def expire(self, access_token: str) -> None:
        with self.lock:
            self.access_tokens[access_token] = 0

    def revoke_all(self) -> None:
        with self.lock:
            self.access_tokens.clear()
            self.refresh_tokens.clear()

    def rate_limit(self, reset_in: int = 60) -> None:
        reset = str(int(time.time()) + reset_in)
        self.fail_next(
            429,
            path="/2/tweets",
            body={"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429},
            headers={"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": reset},
        )

    def post_as(self, username: str, text: str, *, in_reply_to: str = "", created_at: datetime | None = None) -> str:
        """Someone (not the account) posts; a reply starts with the handle it answers, as on X."""
        user_id = str(2000 + sum(map(ord, username)))
        with self.lock:
            self.users.setdefault(user_id, {"id": user_id, "name": username.title(), "username": username})
            if in_reply_to:
                parent = self.all_tweets[in_reply_to]
                text = f"@{self.users[parent['author_id']]['username']} {text}"
            return self._store(user_id, text, in_reply_to=in_reply_to, created_at=created_at)["id"]

    def edit(self, tweet_id: str, text: str) -> str:
        """An edit makes a new post whose edit_history_tweet_ids starts with the original; only
        the latest version is listed from then on. Returns the new id."""
        with self.lock:
            old = self.all_tweets[tweet_id]
            new = self._store(old["author_id"], text, in_reply_to=old["in_reply_to"])
            new["history"] = [*old.get("history", [tweet_id]), new["id"]]
            new["conversation_id"] = old["conversation_id"]
            old["deleted"] = True  # superseded: X lists only the latest version
            return new["id"]

    def set_metrics(self, tweet_id: str, **counts: int) -> None:
        with self.lock:
            self.all_tweets[tweet_id]["public_metrics"].update(counts)

    def forget(self, tweet_id: str) -> None:
        with self.lock:
            self.all_tweets[tweet_id]["deleted"] = True

    def exists(self, tweet_id: str) -> bool:
        with self.lock:
            tweet = self.all_tweets.get(tweet_id)
            return tweet is not None and not tweet["deleted"]

    def hidden(self, tweet_id: str) -> bool:
        with self.lock:
            return bool(self.all_tweets[tweet_id]["hidden"])

    def rate_limit_reads(self, path: str, reset_in: int = 30) -> None:
        reset = str(int(time.time()) + reset_in)
        self.fail_next(
            429,
            path=path,
            body={"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429},
            headers={"x-rate-limit-limit": "300", "x-rate-limit-remaining": "0", "x-rate-limit-reset": reset},
        )

    def _store(
        self, author_id: str, text: str, *, in_reply_to: str = "", created_at: datetime | None = None
    ) -> dict[str, Any]:
        self._sequence += 1
        tweet_id = str(1800000000000000000 + self._sequence)
        parent = self.all_tweets.get(in_reply_to) if in_reply_to else None
        tweet = {
            "id": tweet_id,
            "text": text,
            "author_id": author_id,
            "created_at": (created_at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "conversation_id": parent["conversation_id"] if parent else tweet_id,
            "in_reply_to": in_reply_to,
            "in_reply_to_user_id": parent["author_id"] if parent else "",
            "public_metrics": dict.fromkeys(PUBLIC_METRICS, 0),
            "hidden": False,
            "deleted": False,
        }
        self.all_tweets[tweet_id] = tweet
        return tweet

    def error_body(self, status: int) -> Any:
        if status == 401:
            return UNAUTHORIZED
        if status == 403:
            return DUPLICATE
        if status == 400:
            return {
                "errors": [{"parameters": {"text": [""]}, "message": "Text is required"}],
                "title": "Invalid Request",
                "detail": "One or more parameters to your request was invalid.",
                "type": "https://api.twitter.com/2/problems/invalid-request",
            }
        return {
            "title": "Service Unavailable",
            "detail": "Service Unavailable",
            "type": "about:blank",
            "status": status,
        }

    # --- routing ------------------------------------------------------------------------------
    def route(self, request: LoggedRequest) -> Answer:
        routes = {
            ("GET", "/i/oauth2/authorize"): self._authorize,
            ("POST", "/2/oauth2/token"): self._token,
            ("GET", "/2/users/me"): self._me,
            ("POST", "/2/media/upload"): self._upload,
            ("GET", "/2/media/upload"): self._media_status,
            ("POST", "/2/media/metadata"): self._metadata,
            ("POST", "/2/tweets"): self._tweet,
            ("GET", "/2/tweets"): self._lookup,
            ("GET", "/2/tweets/search/recent"): self._search,
        }
        handler = routes.get((request.method, request.route)) or self._by_path(request)
        if handler is None:
            return 404, {"title": "Not Found Error", "detail": "Not found", "type": "about:blank", "status": 404}, {}
        if request.route.startswith("/2/") and request.route != "/2/oauth2/token" and not self._valid(request):
            return 401, UNAUTHORIZED, {}
        return handler(request)

    def _by_path(self, request: LoggedRequest):
        parts = request.route.strip("/").split("/")
        if request.method == "GET" and len(parts) == 4 and parts[:2] == ["2", "users"] and parts[3] == "mentions":
            return self._mentions
        if request.method == "PUT" and len(parts) == 4 and parts[:2] == ["2", "tweets"] and parts[3] == "hidden":
            return self._hide
        if request.method == "DELETE" and len(parts) == 3 and parts[:2] == ["2", "tweets"]:
            return self._delete
        return None

    def _valid(self, request: LoggedRequest) -> bool:
        with self.lock:
            return self.access_tokens.get(request.bearer, 0) > time.time()

    # --- OAuth --------------------------------------------------------------------------------
    def _authorize(self, request: LoggedRequest) -> Answer:
        query = request.query
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return (
                400,
                b"Something went wrong. You weren't able to give access to the App.",
                {"Content-Type": "text/html"},
            )
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return 400, b"PKCE S256 is required.", {"Content-Type": "text/html"}
        if "offline.access" not in query.get("scope", "").split():
            return 400, b"Missing scope", {"Content-Type": "text/html"}
        if not self.auto_approve:
            back = {"error": "access_denied", "state": query.get("state", "")}
            return 302, b"", {"Location": f"{query['redirect_uri']}?{urlencode(back)}"}
        code = secrets.token_urlsafe(16)
        with self.lock:
            self.codes[code] = {"redirect_uri": query["redirect_uri"], "challenge": query["code_challenge"]}
        back = {"state": query.get("state", ""), "code": code}
        return 302, b"", {"Location": f"{query['redirect_uri']}?{urlencode(back)}"}

    def _client_ok(self, request: LoggedRequest) -> bool:
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        return (request.header("Authorization") or "") == f"Basic {expected}"

    def _token(self, request: LoggedRequest) -> Answer:
        if not self._client_ok(request):
            return 401, {"error": "unauthorized_client", "error_description": "Missing valid authorization header"}, {}
        params = request.form
        if params.get("grant_type") == "refresh_token":
            with self.lock:
                known = params.get("refresh_token") in self.refresh_tokens
                self.refresh_tokens.discard(params.get("refresh_token", ""))  # rotation: one use only
            if not known:
                return (
                    400,
                    {"error": "invalid_request", "error_description": "Value passed for the token was invalid."},
                    {},
                )
            return 200, self.issue_tokens(), {}
        with self.lock:
            grant = self.codes.pop(params.get("code", ""), None)
        verifier = params.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if grant is None or grant["redirect_uri"] != params.get("redirect_uri") or grant["challenge"] != challenge:
            return (
                400,
                {
                    "error": "invalid_request",
                    "error_description": "Value passed for the authorization code was invalid.",
                },
                {},
            )
        return 200, self.issue_tokens(), {}

    # --- API ----------------------------------------------------------------------------------
    def _me(self, request: LoggedRequest) -> Answer:
        user: dict[str, Any] = dict(self.user)
        if "public_metrics" in request.query.get("user.fields", ""):
            user["public_metrics"] = {"followers_count": self.followers_count, "following_count": 3, "tweet_count": 9}
        return 200, {"data": user}, {}

    def _upload(self, request: LoggedRequest) -> Answer:
        files = request.files()
        media = files.get("media")
        if media is None or not media[1].startswith("image/"):
            return 400, self.error_body(400), {}
        media_id = self.next_id()
        processing = media[1] == "image/gif"
        record = {"id": media_id, "media_key": f"3_{media_id}", "size": len(media[0]), "polls": 2 if processing else 0}
        with self.lock:
            self.media[media_id] = record
        data: dict[str, Any] = {
            "id": media_id,
            "media_key": record["media_key"],
            "size": record["size"],
            "expires_after_secs": 86400,
        }
        if processing:
            data["processing_info"] = {"state": "pending", "check_after_secs": 0}
        return 200, {"data": data}, {}

    def _media_status(self, request: LoggedRequest) -> Answer:
        with self.lock:
            record = self.media.get(request.query.get("media_id", ""))
            if record is None:
                return 400, self.error_body(400), {}
            record["polls"] -= 1
            state = "in_progress" if record["polls"] > 0 else "succeeded"
        return 200, {"data": {"id": record["id"], "processing_info": {"state": state, "check_after_secs": 0}}}, {}

    def _metadata(self, request: LoggedRequest) -> Answer:
        body = request.json
        with self.lock:
            record = self.media.get(str(body.get("id")))
            if record is None:
                return 400, self.error_body(400), {}
            record["alt_text"] = body["metadata"]["alt_text"]["text"]
        return 200, {"data": {"id": record["id"], "associated_metadata": True}}, {}

    def _tweet(self, request: LoggedRequest) -> Answer:
        body = request.json
        text = body.get("text", "")
        media_ids = (body.get("media") or {}).get("media_ids") or []
        if not text and not media_ids:
            return 400, self.error_body(400), {}
        if count(text, Counting.X_WEIGHTED) > 280:
            return (
                403,
                {
                    "detail": "Your Tweet text is too long. For more information on how X determines text length see https://github.com/twitter/twitter-text.",
                    "type": "about:blank",
                    "title": "Forbidden",
                    "status": 403,
                },
                {},
            )
        in_reply_to = str((body.get("reply") or {}).get("in_reply_to_tweet_id") or "")
        with self.lock:
            if any(t["text"] == text for t in self.tweets):
                return 403, DUPLICATE, {}
            unknown = [m for m in media_ids if m not in self.media or self.media[m]["polls"] > 0]
            if unknown:
                return 400, self.error_body(400), {}
            if in_reply_to and not self.exists(in_reply_to):
                return 400, {**self.error_body(400), "detail": "The post you are replying to was deleted."}, {}
            if in_reply_to:
                answered = self.users[self.all_tweets[in_reply_to]["author_id"]]["username"]
                stored_text = text if answered == self.user["username"] else f"@{answered} {text}"
            else:
                stored_text = text
            stored = self._store(self.user["id"], stored_text, in_reply_to=in_reply_to)
            tweet = {
                "id": stored["id"],
                "text": text,
                "media_ids": media_ids,
                "alt_texts": [self.media[m].get("alt_text") for m in media_ids],
                "in_reply_to": in_reply_to,
            }
            self.tweets.append(tweet)
        return 201, {"data": {"id": tweet["id"], "text": text, "edit_history_tweet_ids": [tweet["id"]]}}, {}

    # --- reading --------------------------------------------------------------------------------
    def _mentions(self, request: LoggedRequest) -> Answer:
        user_id = request.route.strip("/").split("/")[2]
        handle = "@" + self.users.get(user_id, {}).get("username", "?").lower()
        with self.lock:
            found = [
                t
                for t in self.all_tweets.values()
                if not t["deleted"] and t["author_id"] != user_id and handle in t["text"].lower()
            ]
        return self._timeline(request, found)

    def _search(self, request: LoggedRequest) -> Answer:
        query = request.query.get("query", "")
        if not query.startswith("conversation_id:"):
            return 400, self.error_body(400), {}
        conversation = query.removeprefix("conversation_id:")
        with self.lock:
            found = [t for t in self.all_tweets.values() if not t["deleted"] and t["conversation_id"] == conversation]
        return self._timeline(request, found)

    def _timeline(self, request: LoggedRequest, tweets: list[dict[str, Any]]) -> Answer:
        """Newest first; since_id and start_time narrow, max_results and next_token page."""
        query = request.query
        size = int(query.get("max_results") or 10)
        if not 5 <= size <= 100:
            return 400, self.error_body(400), {}
        tweets = sorted(tweets, key=lambda t: int(t["id"]), reverse=True)
        if query.get("since_id"):
            tweets = [t for t in tweets if int(t["id"]) > int(query["since_id"])]
        if query.get("start_time"):
            tweets = [t for t in tweets if t["created_at"] >= query["start_time"].replace("Z", ".000Z")[:24]]
        if query.get("pagination_token") or query.get("next_token"):
            below = int(query.get("pagination_token") or query.get("next_token") or 0)
            tweets = [t for t in tweets if int(t["id"]) < below]
        page, rest = tweets[:size], tweets[size:]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
        if rest:
            meta["next_token"] = page[-1]["id"]
        if not page:
            return 200, {"meta": meta}, {}
        return 200, {"data": [self._public(t) for t in page], "includes": self._includes(page), "meta": meta}, {}

    def _public(self, tweet: dict[str, Any], *, metrics: bool = False) -> dict[str, Any]:
        shown = {
            "id": tweet["id"],
            "text": tweet["text"],
            "author_id": tweet["author_id"],
            "created_at": tweet["created_at"],
            "conversation_id": tweet["conversation_id"],
            "edit_history_tweet_ids": tweet.get("history") or [tweet["id"]],
        }
        if tweet["in_reply_to"]:
            shown["in_reply_to_user_id"] = tweet["in_reply_to_user_id"]
            shown["referenced_tweets"] = [{"type": "replied_to", "id": tweet["in_reply_to"]}]
        if metrics:
            counts = tweet["public_metrics"]
            shown["public_metrics"] = {self.renamed_metrics.get(name, name): value for name, value in counts.items()}
        return shown

    def _includes(self, tweets: list[dict[str, Any]]) -> dict[str, Any]:
        authors = {t["author_id"] for t in tweets}
        referenced = {t["in_reply_to"] for t in tweets if t["in_reply_to"] in self.all_tweets}
        users = [self._user(self.users[a]) for a in sorted(authors)]
        return {"users": users, "tweets": [self._public(self.all_tweets[r]) for r in sorted(referenced)]}

    @staticmethod
    def _user(user: dict[str, Any]) -> dict[str, Any]:
        picture = f"https://pbs.twimg.com/profile_images/{user['id']}/a_normal.jpg"
        return {"profile_image_url": picture, **user}

    def _lookup(self, request: LoggedRequest) -> Answer:
        ids = [i for i in request.query.get("ids", "").split(",") if i]
        if not 1 <= len(ids) <= 100:
            return 400, self.error_body(400), {}
        with self.lock:
            found = [self.all_tweets[i] for i in ids if i in self.all_tweets and not self.all_tweets[i]["deleted"]]
            missing = [i for i in ids if i not in self.all_tweets or self.all_tweets[i]["deleted"]]
            answer: dict[str, Any] = {}
            if found:
                answer["data"] = [self._public(t, metrics=True) for t in found]
        if missing:
            answer["errors"] = [
                {
                    "value": i,
                    "detail": f"Could not find tweet with ids: [{i}].",
                    "title": "Not Found Error",
                    "resource_type": "tweet",
                    "parameter": "ids",
                    "resource_id": i,
                    "type": "https://api.twitter.com/2/problems/resource-not-found",
                }
                for i in missing
            ]
        return 200, answer, {}

    def _hide(self, request: LoggedRequest) -> Answer:
        tweet_id = request.route.strip("/").split("/")[2]
        with self.lock:
            tweet = self.all_tweets.get(tweet_id)
            root = self.all_tweets.get(tweet["conversation_id"]) if tweet else None
            if tweet is None or tweet["deleted"]:
                return 404, {"title": "Not Found Error", "detail": "Not found", "type": "about:blank"}, {}
            if root is None or root["author_id"] != self.user["id"] or tweet_id == root["id"]:
                return 403, {"title": "Forbidden", "detail": "You can only hide replies to your posts."}, {}
            tweet["hidden"] = bool(request.json.get("hidden"))
            return 200, {"data": {"hidden": tweet["hidden"]}}, {}

    def _delete(self, request: LoggedRequest) -> Answer:
        tweet_id = request.route.strip("/").split("/")[2]
        with self.lock:
            tweet = self.all_tweets.get(tweet_id)
            if tweet is None or tweet["deleted"]:
                return 200, {"data": {"deleted": False}}, {}
            if tweet["author_id"] != self.user["id"]:
                return 403, {"title": "Forbidden", "detail": "You are not allowed to delete this Tweet."}, {}
            tweet["deleted"] = True
        return 200, {"data": {"deleted": True}}, {}
