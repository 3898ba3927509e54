"""Reading replies and comments from Meta's networks (Facebook Pages, Instagram, Threads).

None of the three has a feed of notifications to read forward from a cursor: each comment lives
under a post. A read is therefore a *sweep* over the account's recent posts and its mentions,
one Graph call per `read_messages()`, the position kept in the cursor (the poller stores it with
what each call brought, so a sweep killed half-way resumes where it stopped):

    {"mark": <epoch>, "seen": [ids], "activity": {post: token}, "sweep": {"start": <epoch>,
     "queue": [sources], "after": "...", "fresh": [ids], "activity": {post: token}}}

- sources are "posts" (the account's posts of the last WATCH_DAYS, newest first, each becoming a
  "p:<id>" source unless its activity token, `activity_of`, is as at the last sweep), each
  post's comments, and "mentions"; each is read page after page with the
  Graph API's cursor paging (`paging.cursors.after`, while `paging.next` is present);
- the time filter (`since`) is the mark: everything created at or after it that is not in
  `seen` is new. When a sweep ends, the mark becomes its start minus MARGIN (a comment written
  while the sweep ran, on a post already read, is read by the next sweep; the margin absorbs
  a clock differing from Meta's) and `seen` the ids met at or after it, so nothing comes twice;
- a post deleted meanwhile (error 100, subcode 33) has no comments left to read;
- rate limits answer 400/403 with codes 4, 17, 32, 613 (graph.THROTTLED) and the usage headers
  X-App-Usage / X-Business-Use-Case-Usage; the read is retried after the reset they give
  (GraphAdapter.retry_after).

Comments on posts older than WATCH_DAYS are not polled: the webhook (inbox/meta_webhook.py)
brings them. An edit changes no creation time, so polling does not see it either: the webhook's
`edited` changes do.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext_lazy

from networks.base import ErrorKind, PublishError
from networks.capabilities.conversations import InboundMessage, MalformedPage, MessagePage
from networks.http_adapter import Outcome, ReadWording
from networks.meta.graph import GraphAdapter, error_of

WATCH_DAYS = 30  # posts whose comments the poll reads
MAX_POSTS = 50  # the newest posts of those, at most, in one sweep
MARGIN = 120.0  # seconds: see the module docstring
PAGE_LIMIT = 100  # the most the Graph API gives in one page of an edge

READING = ReadWording(
    refused=gettext_lazy(
        "%(network)s refused to let the desk read the account's comments (%(reason)s): reconnect the account."
    ),
    throttled=gettext_lazy("%(network)s asks to slow down; the comments will be read after its limit resets."),
    unreachable=gettext_lazy("%(network)s could not be reached; the comments will be read again later."),
    failed=gettext_lazy("%(network)s could not be read just now (%(reason)s); the comments will be read again later."),
)


@dataclass(frozen=True)
class Edge:
    """One listing to read: its path and the query it needs besides paging."""

    path: str
    params: dict[str, str]


@dataclass(frozen=True)
class Listing:
    """One page of an edge: its items and the `after` cursor of the next page ("" when none)."""

    items: list[dict[str, Any]]
    after: str


def moment(text: Any) -> datetime:
    """Graph times: "2026-11-30T10:00:00+0000" (Facebook, Instagram, Threads alike)."""
    value = str(text)
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    elif len(value) > 5 and value[-5] in "+-" and value[-3] != ":":
        value = f"{value[:-2]}:{value[-2:]}"
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class GraphReader(GraphAdapter):
    """The sweep of a Meta network; a subclass says where its posts, comments and mentions are
    and how one of its items becomes messages."""

    reads_every_depth = True  # each post's comments are read whole, replies included
    # A quiet poll costs two calls (the posts' listing, the mentions): every 3 minutes, 40 an hour
    # of a Page's 200; the webhook (inbox/webhooks.py) brings comments sooner.
    read_at_most_every = 180.0

    # --- what each network says ---------------------------------------------------------------
    def posts_edge(self) -> Edge:
        raise NotImplementedError

    def comments_edge(self, post_id: str) -> Edge:
        raise NotImplementedError

    def mentions_edge(self) -> Edge:
        raise NotImplementedError

    def activity_of(self, post: dict[str, Any]) -> str:
        """What changes on a listed post when someone comments (Facebook's `updated_time`,
        Instagram's `comments_count`): a post whose token is as at the last sweep is not read
        again, which keeps a poll within the Page's 200 calls an hour. "": always read it."""
        return ""

    def active_since(self, post: dict[str, Any], mark: float) -> bool:
        """Whether the post's activity is at or after the mark (read it whatever its token)."""
        return False

    def messages_of(self, item: dict[str, Any], *, post_id: str) -> list[InboundMessage]:
        """The messages one listed item holds (post_id "" for a mention); KeyError, TypeError or
        ValueError for an item missing its fields."""
        raise NotImplementedError

    # --- the contract ---------------------------------------------------------------------------
    def read_messages(self, *, cursor: str, since: datetime) -> MessagePage:
        state = _state(cursor, since)
        sweep = state.get("sweep") or {
            "start": time.time(),
            "queue": ["posts", "mentions"],
            "after": "",
            "fresh": [],
            "activity": {},
        }
        source = sweep["queue"][0]
        listing = self._listing(source, sweep["after"], since_epoch=state["mark"])
        messages, after = self._sweep_step(state, sweep, source, listing)
        if after:
            sweep["after"] = after
        else:
            sweep["queue"], sweep["after"] = sweep["queue"][1:], ""
        if sweep["queue"]:
            return MessagePage(tuple(messages), json.dumps({**state, "sweep": sweep}), more=True)
        finished = {
            "mark": sweep["start"] - MARGIN,
            "seen": sorted(set(sweep["fresh"])),
            "activity": sweep.get("activity") or {},
            "sweep": None,
        }
        return MessagePage(tuple(messages), json.dumps(finished), more=False)

    def read_thread(self, *, root_id: str) -> list[InboundMessage]:
        messages, after = [], ""
        for _page in range(100):
            listing = self._read_edge(self.comments_edge(root_id), after)
            messages += self._messages(listing.items, post_id=root_id)
            after = listing.after
            if not after:
                break
        return messages

    def delete_object(self, remote_id: str) -> None:
        """DELETE a comment or reply; one already gone is deleted all the same."""
        token = self.account.credentials.get(self.credential_key, "")
        response = self.send("DELETE", f"{self.api_url()}/{remote_id}", params={"access_token": token})
        if response.status_code >= 400 and not missing(response):
            raise self.error_for(response)

    # --- one step of a sweep ------------------------------------------------------------------------
    def _listing(self, source: str, after: str, *, since_epoch: float) -> Listing:
        if source == "posts":
            return self._read_edge(self.posts_edge(), after, since=time.time() - WATCH_DAYS * 86400)
        if source == "mentions":
            return self._read_edge(self.mentions_edge(), after, since=since_epoch)
        return self._read_edge(self.comments_edge(source.removeprefix("p:")), after, since=since_epoch)

    def _sweep_step(
        self, state: dict[str, Any], sweep: dict[str, Any], source: str, listing: Listing
    ) -> tuple[list[InboundMessage], str]:
        """What this page brings, and the `after` cursor to read its source further ("": done)."""
        if source == "posts":
            watched = sweep.setdefault("activity", {})
            room = max(0, MAX_POSTS - len(watched))
            items = listing.items[:room]
            listed = {_id_of(self.name, item): self.activity_of(item) for item in items}
            before = state.get("activity") or {}
            changed = [
                f"p:{post}"
                for (post, token), item in zip(listed.items(), items, strict=True)
                if not token or before.get(post) != token or self.active_since(item, state["mark"])
            ]
            watched.update(listed)
            queued = [s for s in sweep["queue"] if s not in ("posts", "mentions")]
            sweep["queue"] = ["posts", *queued, *changed, "mentions"]
            return [], "" if len(watched) >= MAX_POSTS else listing.after
        post_id = source.removeprefix("p:") if source.startswith("p:") else ""
        messages = self._messages(listing.items, post_id=post_id)
        floor, seen, new_mark = state["mark"], set(state["seen"]), sweep["start"] - MARGIN
        sweep["fresh"] += [m.remote_id for m in messages if m.created_at.timestamp() >= new_mark]
        return [m for m in messages if m.created_at.timestamp() >= floor and m.remote_id not in seen], listing.after

    def _messages(self, items: Iterable[Any], *, post_id: str) -> list[InboundMessage]:
        messages: list[InboundMessage] = []
        for item in items:
            try:
                messages += self.messages_of(item, post_id=post_id)
            except (KeyError, TypeError, ValueError) as error:
                raise MalformedPage(self.name, f"an item without {error}") from None
        return messages

    # --- one Graph read -------------------------------------------------------------------------------
    def _read_edge(self, edge: Edge, after: str, *, since: float | None = None) -> Listing:
        params = {**edge.params, "limit": str(PAGE_LIMIT)}
        if after:
            params["after"] = after
        if since is not None:
            params["since"] = str(int(since))
        answer = self.graph_read(edge.path, params)
        if answer is None:
            return Listing([], "")  # the post was deleted: nothing more under it
        data, paging = answer.get("data"), answer.get("paging") or {}
        if not isinstance(data, list) or not isinstance(paging, dict):
            raise MalformedPage(self.name, "not a page of data")
        cursors = paging.get("cursors")
        cursors = cursors if isinstance(cursors, dict) else {}
        after = str(cursors.get("after") or "") if paging.get("next") and data else ""
        return Listing(data, after)

    def graph_read(self, path: str, params: dict[str, str]) -> dict[str, Any] | None:
        """A GET for the inbox: the answer's object, None for an object that no longer exists;
        a failure raises in words about reading (a throttle with the reset Meta gave)."""
        token = self.account.credentials.get(self.credential_key, "")
        try:
            response = self.send("GET", self.api_url() + path, params={**params, "access_token": token})
        except PublishError as error:
            if error.kind == ErrorKind.RECONNECT:
                raise
            raise PublishError(str(READING.unreachable) % {"network": self.name}, kind=ErrorKind.RETRY) from None
        if response.status_code < 400:
            try:
                answer = response.json()
            except ValueError:
                raise MalformedPage(self.name, "not JSON") from None
            if not isinstance(answer, dict):
                raise MalformedPage(self.name, "not an object")
            return answer
        if missing(response):
            return None
        raise self.read_failure(response)

    def read_failure(self, response) -> PublishError:
        values = {"network": self.name, "reason": self.error_words(response)}
        outcome = self.outcome(response)
        if outcome == Outcome.THROTTLED:
            retry_after = self.retry_after(response)
            return PublishError(str(READING.throttled) % values, kind=ErrorKind.RETRY, retry_after=retry_after)
        if outcome == Outcome.ACCESS_REFUSED:
            return PublishError(str(READING.refused) % values, kind=ErrorKind.RECONNECT)
        if outcome == Outcome.TEMPORARY:
            return PublishError(str(READING.failed) % values, kind=ErrorKind.RETRY)
        return MalformedPage(self.name, str(values["reason"]))


def missing(response) -> bool:
    """Graph's "Object with ID ... does not exist" (code 100, subcode 33)."""
    error = error_of(response)
    return error.get("code") == 100 and error.get("error_subcode") == 33


def _id_of(network: str, item: Any) -> str:
    if not isinstance(item, dict) or not item.get("id"):
        raise MalformedPage(network, "a post without an id")
    return str(item["id"])


def _state(cursor: str, since: datetime) -> dict[str, Any]:
    """The cursor as written by read_messages, or the first read's (back to `since`)."""
    first = {"mark": since.timestamp(), "seen": [], "activity": {}, "sweep": None}
    if not cursor:
        return first
    try:
        state = json.loads(cursor)
        state["mark"] = float(state["mark"])
        state["seen"] = [str(i) for i in state.get("seen") or []]
        state["activity"] = {str(k): str(v) for k, v in (state.get("activity") or {}).items()}
        sweep = state.get("sweep")
        if sweep is not None and not (isinstance(sweep, dict) and sweep.get("queue")):
            raise ValueError("no queue")
    except (ValueError, KeyError, TypeError):
        return first  # a cursor from before: read again from the backfill date (stored once anyway)
    return state
