"""Meta's webhooks (https://developers.facebook.com/docs/graph-api/webhooks): the signature, and
the changes they announce turned into the same messages the poll reads (networks/meta/reading.py),
so a comment delivered by both is stored once (inbox.services.messages_store: one per account
and remote id). Nothing here touches the database; inbox/webhooks.py finds the accounts.

- Every POST carries `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw body with
  the app's secret (FACEBOOK_APP_SECRET for Pages and Instagram, THREADS_APP_SECRET for Threads).
- Pages and Instagram: `{"object": "page"|"instagram", "entry": [{"id": <page or ig user id>,
  "time", "changes": [{"field", "value"}]}]}`. Page `feed` changes with `item: "comment"` and
  `verb: "add"|"edited"` carry the comment (`comment_id`, `post_id`, `parent_id`, `message`,
  `from`, `created_time` in epoch seconds); Instagram `comments` carry `id`, `text`, `from`,
  `media.id`, `parent_id`. Instagram `mentions` carry only `media_id` and `comment_id`: they
  become `MentionLookup`s, read by a task with `mentioned_comment` / `mentioned_media`
  (InstagramAdapter.read_mention).
- Threads: `{"app_id", "target_id": <user id>, "time", "values": {"field": "replies"|"mentions",
  "value": {"id", "username", "text", "timestamp", "permalink", "replied_to", "root_post"}}}`.
Anything else (other fields, removals, likes) is not a message: ignored, and said so.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from networks.capabilities.conversations import Author, InboundMessage, MessageKind, web_address
from networks.meta.reading import moment

# The object a delivery names -> our network, and the account config key holding its id.
OBJECTS = {"page": ("facebook", "page_id"), "instagram": ("instagram", "ig_user_id"), "threads": ("threads", "user_id")}


@dataclass
class Delivery:
    """What one change brought for one account of a network (found by `config[key] == account_id`)."""

    network: str
    key: str
    account_id: str
    messages: list[InboundMessage] = field(default_factory=list)


@dataclass(frozen=True)
class MentionLookup:
    """An Instagram mention announced by its ids only: read with mentioned_comment (a comment
    naming the account) or mentioned_media (a caption naming it) by a background task."""

    account_id: str  # the Instagram user id
    media_id: str
    comment_id: str = ""  # "" for a mention in the caption


@dataclass
class Parsed:
    deliveries: list[Delivery] = field(default_factory=list)
    lookups: list[MentionLookup] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # what was not a message, for the log


def signed_by(body: bytes, header: str | None, secret: str) -> bool:
    """Whether `header` is `sha256=` + HMAC-SHA256(body, secret); compared in constant time."""
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def network_of(payload: Any) -> str:
    """Which app's secret signs this delivery: "threads" for the Threads shape, else "facebook"."""
    return "threads" if isinstance(payload, dict) and "values" in payload else "facebook"


def parse(payload: Any) -> Parsed:
    parsed = Parsed()
    if not isinstance(payload, dict):
        parsed.ignored.append("not an object")
    elif "values" in payload:
        _threads(payload, parsed)
    elif payload.get("object") in ("page", "instagram") and isinstance(payload.get("entry"), list):
        for entry in payload["entry"]:
            _entry(str(payload["object"]), entry, parsed)
    else:
        parsed.ignored.append(f"object {str(payload.get('object'))[:40]!r}")
    return parsed


