"""The `metrics` capability for Meta's networks (networks/capabilities/metrics.py states it).

One Graph read per post, each network naming its own fields in one table:
- Facebook: `GET /{post-id}?fields=reactions.summary(total_count).limit(0),comments.summary(...)
  .limit(0),shares,insights.metric(post_media_view,post_total_media_view_unique,post_clicks)`
  (the old `post_impressions*` are retired; `shares` is left out of the answer while nobody
  shared, which is 0);
- Instagram: `GET /{ig-media-id}/insights?metric=views,reach,likes,comments,shares,saved`
  (`impressions` and `plays` are retired);
- Threads: `GET /{media-id}/insights?metric=views,likes,replies,reposts,quotes,shares`.
Insights answer `{"data": [{"name", "period", "values": [{"value"}]}]}` (or `total_value`). A
post deleted since (error 100, subcode 33) is a DELETED gap; a metric missing from the answer
(renamed, retired) UNSUPPORTED; an answer that is not JSON, MALFORMED. A throttle (codes 4, 17,
32, 613) raises RETRY after the reset of the usage headers (GraphAdapter.retry_after).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import requests

from networks.base import ErrorKind, PublishError
from networks.capabilities.metrics import Counters, GapReason, Metric, json_or_none, read_failure
from networks.http_adapter import Outcome
from networks.meta.graph import GraphAdapter, error_of
from networks.meta.reading import missing

# The ladder of reads (networks/http_adapter.read_error) speaks HTTP statuses; Meta's codes map to them.
STATUS_OF = {Outcome.THROTTLED: 429, Outcome.ACCESS_REFUSED: 401}


def insight_values(answer: Any) -> dict[str, Any] | None:
    """{name: value} of an insights answer, None when it is not one."""
    data = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(data, list):
        return None
    values: dict[str, Any] = {}
    for entry in data:
        if not isinstance(entry, dict) or "name" not in entry:
            return None
        points = entry.get("values")
        if isinstance(points, list) and points and isinstance(points[-1], dict):
            values[str(entry["name"])] = points[-1].get("value")
        elif isinstance(entry.get("total_value"), dict):
            values[str(entry["name"])] = entry["total_value"].get("value")
    return values


class GraphMetrics(GraphAdapter):
    """Per-post reads of a Meta network's counters; a subclass says where they are."""

    # The desk's metric -> the network's insights metric.
    insights: ClassVar[Mapping[Metric, str]] = {}
    account_metrics = frozenset({Metric.FOLLOWERS})

    def read_post_metrics(self, *, remote_ids: Sequence[str]) -> dict[str, Counters]:
        return {remote_id: self.post_counters(remote_id) for remote_id in remote_ids}

    def post_counters(self, remote_id: str) -> Counters:
        response = self.metrics_get(f"/{remote_id}/insights", {"metric": ",".join(self.insights.values())})
        if missing(response):
            return Counters.gap_for_all(self.post_metrics, GapReason.DELETED, short_error(response))
        values = insight_values(json_or_none(response))
        if values is None:
            return Counters.gap_for_all(self.post_metrics, GapReason.MALFORMED, "not an insights answer")
        return Counters.from_fields(values, self.insights)

    def metrics_get(self, path: str, params: dict[str, str]) -> requests.Response:
        """A read for the numbers: a deleted object is an answer, other failures raise."""
        token = self.account.credentials.get(self.credential_key, "")
        try:
            response = self.send("GET", self.api_url() + path, params={**params, "access_token": token})
        except PublishError as error:
            raise error if error.kind == ErrorKind.RECONNECT else read_failure(self.name, None) from None
        if response.status_code >= 400 and not missing(response):
            outcome = self.outcome(response)
            status = STATUS_OF.get(outcome, response.status_code)
            retry_after = self.retry_after(response) if outcome == Outcome.THROTTLED else None
            raise read_failure(self.name, status, reason=str(self.error_words(response)), retry_after=retry_after)
        return response


def short_error(response: requests.Response) -> str:
    return str(error_of(response).get("message") or "")[:300]
