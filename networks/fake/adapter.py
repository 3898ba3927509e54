"""A fake network that ships with the code, like Django's locmem mail backend.

It publishes into `FakeAdapter.outbox` (this process only) and can be told to fail through the
account's config: {"fail": "retry" | "reconnect" | "rejected" | "unknown"}. The demo and the
tests of everything above adapters use it.

Its metrics come from the account's config, so a worker process sees what a test set:
"post_metrics": {remote_id: {"likes": 3, ...}} (a metric missing from an entry is one the
network stopped giving), "deleted_posts": [remote_id, ...], "metrics_fail": "retry" |
"reconnect", "metrics_garble_next": true (the next read's answer is unreadable), "followers": N.
A post without an entry gets steady made-up numbers drawn from its
id (the demo's analytics).

Its conversations live in the account's config, so every process reading the account (a test,
a Celery worker it started, the demo's worker) sees the same network:
- "inbox": a list of messages people wrote, oldest first ({"id", "text", "author", "at" ISO,
  "in_reply_to", "kind"}); `FakeAdapter.receive(account, ...)` appends one and saves;
- "inbox_generated": N (with "inbox_generated_at", ISO): N more messages made up on the fly,
  before those of "inbox", for benchmarks and crash tests that need thousands;
- "read_fail": "retry" | "reconnect" | "malformed" makes the first read of each loaded account
  fail; "read_delay": seconds each read takes; "page_size": messages per page (20).
What the desk does there (replies, hidden and deleted messages) is kept in this process only.

Its search reads "public": posts anyone wrote, oldest first ({"id", "text", "author", "at" ISO});
`FakeAdapter.post_publicly(account, ...)` appends one. "search_fail": "retry" | "reconnect" |
"malformed" makes the next search fail.
"""

import hashlib
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy

from cm_platform.reasons import reason
from networks.base import (
    Adapter,
    Capability,
    Connection,
    ErrorKind,
    Limits,
    MediaFile,
    PublishError,
    PublishResult,
)
from networks.capabilities.conversations import (
    Author,
    InboundMessage,
    MalformedPage,
    MessageAction,
    MessageKind,
    MessagePage,
)
from networks.capabilities.metrics import Counters, GapReason, Metric

PAGE_SIZE = 20
FAKE_POST_METRICS = {m: m.value for m in (Metric.LIKES, Metric.REPOSTS, Metric.REPLIES, Metric.VIEWS, Metric.REACH)}


class FakeForm(forms.Form):
    display_name = forms.CharField(label=gettext_lazy("Name"), max_length=100)