def _entry(kind: str, entry: Any, parsed: Parsed) -> None:
    if not isinstance(entry, dict) or not entry.get("id"):
        parsed.ignored.append(f"{kind}: an entry without an id")
        return
    network, key = OBJECTS[kind]
    changes = entry.get("changes")
    for change in changes if isinstance(changes, list) else []:
        change_field = change.get("field") if isinstance(change, dict) else None
        value = change.get("value") if isinstance(change, dict) else None
        if (kind, change_field) == ("instagram", "mentions") and isinstance(value, dict) and value.get("media_id"):
            lookup = MentionLookup(str(entry["id"]), str(value["media_id"]), str(value.get("comment_id") or ""))
            parsed.lookups.append(lookup)
            continue
        read = _READERS.get((kind, str(change_field)))
        message = _safely(read, value, str(entry["id"])) if read and isinstance(value, dict) else None
        if message is None:
            parsed.ignored.append(f"{kind}: field {str(change_field)[:40]!r}")
            continue
        parsed.deliveries.append(Delivery(network, key, str(entry["id"]), [message]))


def _threads(payload: dict[str, Any], parsed: Parsed) -> None:
    values = payload.get("values")
    change_field = values.get("field") if isinstance(values, dict) else None
    value = values.get("value") if isinstance(values, dict) else None
    target = str(payload.get("target_id") or "")
    if change_field not in ("replies", "mentions") or not isinstance(value, dict) or not target:
        parsed.ignored.append(f"threads: field {str(change_field)[:40]!r}")
        return
    message = _safely(_threads_message, value, target)
    if message is None:
        parsed.ignored.append("threads: a value without its fields")
        return
    parsed.deliveries.append(Delivery("threads", "user_id", target, [message]))


def _safely(read, value: dict[str, Any], account_id: str) -> InboundMessage | None:
    try:
        return read(value, account_id)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _epoch(value: Any) -> datetime:
    return datetime.fromtimestamp(float(value), UTC)


def _page_comment(value: dict[str, Any], page_id: str) -> InboundMessage | None:
    if value.get("item") != "comment" or value.get("verb") not in ("add", "edited"):
        return None
    author = value.get("from") or {}
    post_id = str(value["post_id"])
    created = _epoch(value["created_time"])
    return InboundMessage(
        remote_id=str(value["comment_id"]),
        text=str(value.get("message") or ""),
        author=Author(
            handle=str(author.get("name") or "Facebook"),
            name=str(author.get("name") or ""),
            remote_id=str(author.get("id") or ""),
        ),
        created_at=created,
        in_reply_to=str(value.get("parent_id") or post_id),
        root_id=post_id,
        kind=MessageKind.REPLY,
        edited_at=datetime.now(UTC) if value["verb"] == "edited" else None,
        ours=str(author.get("id") or "") == page_id,
    )


def _instagram_comment(value: dict[str, Any], ig_user_id: str) -> InboundMessage:
    author = value.get("from") or {}
    username = str(author.get("username") or "")
    media_id = str(value["media"]["id"])
    return InboundMessage(
        remote_id=str(value["id"]),
        text=str(value.get("text") or ""),
        author=Author(handle=f"@{username}" if username else "Instagram", remote_id=str(author.get("id") or "")),
        # Instagram's comment change carries no time of its own: it is announced as it happens.
        created_at=datetime.now(UTC),
        in_reply_to=str(value.get("parent_id") or media_id),
        root_id=media_id,
        kind=MessageKind.REPLY,
        ours=str(author.get("id") or "") == ig_user_id,
    )


def _threads_message(value: dict[str, Any], user_id: str) -> InboundMessage:
    username = str(value["username"])
    replied_to = (value.get("replied_to") or {}).get("id")
    root = (value.get("root_post") or {}).get("id")
    return InboundMessage(
        remote_id=str(value["id"]),
        text=str(value.get("text") or ""),
        author=Author(handle=f"@{username}", name=username),
        created_at=moment(value["timestamp"]),
        url=web_address(value.get("permalink")),
        in_reply_to=str(replied_to or ""),
        root_id=str(root or ""),
        kind=MessageKind.REPLY if replied_to else MessageKind.MENTION,
        # The value names no author id: the inbox knows the account's handle (inbox/webhooks.py).
    )


_READERS = {("page", "feed"): _page_comment, ("instagram", "comments"): _instagram_comment}
