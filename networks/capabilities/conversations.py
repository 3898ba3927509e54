"""The `conversations` capability: what the inbox reads from a network and what it may do there.

An adapter that declares Capability.CONVERSATIONS implements, on top of the publish contract:

- `read_messages(cursor=..., since=...)`: the replies and mentions that arrived after `cursor`
  (an opaque string the adapter made; "" the first time, when it reads back to `since`), as a
  `MessagePage` of normalised `InboundMessage`s and the cursor to continue from. A page is
  returned whole or not at all: a page the network answered malformed, truncated or with items
  missing their fields raises `MalformedPage`, so nothing of it is stored and the cursor stays.
- `read_thread(root_id=...)`: every message of the thread under one of the account's posts,
  at every depth (where notifications only bring what names the account).
- `reply(to=..., text=..., key=...)`: a reply threaded under the message `to`; `key` is stable
  for that reply across retries, used wherever the network recognises a repeat.
- `hide_message(remote_id=...)`, `delete_message(remote_id=..., ours=...)`.

Each action is declared (`Adapter.message_actions`), and each one a network cannot take is
explained (`Adapter.actions_not_offered`) so the page says why instead of offering it.
Failures raise PublishError with the publish contract's kinds (RETRY with `retry_after` for a
rate limit, RECONNECT for refused credentials, REJECTED for a refusal that will not change).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from networks.base import ErrorKind, PublishError


class MessageKind(StrEnum):
    REPLY = "reply"  # answers one of the account's posts, or a message under it
    MENTION = "mention"  # names the account outside its own threads
    COMMENT = "comment"  # a comment on a post (Facebook, Instagram, LinkedIn)


class MessageAction(StrEnum):
    REPLY = "reply"
    HIDE = "hide"  # hide someone's reply or comment from the public
    DELETE = "delete"  # delete someone else's message (moderation)
    DELETE_OWN = "delete_own"  # delete one of the account's own replies


def web_address(url: str | None) -> str:
    """`url` if it is an http(s) address, else "": never a javascript: or data: URL on a page."""
    url = (url or "").strip()
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc and len(url) <= 500 else ""


@dataclass(frozen=True)
class Author:
    handle: str  # as the network shows it: @name@instance, a Bluesky handle, a page name
    name: str = ""
    avatar_url: str = ""  # http(s) only (web_address)
    remote_id: str = ""


@dataclass(frozen=True)
class InboundMessage:
    """A message as every network's adapter hands it to the inbox."""

    remote_id: str  # unique on the network for this account
    text: str  # as the person typed it (HTML a network added is turned back into text)
    author: Author
    created_at: datetime  # aware
    url: str = ""  # its public address, http(s) only
    in_reply_to: str = ""  # the remote id it answers ("" for a mention that answers nothing)
    root_id: str = ""  # the thread's first post, when the network says so
    kind: MessageKind = MessageKind.REPLY
    edited_at: datetime | None = None
    ours: bool = False  # written by the account itself


@dataclass(frozen=True)
class MessagePage:
    """One read: messages in any order, and where the next read starts once they are stored."""

    messages: tuple[InboundMessage, ...]
    cursor: str
    more: bool = False  # another page is waiting now: read again at once


class MalformedPage(PublishError):
    """The network answered something that is not a page of messages: nothing of it is kept."""

    def __init__(self, network: str, detail: str):
        super().__init__(
            _("%(network)s sent a page of messages that could not be read (%(detail)s); it will be read again.")
            % {"network": network, "detail": detail[:200]},
            kind=ErrorKind.RETRY,
        )
