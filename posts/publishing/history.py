"""Every delivery transition of a target, written to the post's history (posts.PostEvent).

The post's page shows one history: the workflow's steps (posts.services) and, from here, each
claim, call, retry, failure and publication with the account, the attempt and the reason.
"""

from __future__ import annotations

from typing import Any

from cm_platform.reasons import Reason, as_reason, reason
from posts.models import EventKind, PostEvent, PostTarget, TargetState
from posts.notices import announce_event

TAKEN = reason("Taken by a publishing worker")
KIND_FOR_STATE = {TargetState.PUBLISHED: EventKind.PUBLISHED, TargetState.FAILED: EventKind.FAILED}


def _event(target: PostTarget, from_state: str, to_state: str, note: str | Reason, actor=None) -> PostEvent:
    """The note is kept as a code (details["note"]) for each reader's language, and as words."""
    details: dict[str, Any] = {"target": target.pk, "account": target.account_id, "attempt": target.attempts}
    if note:
        details["note"] = as_reason(note).as_json()
    return PostEvent(
        post_id=target.post_id,
        actor=actor,
        kind=KIND_FOR_STATE.get(to_state, EventKind.OTHER),  # type: ignore[call-overload]
        from_state=from_state,
        to_state=to_state,
        comment=str(note),
        details=details,
    )


def record(target: PostTarget, from_state: str, to_state: str, *, note: str | Reason = "", actor=None) -> None:
    """One transition in the history; published and failed are announced to the brand's webhooks."""
    event = _event(target, from_state, to_state, note, actor)
    event.save()
    announce_event(event)


def record_claims(target_ids: list[int]) -> None:
    """One row per claimed target, in one statement (a burst claims hundreds at once)."""
    targets = PostTarget.objects.filter(pk__in=target_ids).only("pk", "post_id", "account_id", "attempts")
    PostEvent.objects.bulk_create(
        _event(target, TargetState.PENDING, TargetState.PUBLISHING, TAKEN) for target in targets
    )