class FakeAdapter(Adapter):
    slug = "fake"
    name = "Fake network"
    limits = Limits(max_chars=500, max_media=4, alt_text_max=1500)
    recognises_repeats = True
    connect_form = FakeForm
    listed = False  # offered only when settings.NETWORKS_OFFER_TEST_ADAPTERS is on
    capabilities = frozenset({Capability.PUBLISH, Capability.CONVERSATIONS, Capability.METRICS, Capability.SEARCH})
    message_actions = frozenset(MessageAction)
    outbox: ClassVar[dict[str, dict]] = {}  # key -> what was published
    replies: ClassVar[dict[str, dict]] = {}  # key -> the reply made with it
    hidden: ClassVar[set[str]] = set()
    deleted: ClassVar[set[str]] = set()
    post_metrics = frozenset(FAKE_POST_METRICS)
    account_metrics = frozenset({Metric.FOLLOWERS})
    metrics_batch_size = 50

    @classmethod
    def connect(cls, data: dict[str, Any]) -> Connection:
        handle = "@" + data["display_name"].lower().replace(" ", "")
        return Connection(display_name=data["display_name"], handle=handle, credentials={"token": "fake"})

    def read_post_metrics(self, *, remote_ids) -> dict[str, Counters]:
        self._fail_metrics_if_told()
        config = self.account.config
        deleted, given = set(config.get("deleted_posts") or ()), config.get("post_metrics") or {}
        if config.pop("metrics_garble_next", False):
            return {rid: Counters.gap_for_all(FAKE_POST_METRICS, GapReason.MALFORMED, "garbled") for rid in remote_ids}
        return {
            remote_id: Counters.gap_for_all(FAKE_POST_METRICS, GapReason.DELETED, "gone")
            if remote_id in deleted
            else Counters.from_fields(given.get(remote_id) or _made_up(remote_id), FAKE_POST_METRICS)
            for remote_id in remote_ids
        }

    def read_account_metrics(self) -> Counters:
        self._fail_metrics_if_told()
        followers = self.account.config.get("followers", 1000 + _seed(str(self.account.pk)) % 500)
        return Counters.from_fields({"followers": followers}, {Metric.FOLLOWERS: "followers"})

    def _fail_metrics_if_told(self) -> None:
        failure = self.account.config.get("metrics_fail")
        if failure:
            raise PublishError(reason("The fake network was told to fail."), kind=ErrorKind(failure), retry_after=60)

    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        self._fail_if_told()
        # Keyed by `key`: a repeat returns the first post, as Mastodon's Idempotency-Key does.
        entry = self.outbox.setdefault(key, {"text": text, "media": [m.name for m in media], "id": key})
        return PublishResult(remote_id=entry["id"], url=f"https://fake.invalid/posts/{key}")

    def find_published(self, *, key: str) -> PublishResult | None:
        entry = self.outbox.get(key)
        return None if entry is None else PublishResult(remote_id=entry["id"], url=f"https://fake.invalid/posts/{key}")

    def check_connection(self) -> str:
        return self.account.handle or "@fake"

    def _fail_if_told(self) -> None:
        failure = self.account.config.get("fail")
        if failure:
            raise PublishError(reason("The fake network was told to fail."), kind=ErrorKind(failure))

    # --- conversations --------------------------------------------------------------------------
    @classmethod
    def receive(
        cls,
        account,
        text: str,
        *,
        in_reply_to: str = "",
        author: str = "@someone@fake.invalid",
        at: datetime | None = None,
        kind: MessageKind = MessageKind.REPLY,
    ) -> str:
        """Someone writes on the network (a test's or the demo's doing); returns its id."""
        inbox = account.config.setdefault("inbox", [])
        remote_id = f"m{len(inbox) + 1}-{account.pk}"
        moment = (at or datetime.now(UTC)).isoformat()
        inbox.append(
            {"id": remote_id, "text": text, "author": author, "at": moment, "in_reply_to": in_reply_to, "kind": kind}
        )
        account.save(update_fields=["config"])
        return remote_id

    def read_messages(self, *, cursor: str, since: datetime) -> MessagePage:
        config = self.account.config
        time.sleep(float(config.get("read_delay") or 0))
        self._fail_read_if_told()
        page_size = int(config.get("page_size") or PAGE_SIZE)
        position = int(cursor) if cursor else 0
        # (position, message) after the cursor; the first read starts at `since`.
        waiting = [(i, m) for i, m in self._network() if i > position and (cursor or m.created_at >= since)]
        page = waiting[:page_size]
        next_cursor = str(page[-1][0]) if page else (cursor or str(self._last_position()))
        return MessagePage(tuple(m for _i, m in page), next_cursor, more=len(waiting) > page_size)

    def read_thread(self, *, root_id: str) -> list[InboundMessage]:
        self._fail_read_if_told()
        return [m for _i, m in self._network() if m.root_id == root_id] + [
            m for m in self._our_replies() if m.root_id == root_id
        ]

    def reply(self, *, to: str, text: str, key: str) -> PublishResult:
        self._fail_if_told()
        entry = self.replies.setdefault(
            key, {"id": f"reply-{key}", "to": to, "text": text, "at": datetime.now(UTC).isoformat()}
        )
        return PublishResult(remote_id=entry["id"], url=f"https://fake.invalid/replies/{key}")

    def hide_message(self, *, remote_id: str) -> None:
        self._fail_if_told()
        self.hidden.add(remote_id)

    def delete_message(self, *, remote_id: str, ours: bool) -> None:
        self._fail_if_told()
        self.deleted.add(remote_id)

    # --- search -------------------------------------------------------------------------------
    @classmethod
    def post_publicly(
        cls, account, text: str, *, author: str = "@someone@fake.invalid", at: datetime | None = None
    ) -> str:
        """Someone posts on the network, for anyone to find (a test's or the demo's doing)."""
        public = account.config.setdefault("public", [])
        remote_id = f"p{len(public) + 1}-{account.pk}"
        public.append({"id": remote_id, "text": text, "author": author, "at": (at or datetime.now(UTC)).isoformat()})
        account.save(update_fields=["config"])
        return remote_id

    def search(self, *, query: str, cursor: str, since: datetime) -> MessagePage:
        self._fail_search_if_told()
        words = query.casefold().split()
        public = self.account.config.get("public") or []
        position = int(cursor) if cursor.isdigit() else 0
        found = [
            (i, self._message({**raw, "kind": MessageKind.MENTION}))
            for i, raw in enumerate(public, start=1)
            if i > position and all(word in str(raw.get("text", "")).casefold() for word in words)
        ]
        if not cursor:  # the first search goes back to `since`, no further
            found = [(i, message) for i, message in found if message.created_at >= since]
        page_size = int(self.account.config.get("page_size") or PAGE_SIZE)
        page = found[:page_size]
        next_cursor = str(page[-1][0]) if page else (cursor or str(len(public)))
        return MessagePage(tuple(m for _i, m in page), next_cursor, more=len(found) > page_size)

    def _fail_search_if_told(self) -> None:
        failure = self.account.config.pop("search_fail", None)
        if failure == "malformed":
            raise MalformedPage(self.name, "told to send a broken page")
        if failure:
            raise PublishError(reason("The fake network was told to fail."), kind=ErrorKind(failure))

    def _fail_read_if_told(self) -> None:
        # Once per loaded account: every poll (which loads the account afresh) fails its first
        # read, and a test holding the account sees the next read succeed.
        failure = self.account.config.pop("read_fail", None)
        if failure == "malformed":
            raise MalformedPage(self.name, "told to send a broken page")
        if failure:
            raise PublishError(reason("The fake network was told to fail."), kind=ErrorKind(failure))

    def _last_position(self) -> int:
        return int(self.account.config.get("inbox_generated") or 0) + len(self.account.config.get("inbox") or [])

    def _network(self) -> list[tuple[int, InboundMessage]]:
        """Every message people wrote, with its position in arrival order (deleted ones gone)."""
        written = list(self._generated()) + [self._message(raw) for raw in self.account.config.get("inbox") or []]
        roots = _roots({m.remote_id: m.in_reply_to for m in written})
        return [
            (i, _with_root(m, roots.get(m.remote_id, "")))
            for i, m in enumerate(written, start=1)
            if m.remote_id not in self.deleted
        ]

    def _generated(self):
        config = self.account.config
        start = datetime.fromisoformat(config.get("inbox_generated_at") or "2026-01-01T00:00:00+00:00")
        for n in range(1, int(config.get("inbox_generated") or 0) + 1):
            yield InboundMessage(
                remote_id=f"g{n}-{self.account.pk}",
                text=f"Message {n}",
                author=Author(handle=f"@person{n % 97}@fake.invalid", name=f"Person {n % 97}"),
                created_at=start + timedelta(milliseconds=n),
                kind=MessageKind.MENTION,
            )

    def _message(self, raw: dict) -> InboundMessage:
        try:
            return InboundMessage(
                remote_id=raw["id"],
                text=raw["text"],
                author=Author(handle=raw["author"], name=raw["author"].lstrip("@").split("@")[0]),
                created_at=datetime.fromisoformat(raw["at"]),
                url=f"https://fake.invalid/messages/{raw['id']}",
                in_reply_to=raw.get("in_reply_to") or "",
                kind=MessageKind(raw.get("kind") or MessageKind.REPLY),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise MalformedPage(self.name, f"message without {error}") from None

    def _our_replies(self) -> list[InboundMessage]:
        """The replies this process made on this account's threads, as the network shows them."""
        parents = {m.remote_id: m for _i, m in self._network()}
        ours = []
        for entry in self.replies.values():
            parent = parents.get(entry["to"])
            if parent is None:
                continue
            ours.append(
                InboundMessage(
                    remote_id=entry["id"],
                    text=entry["text"],
                    author=Author(handle=self.account.handle or "@fake", name=self.account.display_name),
                    created_at=datetime.fromisoformat(entry["at"]),
                    in_reply_to=entry["to"],
                    root_id=parent.root_id or parent.remote_id,
                    ours=True,
                )
            )
        return ours


def _roots(parents: dict[str, str]) -> dict[str, str]:
    """For each message, the post its chain of replies starts from (not itself a message here)."""
    roots = {}
    for remote_id in parents:
        node, seen = remote_id, set()
        while parents.get(node) and parents[node] in parents and node not in seen:
            seen.add(node)
            node = parents[node]
        roots[remote_id] = parents.get(node) or ""
    return roots


def _with_root(message: InboundMessage, root_id: str) -> InboundMessage:
    return replace(message, root_id=root_id) if root_id else message


def _seed(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def _made_up(remote_id: str) -> dict[str, int]:
    """Numbers a post of a small brand might get, the same at every read of the same post."""
    seed = _seed(remote_id)
    reach = 200 + seed % 1800
    return {
        "views": reach + seed % 700,
        "reach": reach,
        "likes": reach * (2 + seed % 9) // 100,
        "reposts": reach * (seed % 4) // 100,
        "replies": seed % 12,
    }
