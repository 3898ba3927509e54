"""Every write on posts: typed, keyword-only, each in one transaction, each checking the acting
user's permission itself so the web pages and the API share the same rules.

Errors: posts.workflow.WorkflowError (not possible now, API 409), StaleVersion (409),
ValidationError with a field dict (400), Forbidden (403). Messages are translated and
name the field or the network.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Brand
from accounts.permissions import membership_of, require_member
from accounts.roles import Perm
from core.exceptions import Conflict, Forbidden
from networks.models import AccountStatus
from notifications.services import mentioned_members
from posts import notices, workflow
from posts.content import PostContent
from posts.media import media_copy, media_files_for
from posts.models import Comment, EventKind, Post, PostEvent, PostMedia, PostState, PostTarget, StageApproval
from posts.workflow import Action, WorkflowError

__all__ = [
    "StaleContent",
    "StaleVersion",
    "WorkflowError",
    "comment_add",
    "post_approve",
    "post_client_decide",
    "post_create",
    "post_delete",
    "post_duplicate",
    "post_reschedule",
    "post_request_changes",
    "post_schedule",
    "post_schedule_now",
    "post_submit",
    "post_unschedule",
    "post_update",
    "posts_expire",
]


class StaleVersion(Conflict):
    """Someone saved the post after this editor opened it; nothing was saved (API 409)."""

    code = "stale_version"

    def __init__(self, post: Post):
        super().__init__(_("Someone else saved this post while you were editing it."))
        self.post = post


# --- helpers ---------------------------------------------------------------------------------
def _locked_copy(post: Post) -> Post:
    """The post re-read under a row lock: concurrent writers queue here."""
    return Post.objects.select_for_update().select_related("brand").get(pk=post.pk)


def _bump(post: Post, *fields: str) -> None:
    post.version += 1
    post.save(update_fields=[*fields, "version", "updated_at"])


def _record(post: Post, user, kind: str, **values) -> PostEvent:
    """A step of the post's history, announced to the brand's webhooks that listen for it."""
    event = PostEvent.objects.create(post=post, actor=user if getattr(user, "pk", None) else None, kind=kind, **values)
    notices.announce_event(event)
    return event


def _check_time(scheduled_at: datetime | None, *, previous: datetime | None = None) -> None:
    """A new time must be aware and not in the past (the current minute still counts)."""
    if scheduled_at is None or scheduled_at == previous:
        return
    if timezone.is_naive(scheduled_at):
        raise ValueError("scheduled_at must be an aware datetime")
    if scheduled_at < timezone.now().replace(second=0, microsecond=0):
        raise ValidationError({"scheduled_at": _("This time is in the past: choose a time to come.")})


def _check_content(*, brand: Brand, content: PostContent) -> None:
    """The content may be saved in `brand`: its accounts, media and campaign are the brand's, and
    every chosen network accepts it. A ValidationError naming each field at fault otherwise."""
    errors: dict[str, list[str]] = {}
    if any(account.brand_id != brand.pk for account in content.accounts):
        errors.setdefault("accounts", []).append(_("These network accounts are not this brand's."))
    if any(account.status == AccountStatus.DISABLED for account in content.accounts):
        errors.setdefault("accounts", []).append(_("A disabled network account cannot be chosen."))
    if any(item.brand_id != brand.pk for item in content.media):
        errors.setdefault("media", []).append(_("These media are not in this brand's library."))
    if content.campaign is not None and content.campaign.brand_id != brand.pk:
        errors.setdefault("campaign", []).append(_("This campaign is not this brand's."))
    if errors:
        raise ValidationError(errors)
    _validate_for_networks(content)


def _validate_for_networks(content: PostContent) -> None:
    """Each network's rules, only through its adapter (networks/base.py)."""
    errors: dict[str, list[str]] = {}
    if not content.accounts and not content.text.strip():
        errors["text"] = [_("Write a text.")]
    for account in content.accounts:
        adapter = account.adapter()
        files = media_files_for(adapter.get_limits(), list(content.media))
        field = f"target_{account.pk}" if account.pk in content.target_texts else "text"
        for problem in adapter.validate(content.text_for(account), files):
            message = problem.message
            if account.display_name and account.display_name not in message:
                message = f"{message} ({account.display_name})"
            errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)


