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
"""

import hashlib
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from networks.adapters.base import Adapter, Connection, ErrorKind, Limits, MediaFile, PublishError, PublishResult
from networks.adapters.metrics import Counters, GapReason, Metric

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
    outbox: ClassVar[dict[str, dict]] = {}  # key -> what was published
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
            raise PublishError(_("The fake network was told to fail."), kind=ErrorKind(failure), retry_after=60)

    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        failure = self.account.config.get("fail")
        if failure:
            raise PublishError(_("The fake network was told to fail."), kind=ErrorKind(failure))
        # Keyed by `key`: a repeat returns the first post, as Mastodon's Idempotency-Key does.
        entry = self.outbox.setdefault(key, {"text": text, "media": [m.name for m in media], "id": key})
        return PublishResult(remote_id=entry["id"], url=f"https://fake.invalid/posts/{key}")

    def find_published(self, *, key: str) -> PublishResult | None:
        entry = self.outbox.get(key)
        return None if entry is None else PublishResult(remote_id=entry["id"], url=f"https://fake.invalid/posts/{key}")

    def check_connection(self) -> str:
        return self.account.handle or "@fake"


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
