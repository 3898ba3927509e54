"""Reminders of approvals that wait: beat's job (posts/beat.py: REMIND_APPROVERS).

A post waits for an approval while it is in review (its internal approvers) or awaiting the
client (its client reviewers, reminded by clients/reminders.py with their link). Once it has
waited longer than its brand's delay (Brand.approval_reminder_hours, 0: never), the approvers
are reminded; once they were and the post's time is less than that delay away, the brand's
owners are told it will not go out without its approval.

Each reminder is about one wait (the post's state_since): an ApprovalReminder row, unique per
post, wait and audience, is inserted in the transaction that tells people, so a run retried,
doubled or killed half-way tells each audience once per wait. A post that moved on since it was
found due (approved, sent back) is skipped under its row lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Brand
from posts import notices
from posts.models import ApprovalReminder, Post, PostState, ReminderAudience

# Who waits on a post in each state: the first reminder goes to them.
WAITING_ON = {PostState.IN_REVIEW: ReminderAudience.APPROVERS, PostState.AWAITING_CLIENT: ReminderAudience.CLIENT}


def _reminded(audiences: Iterable[str]) -> Exists:
    sent = ApprovalReminder.objects.filter(post=OuterRef("pk"), waiting_since=OuterRef("state_since"))
    return Exists(sent.filter(audience__in=list(audiences)))


def _delays() -> list[int]:
    """The brands' reminder delays in use (hours): one query per delay, whatever the brands.
    Unordered: Brand's default ordering (by name) would make DISTINCT keep one row per brand."""
    delays = Brand.objects.filter(approval_reminder_hours__gt=0).order_by().values_list("approval_reminder_hours")
    return [hours for (hours,) in delays.distinct()]


def due_for_approvers(*, state: str, now: datetime) -> list[tuple[int, int]]:
    """(post id, delay in hours) of the posts in `state` whose wait passed their brand's delay and
    whose approvers were not reminded of this wait yet."""
    audience = WAITING_ON[PostState(state)]
    due: list[tuple[int, int]] = []
    for hours in _delays():
        posts = Post.objects.filter(
            state=state, brand__approval_reminder_hours=hours, state_since__lte=now - timedelta(hours=hours)
        ).filter(~_reminded([audience]))
        due += [(pk, hours) for pk in posts.values_list("pk", flat=True)]
    return due


def due_for_owners(*, now: datetime) -> list[int]:
    """Posts still waiting whose approvers were reminded, due within their brand's delay."""
    due: list[int] = []
    for hours in _delays():
        posts = Post.objects.filter(
            state__in=list(WAITING_ON),
            brand__approval_reminder_hours=hours,
            scheduled_at__gt=now,
            scheduled_at__lte=now + timedelta(hours=hours),
        ).filter(_reminded(WAITING_ON.values()), ~_reminded([ReminderAudience.OWNERS]))
        due += list(posts.values_list("pk", flat=True))
    return due


def remind_once(*, post_id: int, audience: str, states: Iterable[str], send: Callable[[Post], int]) -> bool:
    """Tell `audience` about the post's current wait with `send` (returns how many were told),
    once: False when the post left `states` or this wait's reminder was sent already."""
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("brand").get(pk=post_id)
        if post.state not in set(states):
            return False
        try:
            with transaction.atomic():  # a savepoint: a twin run may have inserted it first
                reminder = ApprovalReminder.objects.create(post=post, waiting_since=post.state_since, audience=audience)
        except IntegrityError:
            return False
        reminder.recipients = send(post)
        reminder.save(update_fields=["recipients"])
    return True


def approval_reminders_send(*, now: datetime | None = None) -> int:
    """The internal approvers, then the owners, of every post due (beat's job): how many
    reminders went out. The client's reviewers are clients/reminders.py's."""
    now = now or timezone.now()
    sent = 0
    for post_id, hours in due_for_approvers(state=PostState.IN_REVIEW, now=now):
        send = partial(_remind_approvers, hours=hours)
        sent += remind_once(
            post_id=post_id, audience=ReminderAudience.APPROVERS, states=[PostState.IN_REVIEW], send=send
        )
    for post_id in due_for_owners(now=now):
        sent += remind_once(
            post_id=post_id, audience=ReminderAudience.OWNERS, states=list(WAITING_ON), send=_remind_owners
        )
    return sent


def _remind_approvers(post: Post, *, hours: int) -> int:
    return notices.remind_approvers(post=post, hours=hours)


def _remind_owners(post: Post) -> int:
    return notices.remind_owners(post=post)