def _write_content(post: Post, content: PostContent) -> dict:
    """Store targets and media; return what changed for the history."""
    accounts, media, texts = content.accounts, content.media, content.target_texts
    before_targets = {t.account_id: t for t in post.targets.all()}
    before_texts = {account_id: t.text for account_id, t in before_targets.items()}
    wanted = {account.pk for account in accounts}
    removed = set(before_targets) - wanted
    post.targets.filter(account_id__in=removed).delete()
    for account in accounts:
        target = before_targets.get(account.pk) or PostTarget(post=post, account=account)
        target.text = texts.get(account.pk, "")
        target.save()
    before_media = list(post.postmedia_set.order_by("position").values_list("media_id", flat=True))
    media_ids = [item.pk for item in media]
    if before_media != media_ids:
        post.postmedia_set.all().delete()
        PostMedia.objects.bulk_create(PostMedia(post=post, media=item, position=i) for i, item in enumerate(media))
    changes: dict = {}
    if removed or wanted - set(before_targets):
        changes["accounts"] = {"before": sorted(before_targets), "after": sorted(wanted)}
    if before_media != media_ids:
        changes["media"] = {"before": before_media, "after": media_ids}
    after_texts = {account.pk: texts.get(account.pk, "") for account in accounts}
    changed_texts = {
        str(k): {"before": before_texts.get(k, ""), "after": after_texts.get(k, "")}
        for k in set(before_texts) | set(after_texts)
        if before_texts.get(k, "") != after_texts.get(k, "")
    }
    if changed_texts:
        changes["target_texts"] = changed_texts
    return changes


def _insert(*, brand: Brand, author, content: PostContent) -> Post:
    """A new draft holding `content`, unchecked (the callers check what they must)."""
    post = Post.objects.create(
        brand=brand, author=author, text=content.text, campaign=content.campaign, scheduled_at=content.scheduled_at
    )
    _write_content(post, content)
    return post


# --- creating and editing --------------------------------------------------------------------
@transaction.atomic
def post_create(*, brand: Brand, author, content: PostContent) -> Post:
    """A new draft with one pending target per network account."""
    require_member(author, brand, Perm.WRITE)
    _check_time(content.scheduled_at)
    _check_content(brand=brand, content=content)
    post = _insert(brand=brand, author=author, content=content)
    _record(
        post, author, EventKind.CREATED, to_state=post.state, text_after=post.text, scheduled_after=post.scheduled_at
    )
    return post


@transaction.atomic
def post_update(*, post: Post, user, version: int, content: PostContent) -> Post:
    """Save `content` as an edit made from `version`. A content change on an approved post sends it
    back to review; a change of time alone keeps the approval (and needs the right to move it)."""
    membership = require_member(user, post.brand, Perm.WRITE)
    post = _locked_copy(post)
    if post.version != version:
        raise StaleVersion(post)
    workflow.ensure_editable(post)
    _check_time(content.scheduled_at, previous=post.scheduled_at)
    _check_content(brand=post.brand, content=content)
    text_before, time_before, state_before = post.text, post.scheduled_at, post.state
    campaign_changed = post.campaign_id != getattr(content.campaign, "pk", None)
    content_changed = post.content.fingerprint != content.fingerprint
    if content.scheduled_at != time_before and not content_changed and not workflow.may_move(post, membership):
        raise Forbidden(_("Only a manager can move a post that was approved."))
    changes = _write_content(post, content)
    post.text, post.campaign, post.scheduled_at = content.text, content.campaign, content.scheduled_at
    back_to_review = content_changed and post.state in (PostState.APPROVED, PostState.AWAITING_CLIENT)
    if back_to_review:
        _unapprove(post)
    _bump(
        post,
        *("text", "campaign", "scheduled_at", "state", "state_since"),
        *("approved_fingerprint", "approved_by", "approved_at"),
    )
    if content_changed or campaign_changed:
        _record(
            post,
            user,
            EventKind.EDITED,
            from_state=state_before,
            to_state=post.state,
            text_before=text_before,
            text_after=post.text,
            details=changes,
        )
    if back_to_review:
        _record(post, user, EventKind.BACK_TO_REVIEW, from_state=state_before, to_state=post.state)
        notices.notify_submitted(post=post, by=user, after_edit=True)
    if post.scheduled_at != time_before:
        _record(
            post,
            user,
            EventKind.RESCHEDULED,
            from_state=post.state,
            to_state=post.state,
            scheduled_before=time_before,
            scheduled_after=post.scheduled_at,
        )
    return post


