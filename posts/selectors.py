"""Reads on posts that need care.

approval_turnaround: how long each stage's decisions took, from the post's submission (or its
return to review after an edit) to the decision, per stage and approver — figures ready for the
reports (plain numbers in hours, a dataclass per row).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from accounts.models import Brand
from posts.models import EventKind, PostEvent, PostState
from posts.workflow import Stage

SUBMITTING = (EventKind.SUBMITTED, EventKind.BACK_TO_REVIEW)
# A decision is taken on a post waiting at a stage: its stage is the state it was taken from.
DECIDING = (
    EventKind.APPROVED,
    EventKind.CHANGES_REQUESTED,
    EventKind.CLIENT_APPROVED,
    EventKind.CLIENT_CHANGES_REQUESTED,
)
STAGE_OF_STATE = {PostState.IN_REVIEW: Stage.INTERNAL, PostState.AWAITING_CLIENT: Stage.CLIENT}


@dataclass(frozen=True)
class Turnaround:
    """One approver's decisions at one stage (approver "" : everyone at that stage)."""

    stage: Stage
    approver: str
    decisions: int
    median_hours: float
    mean_hours: float
    longest_hours: float


def approval_turnaround(*, brand: Brand, since: datetime | None = None) -> list[Turnaround]:
    """Per stage (internal first), the whole stage then each approver by name; decisions taken
    since `since` (all when None). Two queries whatever the number of posts."""
    taken = PostEvent.objects.filter(post__brand=brand, kind__in=DECIDING, from_state__in=list(STAGE_OF_STATE))
    if since is not None:
        taken = taken.filter(created_at__gte=since)
    decisions = list(taken.select_related("actor").order_by("created_at", "pk"))
    submissions = _submissions(post_ids={d.post_id for d in decisions})
    hours: dict[tuple[Stage, str], list[float]] = defaultdict(list)
    for decision in decisions:
        submitted = _last_before(submissions.get(decision.post_id, []), decision.created_at)
        if submitted is None:
            continue  # decided before any recorded submission (older data): nothing to measure
        stage = STAGE_OF_STATE[PostState(decision.from_state)]
        waited = (decision.created_at - submitted).total_seconds() / 3600
        hours[(stage, "")].append(waited)
        hours[(stage, _approver(decision))].append(waited)
    order = list(Stage)
    keys = sorted(hours, key=lambda key: (order.index(key[0]), key[1] != "", key[1].lower()))
    return [_row(stage, approver, hours[(stage, approver)]) for stage, approver in keys]


def _submissions(*, post_ids: set[int]) -> dict[int, list[datetime]]:
    found: dict[int, list[datetime]] = defaultdict(list)
    events = PostEvent.objects.filter(post_id__in=post_ids, kind__in=SUBMITTING).order_by("created_at", "pk")
    for post_id, created_at in events.values_list("post_id", "created_at"):
        found[post_id].append(created_at)
    return found


def _last_before(times: list[datetime], moment: datetime) -> datetime | None:
    earlier = [time for time in times if time <= moment]
    return earlier[-1] if earlier else None


def _approver(decision: PostEvent) -> str:
    client = (decision.details or {}).get("client_reviewer")
    if client:
        return str(client)
    return str(decision.actor) if decision.actor is not None else "—"


def _row(stage: Stage, approver: str, hours: list[float]) -> Turnaround:
    return Turnaround(
        stage=stage,
        approver=approver,
        decisions=len(hours),
        median_hours=round(statistics.median(hours), 2),
        mean_hours=round(statistics.fmean(hours), 2),
        longest_hours=round(max(hours), 2),
    )
