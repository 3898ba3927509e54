"""Reading Bluesky for the inbox and for listening: the app.bsky views turned into our messages,
and a walk down lists that only page backwards.

listNotifications and searchPosts answer newest first and page towards the past (their `cursor`
means "older than this"). To read only what came after the last read, each read walks down from
the newest item until it meets the newest one the previous walk saw (its `stop` mark: a time and
the ids seen at that very time) or, the first time, `since`. The marks use the order the
network lists in (indexedAt, then uri), so a post dated in the past by its client is still new
when it arrives. While a walk is under way, the cursor we hand back holds the network's cursor,
the mark to stop at and the mark the walk will leave; new items arriving meanwhile sort above
the walk and are read by the next one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from networks.capabilities.conversations import Author, InboundMessage, MalformedPage, MessageKind, web_address

NETWORK = "Bluesky"
# listNotifications' reasons the inbox keeps, as our kinds: a quote names one of our posts
# outside its thread, as a mention does. Likes, reposts, follows... are skipped.
KEPT_REASONS = {"reply": MessageKind.REPLY, "mention": MessageKind.MENTION, "quote": MessageKind.MENTION}


@dataclass(frozen=True)
class Mark:
    """A place in the network's order: the time, and the ids listed at exactly that time."""

    at: str  # ISO 8601, as the network wrote it (compared as text: same format)
    uris: tuple[str, ...] = ()

    def is_above(self, at: str, uri: str) -> bool:
        """An item at (at, uri) comes after this mark: it is new."""
        return at > self.at or (at == self.at and uri not in self.uris)

    @classmethod
    def of(cls, items: list[tuple[str, str]]) -> Mark | None:
        if not items:
            return None
        newest = max(at for at, _uri in items)
        return cls(newest, tuple(sorted(uri for at, uri in items if at == newest)))


@dataclass(frozen=True)
class Walk:
    """Where a read stands (see the module docstring); its JSON is our opaque cursor."""

    stop: Mark | None = None  # None: the first read, down to `since`
    top: Mark | None = None  # the newest item of the walk under way
    page: str = ""  # the network's cursor inside the walk

    def dumps(self) -> str:
        if self.stop is None and self.top is None:
            return ""
        data: dict[str, Any] = {"page": self.page}
        for name, mark in (("stop", self.stop), ("top", self.top)):
            if mark is not None:
                data[name] = {"at": mark.at, "uris": list(mark.uris)}
        return json.dumps(data)

    @classmethod
    def loads(cls, cursor: str) -> Walk:
        if not cursor:
            return cls()
        try:
            data = json.loads(cursor)
            marks = {n: Mark(data[n]["at"], tuple(data[n]["uris"])) for n in ("stop", "top") if data.get(n)}
            return cls(stop=marks.get("stop"), top=marks.get("top"), page=str(data.get("page") or ""))
        except (ValueError, KeyError, TypeError):
            return cls()  # a cursor from an older version: read back to `since` (stored once anyway)

    def step(self, listed: list[tuple[str, str]], since: datetime, network_cursor: str) -> tuple[list[int], Walk, bool]:
        """Which of the `listed` (at, uri) items are new, the walk after this page, and whether
        another page is waiting."""
        floor = self.stop or Mark(iso(since))
        new = [n for n, (at, uri) in enumerate(listed) if floor.is_above(at, uri)]
        top = self.top or Mark.of(listed) or self.stop
        if len(new) < len(listed) or not network_cursor or not listed:
            return new, Walk(stop=top), False
        return new, Walk(stop=self.stop, top=top, page=network_cursor), True


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def moment(text: Any) -> datetime:
    parsed = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("a time without its zone")
    return parsed


def json_page(response: Any, key: str) -> tuple[list[dict[str, Any]], str]:
    """The list under `key` and the network's cursor, or MalformedPage."""
    try:
        body = response.json()
    except ValueError:
        raise MalformedPage(NETWORK, "not JSON") from None
    items = body.get(key) if isinstance(body, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("uri"), str) for i in items):
        raise MalformedPage(NETWORK, f"no list of {key}")
    cursor = body.get("cursor")
    return items, cursor if isinstance(cursor, str) else ""


def listed_at(item: dict[str, Any]) -> tuple[str, str]:
    """(indexedAt, uri) in the network's order, normalised so marks compare as text."""
    try:
        return iso(moment(item["indexedAt"])), item["uri"]
    except (KeyError, TypeError, ValueError):
        raise MalformedPage(NETWORK, "an item without its time") from None


def web_url(handle: str, uri: str) -> str:
    return web_address(f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}")


def message_of(view: dict[str, Any], *, kind: MessageKind, our_did: str, reply_refs: bool = True) -> InboundMessage:
    """A notification or a post view (both carry uri, author, record, indexedAt) as a message.

    `reply_refs`: what it answers is kept (not for a search result: it answers nothing of ours)."""
    try:
        record, author = view["record"], view["author"]
        handle = str(author["handle"])
        listed = moment(view["indexedAt"])
        written = moment(record["createdAt"]) if record.get("createdAt") else listed
        reply = (record.get("reply") or {}) if reply_refs else {}
        return InboundMessage(
            remote_id=view["uri"],
            text=str(record.get("text") or ""),
            author=Author(
                handle=f"@{handle}",
                name=str(author.get("displayName") or handle),
                avatar_url=web_address(author.get("avatar")),
                remote_id=str(author["did"]),
            ),
            # As the client dated it, but never after Bluesky saw it (a clock ahead of time).
            created_at=min(written, listed),
            url=web_url(handle, view["uri"]),
            in_reply_to=str((reply.get("parent") or {}).get("uri") or ""),
            root_id=str((reply.get("root") or {}).get("uri") or ""),
            kind=kind,
            ours=author["did"] == our_did,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise MalformedPage(NETWORK, f"a post without {error}") from None


def thread_replies(node: Any, *, our_did: str) -> list[InboundMessage]:
    """Every reply under a threadViewPost, at every depth (blocked or missing posts are skipped)."""
    if not isinstance(node, dict):
        raise MalformedPage(NETWORK, "not a thread")
    found = []
    for child in node.get("replies") or ():
        if isinstance(child, dict) and child.get("$type", "app.bsky.feed.defs#threadViewPost").endswith(
            "#threadViewPost"
        ):
            found.append(message_of(child.get("post") or {}, kind=MessageKind.REPLY, our_did=our_did))
            found += thread_replies(child, our_did=our_did)
    return found