def _unapprove(post: Post) -> None:
    post.state = PostState.IN_REVIEW
    post.state_since = timezone.now()
    post.approved_fingerprint = ""
    post.approved_by = None
    post.approved_at = None


@transaction.atomic
def post_reschedule(*, post: Post, user, scheduled_at: datetime) -> Post:
    """Move the post to another time. Keeps its approval; recorded in the history."""
    membership = require_member(user, post.brand, Perm.WRITE)
    post = _locked_copy(post)
    workflow.ensure_editable(post)
    if not workflow.may_move(post, membership):
        raise Forbidden(_("Only a manager can move a post that was approved."))
    _check_time(scheduled_at, previous=post.scheduled_at)
    return _move(post, user, scheduled_at, EventKind.RESCHEDULED)


@transaction.atomic
def post_unschedule(*, post: Post, user) -> Post:
    """Take the post off the calendar (no time: it never goes out). Keeps its state and approval."""
    membership = require_member(user, post.brand, Perm.WRITE)
    post = _locked_copy(post)
    workflow.ensure_editable(post)
    if not workflow.may_move(post, membership):
        raise Forbidden(_("Only a manager can move a post that was approved."))
    return _move(post, user, None, EventKind.UNSCHEDULED)


def _move(post: Post, user, scheduled_at: datetime | None, kind: str) -> Post:
    before = post.scheduled_at
    if before == scheduled_at:
        return post
    post.scheduled_at = scheduled_at
    _bump(post, "scheduled_at")
    _record(
        post,
        user,
        kind,
        from_state=post.state,
        to_state=post.state,
        scheduled_before=before,
        scheduled_after=scheduled_at,
    )
    return post


# --- transitions -----------------------------------------------------------------------------
def _transition(post: Post, user, action: Action) -> tuple[Post, str]:
    post = _locked_copy(post)
    membership = membership_of(user, post.brand)
    transition = workflow.check_transition(post, action, membership, user)
    return post, _apply(post, transition, approver=user)


def _apply(post: Post, transition: workflow.Transition, *, approver) -> str:
    """Move the (locked) post along `transition`; returns the state it left. An approval, internal
    or the client's, is bound to the content as it is now; the internal approver stays named."""
    before = post.state
    post.state, post.state_since = transition.target, timezone.now()
    post.stage_approvals.all().delete()  # a first approval of two counts only while the post waits
    if transition.action.approves:
        post.approved_fingerprint = post.content.fingerprint
        post.approved_at = timezone.now()
        if approver is not None:
            post.approved_by = approver
    _bump(post, "state", "state_since", "approved_fingerprint", "approved_by", "approved_at")
    return before


@transaction.atomic
def post_submit(*, post: Post, user) -> Post:
    """Ask the brand's managers to review the post."""
    _check_ready(post)
    post, before = _transition(post, user, Action.SUBMIT)
    _record(post, user, EventKind.SUBMITTED, from_state=before, to_state=post.state)
    notices.notify_submitted(post=post, by=user)
    return post


