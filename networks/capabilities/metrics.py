"""The `metrics` capability: the counters the desk reads back from a network after publishing.

An adapter that reads metrics declares which of the desk's metrics its network gives
(`post_metrics`, `account_metrics`) and implements, on top of the publish contract:

- `read_post_metrics(remote_ids=...)`: the counters of the account's posts, at most
  `metrics_batch_size` ids per call (Bluesky's getPosts takes 25, Mastodon one status a call).
  The answer has an entry for EVERY id asked: a post the network says is deleted, a metric the
  network no longer returns (renamed, retired) or an entry it answered malformed becomes a `Gap`
  with its reason for that post and metric, never an exception and never 0; the others keep
  their numbers.
- `read_account_metrics()`: the account's own counters (followers), same rules.

A failure of the whole call (rate limited, unreachable, refused credentials) raises PublishError
with the publish contract's kinds: RETRY with `retry_after` when the network said how long to
wait, RECONNECT when it refused the credentials. Nothing is recorded then: the read is tried again.

A metric a network does not give (views on Mastodon) is not declared and never read: pages show
it as "not available", a value distinct from 0. Names are the desk's (`Metric`): each adapter
maps its network's current names onto them, in one place (its `*_METRICS` table).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import requests
from django.utils.translation import gettext_lazy as _

from networks.base import Capability, PublishError
from networks.http_adapter import ReadWording, read_error

if TYPE_CHECKING:
    from networks.base import Adapter


class Metric(StrEnum):
    """The desk's names for what networks count (each network maps its own names onto these)."""

    LIKES = "likes"  # favourites, likes, reactions
    REPOSTS = "reposts"  # boosts, reposts, retweets
    REPLIES = "replies"  # replies, comments
    QUOTES = "quotes"
    SHARES = "shares"  # shares outside the network (Instagram, Threads, Facebook)
    SAVES = "saves"  # saved, bookmarks
    CLICKS = "clicks"
    VIEWS = "views"  # impressions, media views
    REACH = "reach"  # unique accounts that saw it
    FOLLOWERS = "followers"  # an account's, not a post's

    @property
    def label(self) -> str:
        return str(METRIC_LABELS[self])


METRIC_LABELS = {
    Metric.LIKES: _("Likes"),
    Metric.REPOSTS: _("Reposts"),
    Metric.REPLIES: _("Replies"),
    Metric.QUOTES: _("Quotes"),
    Metric.SHARES: _("Shares"),
    Metric.SAVES: _("Saves"),
    Metric.CLICKS: _("Clicks"),
    Metric.VIEWS: _("Views"),
    Metric.REACH: _("Reach"),
    Metric.FOLLOWERS: _("Followers"),
}

# What "engagement" adds up: people acting on a post. Views and reach are exposure, not acts.
ENGAGEMENT_METRICS = (Metric.LIKES, Metric.REPOSTS, Metric.REPLIES, Metric.QUOTES, Metric.SHARES, Metric.SAVES)


class GapReason(StrEnum):
    """Why a metric has no number in a snapshot. Stored as is: keep the values stable."""

    DELETED = "deleted"  # the network says the post is gone
    UNSUPPORTED = "unsupported"  # the network no longer returns this metric (renamed, retired)
    MALFORMED = "malformed"  # the answer could not be read
    NOT_YET = "not_yet"  # the network computes it later (Instagram: up to 48 h)

    @property
    def label(self) -> str:
        return str(GAP_LABELS[self])


GAP_LABELS = {
    GapReason.DELETED: _("the post was deleted"),
    GapReason.UNSUPPORTED: _("the network no longer gives this number"),
    GapReason.MALFORMED: _("the network's answer could not be read"),
    GapReason.NOT_YET: _("the network has not computed it yet"),
}


@dataclass(frozen=True)
class Gap:
    reason: GapReason
    detail: str = ""  # the network's own words, short, for a person reading the snapshot


@dataclass(frozen=True)
class Counters:
    """One read of one post (or account): each declared metric has a number or a gap."""

    values: Mapping[Metric, int] = field(default_factory=dict)
    gaps: Mapping[Metric, Gap] = field(default_factory=dict)

    @classmethod
    def gap_for_all(cls, metrics: Iterable[Metric], reason: GapReason, detail: str = "") -> Counters:
        return cls(gaps={metric: Gap(reason, detail[:300]) for metric in metrics})

    @classmethod
    def from_fields(cls, source: Any, names: Mapping[Metric, str]) -> Counters:
        """Counters from a network's object `source` whose field names[metric] holds each count.

        A field missing (renamed, retired) is UNSUPPORTED; one that is not a whole number >= 0
        is MALFORMED: the other metrics of the same object keep their numbers.
        """
        if not isinstance(source, Mapping):
            return cls.gap_for_all(names, GapReason.MALFORMED, "not an object")
        values: dict[Metric, int] = {}
        gaps: dict[Metric, Gap] = {}
        for metric, name in names.items():
            if name not in source:
                gaps[metric] = Gap(GapReason.UNSUPPORTED, f"no {name} in the answer")
                continue
            number = as_count(source[name])
            if number is None:
                gaps[metric] = Gap(GapReason.MALFORMED, f"{name} is not a count")
            else:
                values[metric] = number
        return cls(values=values, gaps=gaps)


def as_count(value: Any) -> int | None:
    """A count as networks send it (an int, sometimes a numeric string), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def reads_metrics(adapter_class: type[Adapter]) -> bool:
    """Whether a network gives any metric (the one test pages and the collector ask): its
    declared `metrics` capability, with the metrics it names."""
    return adapter_class.has(Capability.METRICS) and bool(adapter_class.post_metrics or adapter_class.account_metrics)


NUMBERS = ReadWording(
    refused=_("%(network)s refused to let the desk read the account's numbers (%(reason)s): reconnect the account."),
    throttled=_("%(network)s asks to slow down; the numbers will be read after its limit resets."),
    unreachable=_("%(network)s could not be reached; the numbers will be read again later."),
    failed=_("%(network)s answered error %(status)d; the numbers will be read again later."),
)


def read_failure(
    network: str, status: int | None, *, reason: str = "", retry_after: float | None = None
) -> PublishError:
    """The error of a metrics read that got no usable answer at all, in words about reading
    (networks/http_adapter.py's ladder of reads: a person reconnects after 401/403, anything else
    is read again later, after `retry_after` seconds when the network said)."""
    values = {"network": network, "reason": reason or status, "status": status or 0}
    return read_error(NUMBERS, values, status, retry_after=retry_after)


def json_or_none(response: requests.Response) -> Any:
    """The answer's JSON, or None when it is not JSON (a truncated body, an HTML error page)."""
    try:
        return response.json()
    except ValueError:
        return None
