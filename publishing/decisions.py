"""A person's decisions about what the engine does: publish a post now, send a target again,
answer "is it on the network?", and decide the fate of the posts a crisis pause left overdue.

Each checks the person's role (accounts.permissions.require_member) and records who decided in the post's
history. The engine itself (engine.py) never waits for these: it only reads what they wrote.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Brand
from accounts.permissions import require_member
from accounts.roles import Perm
from cm_platform.reasons import reason
from networks import http
from posts import services as post_services
from posts.models import EventKind, Post, PostEvent, PostState, PostTarget, TargetState
from posts.workflow import WorkflowError
from publishing import history, rules
from publishing.engine import tell_author_if_all_out
from publishing.models import OverdueHold


@transaction.atomic
def post_publish_now(*, post: Post, user, approve: bool = False) -> Post:
    """The one "publish now" (the post's page, the overdue list, the API and the composer): the
    post goes out at once, under one rule, rules.publish_now_refusal (approved, brand not paused,
    something left to send), which the pages also ask before offering the button.

    `approve`: the composer's button, pressed on a post being written. The post is first
    scheduled for now (approved, by the workflow's own rules and permissions); the rule then
    applies to it as to any post. Anywhere else a post that is not approved is refused.
    """
    require_member(user, post.brand, Perm.SCHEDULE)
    if approve and post.state != PostState.APPROVED:
        post = post_services.post_schedule_now(post=post, user=user)
    post = Post.objects.select_for_update().select_related("brand").get(pk=post.pk)
    refusal = rules.publish_now_refusal(post)
    if refusal is not None:
        raise WorkflowError(refusal)
    before, post.scheduled_at = post.scheduled_at, timezone.now()
    post.version += 1
    post.save(update_fields=["scheduled_at", "version", "updated_at"])
    post.targets.filter(state=TargetState.PENDING).update(next_attempt_at=None)
    OverdueHold.objects.filter(post=post).delete()
    PostEvent.objects.create(
        post=post,
        actor=user,
        kind=EventKind.RESCHEDULED,
        from_state=post.state,
        to_state=post.state,
        scheduled_before=before,
        scheduled_after=post.scheduled_at,
        comment=_("Publish now"),
        details={"note": reason("Publish now").as_json()},
    )
    return post


@transaction.atomic
def target_retry(*, target: PostTarget, user) -> PostTarget:
    """A person sends a failed target again, or one that needs checking after looking."""
    require_member(user, target.post.brand, Perm.SCHEDULE)
    if target.state not in (TargetState.FAILED, TargetState.NEEDS_CHECKING):
        raise WorkflowError(_("Only a failed post, or one that needs checking, can be sent again."))
    before = target.state
    PostTarget.objects.filter(pk=target.pk, state=before).update(
        state=TargetState.PENDING, attempts=0, next_attempt_at=None, error_kind="", last_error="", last_error_code={}
    )
    target.refresh_from_db()
    history.record(target, before, TargetState.PENDING, note=reason("Sent again by a person"), actor=user)
    return target


@transaction.atomic
def target_resolve(*, target: PostTarget, user, published: bool, url: str = "") -> PostTarget:
    """A person's answer to "needs checking": it is on the network (with its address), or not."""
    require_member(user, target.post.brand, Perm.SCHEDULE)
    if target.state != TargetState.NEEDS_CHECKING:
        raise WorkflowError(_("This post does not need checking."))
    if published:
        fields = {"state": TargetState.PUBLISHED, "remote_url": http.http_link(url), "published_at": timezone.now()}
    else:
        checked = reason("Not published (checked by %(name)s).", name=str(user))
        fields = {"state": TargetState.FAILED, "last_error": str(checked), "last_error_code": checked.as_json()}
    PostTarget.objects.filter(pk=target.pk, state=TargetState.NEEDS_CHECKING).update(**fields)
    target.refresh_from_db()
    history.record(target, TargetState.NEEDS_CHECKING, target.state, note=reason("Checked by a person"), actor=user)
    if published:
        tell_author_if_all_out(target)
    return target


def overdue_posts(brand: Brand):
    """Posts a pause left waiting for a decision, oldest first."""
    return (
        Post.objects.filter(brand=brand, overdue_hold__isnull=False)
        .select_related("overdue_hold")
        .prefetch_related("targets__account")
        .order_by("scheduled_at", "pk")
    )


@transaction.atomic
def overdue_reschedule(*, post: Post, user, scheduled_at: datetime) -> Post:
    """Give an overdue post a new time (the posts app's rules and history)."""
    post = post_services.post_reschedule(post=post, user=user, scheduled_at=scheduled_at)
    OverdueHold.objects.filter(post=post).delete()
    return post


@transaction.atomic
def overdue_cancel(*, post: Post, user) -> Post:
    """Do not publish an overdue post at all: its pending targets are cancelled."""
    require_member(user, post.brand, Perm.SCHEDULE)
    for target in post.targets.filter(state=TargetState.PENDING):
        target.state = TargetState.CANCELLED
        target.save(update_fields=["state"])
        note = reason("Cancelled after a pause")
        history.record(target, TargetState.PENDING, TargetState.CANCELLED, note=note, actor=user)
    OverdueHold.objects.filter(post=post).delete()
    return post