@transaction.atomic
def post_approve(*, post: Post, user) -> Post:
    """Approve the post exactly as it is now (its content fingerprint is kept): the last approval,
    or, in a brand whose client approves too, the internal one that sends it to the client.

    A post that needs two approvers (workflow.approvals_needed) keeps the first one's approval and
    stays in review until someone else approves the same content."""
    post = _locked_copy(post)
    action = workflow.approval_action(post.brand)
    workflow.check_transition(post, action, membership_of(user, post.brand), user)
    fingerprint = post.content.fingerprint
    earlier = list(post.stage_approvals.filter(fingerprint=fingerprint).values_list("user_id", flat=True))
    needed = workflow.approvals_needed(post.brand, campaign=post.campaign)
    if not workflow.approval_completes(needed=needed, earlier=earlier, user=user):
        return _approve_first(post, user, fingerprint=fingerprint, needed=needed)
    post, before = _transition(post, user, action)
    _record(post, user, EventKind.APPROVED, from_state=before, to_state=post.state)
    notices.notify_reviewed(post=post, by=user, approved=True)
    return post


def _approve_first(post: Post, user, *, fingerprint: str, needed: int) -> Post:
    """The first of two approvals: kept, recorded, and the other approvers are asked."""
    post.stage_approvals.exclude(fingerprint=fingerprint).delete()  # given to a version since edited
    StageApproval.objects.create(post=post, user=user, fingerprint=fingerprint)
    details = {"approvals": 1, "needed": needed}
    _record(post, user, EventKind.APPROVED, from_state=post.state, to_state=post.state, details=details)
    notices.notify_second_approval_needed(post=post, by=user)
    return post


@transaction.atomic
def post_request_changes(*, post: Post, user, comment: str) -> Post:
    """Send the post back to its author with what to change (the comment is required)."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what should change.")})
    post, before = _transition(post, user, Action.REQUEST_CHANGES)
    _record(post, user, EventKind.CHANGES_REQUESTED, from_state=before, to_state=post.state, comment=comment)
    Comment.objects.create(post=post, author=user, text=comment)
    notices.notify_reviewed(post=post, by=user, approved=False, comment=comment)
    return post


@transaction.atomic
def post_schedule(*, post: Post, user, scheduled_at: datetime | None = None) -> Post:
    """Approve straight from the composer (see posts/workflow.py for who may); needs a time.

    With `scheduled_at`, the post is moved there first (post_reschedule's rules): both or neither.
    """
    if scheduled_at is not None:
        post = post_reschedule(post=post, user=user, scheduled_at=scheduled_at)
    _check_ready(post)
    if post.scheduled_at is None:
        raise ValidationError({"scheduled_at": _("Choose a date and time to schedule the post.")})
    _check_time(post.scheduled_at)
    post, before = _transition(post, user, Action.SCHEDULE)
    _record(post, user, EventKind.APPROVED, from_state=before, to_state=post.state, scheduled_after=post.scheduled_at)
    return post


@transaction.atomic
def post_schedule_now(*, post: Post, user) -> Post:
    """Ready a post to be published now ("publish now" from the composer or a draft): a post not
    approved yet is scheduled (approved) first, at the current minute when it has no time."""
    if post.state == PostState.APPROVED:
        return post
    now = timezone.now() if post.scheduled_at is None else None
    return post_schedule(post=post, user=user, scheduled_at=now)


# --- decisions no member takes: the client's (by link), the deadline --------------------------
class StaleContent(WorkflowError):
    """The post changed since the client saw it: a decision on what they did not see is refused."""

    def __init__(self) -> None:
        super().__init__(_("This post changed since you opened the page: reload it to see the new version."))


@transaction.atomic
def post_client_decide(*, post: Post, reviewer_name: str, fingerprint: str, approve: bool, comment: str = "") -> Post:
    """A client reviewer's decision on the post exactly as shown to them (`fingerprint`).

    The caller (clients/) has checked the reviewer's link and its brand; the history names the
    reviewer, who is not a user.
    """
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("Say what should change.")})
    post = _locked_copy(post)
    action = Action.CLIENT_APPROVE if approve else Action.CLIENT_REQUEST_CHANGES
    transition = workflow.check_unattended_transition(post, action)
    if post.content.fingerprint != fingerprint:
        raise StaleContent()
    before = _apply(post, transition, approver=None)
    kind = EventKind.CLIENT_APPROVED if approve else EventKind.CLIENT_CHANGES_REQUESTED
    _record(
        post,
        None,
        kind,
        from_state=before,
        to_state=post.state,
        comment=comment,
        details={"client_reviewer": reviewer_name},
    )
    notices.notify_client_reviewed(post=post, reviewer_name=reviewer_name, approved=approve, comment=comment)
    return post


def posts_expire(*, now: datetime | None = None) -> int:
    """Expire every post whose time came before its approvals (the beat's deadline sweep): it is
    never published, and its author is told. Each post in its own transaction; a post another
    run expired first is skipped, so two sweeps tell the author once."""
    now = now or timezone.now()
    due = Post.objects.filter(state__in=workflow.AWAITING_APPROVAL, scheduled_at__lte=now).values_list("pk", flat=True)
    return sum(_post_expire(post_id=post_id, now=now) for post_id in list(due))


@transaction.atomic
def _post_expire(*, post_id: int, now: datetime) -> bool:
    post = Post.objects.select_for_update().select_related("brand").get(pk=post_id)
    if post.state not in workflow.AWAITING_APPROVAL or post.scheduled_at is None or post.scheduled_at > now:
        return False
    try:
        transition = workflow.check_unattended_transition(post, Action.EXPIRE)
    except WorkflowError:
        return False  # out already (a target published or being published): not ours to expire
    before = _apply(post, transition, approver=None)
    _record(post, None, EventKind.EXPIRED, from_state=before, to_state=post.state, scheduled_before=post.scheduled_at)
    notices.notify_expired(post=post)
    return True


def _check_ready(post: Post) -> None:
    """A post about to be reviewed or scheduled must still pass every network's rules."""
    content = post.content
    if not content.accounts:
        raise ValidationError({"accounts": _("Choose at least one network account.")})
    _validate_for_networks(content)


# --- copies, deletion, comments ------------------------------------------------------------
@transaction.atomic
def post_duplicate(*, post: Post, user, brand: Brand | None = None, scheduled_at: datetime | None = None) -> Post:
    """A new draft by `user` with the post's text and media, at `scheduled_at` (default: no time).

    In the post's own brand the copy keeps its network accounts, per-network texts, campaign and
    media. In another brand of the user (`brand`, where they write), accounts and campaigns do
    not exist: the copy starts without them (its author chooses accounts in the composer) and
    each media item is copied into that brand's library, since media belong to one brand.
    """
    require_member(user, post.brand, Perm.VIEW)
    brand = brand or post.brand
    require_member(user, brand, Perm.WRITE)
    _check_time(scheduled_at)
    same_brand = brand.pk == post.brand_id
    content = post.content
    if not same_brand:
        content = PostContent(
            text=content.text, media=[media_copy(media=m, brand=brand, user=user) for m in content.media]
        )
    copy = _insert(brand=brand, author=user, content=replace(content, scheduled_at=scheduled_at))
    details = {"from_post": post.pk} if same_brand else {"from_post": post.pk, "from_brand": post.brand.slug}
    _record(
        copy,
        user,
        EventKind.DUPLICATED,
        to_state=copy.state,
        text_after=copy.text,
        scheduled_after=scheduled_at,
        details=details,
    )
    return copy


@transaction.atomic
def post_delete(*, post: Post, user) -> None:
    """Delete a post that has not gone out (published posts stay, with their history)."""
    membership = require_member(user, post.brand, Perm.WRITE)
    post = _locked_copy(post)
    if workflow.is_locked(post):
        raise WorkflowError(_("A published post cannot be deleted."))
    if not workflow.may_move(post, membership):
        raise Forbidden(_("Only a manager can delete a post that was approved."))
    post.delete()


@transaction.atomic
def comment_add(*, post: Post, user, text: str) -> Comment:
    """An internal comment; members it @mentions (by email or display name) are told."""
    require_member(user, post.brand, Perm.COMMENT)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a comment.")})
    comment = Comment.objects.create(post=post, author=user, text=text)
    mentioned = mentioned_members(post.brand, text, exclude=user)
    comment.mentions.set(mentioned)
    notices.notify_mentioned(post=post, by=user, users=mentioned, text=text)
    return comment
