"""What a post's moments say, and to whom: under the bell and by email (notifications.services),
and to the brand's outgoing webhooks (notifications.webhooks).

submitted (and back to review after an edit) -> the brand's managers and owners; approved /
changes requested -> the author; mentioned -> that person; publish failed or needs checking ->
the author and the managers and owners; published (every target out) -> the author, under the
bell only (one email per published post would bury the ones that matter; the daily digest
carries it). Each line says what happened to which post: an excerpt of its text, who did it
(the brand is shown beside it).

Webhooks: the service that records a PostEvent announces it (`announce_event`); published,
failed and waiting for approval are the moments a brand's addresses may listen for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from accounts.models import Brand, Membership
from accounts.roles import Perm, Role, has_perm
from notifications import webhooks
from notifications.models import Notification, NotificationKind, WebhookEndpoint, WebhookEvent
from notifications.services import message_in_language, notify, post_url
from posts.models import EventKind, Post, PostEvent, PostTarget, TargetState

EXCERPT_LENGTH = 60
WEBHOOK_EVENT_FOR_KIND = {
    EventKind.PUBLISHED: WebhookEvent.POST_PUBLISHED,
    EventKind.FAILED: WebhookEvent.POST_FAILED,
    EventKind.SUBMITTED: WebhookEvent.APPROVAL_NEEDED,
    EventKind.BACK_TO_REVIEW: WebhookEvent.APPROVAL_NEEDED,
}


def _reviewers(brand: Brand):
    roles = [role for role in Role.values if has_perm(role, Perm.REVIEW)]
    return [m.user for m in Membership.objects.filter(brand=brand, role__in=roles).select_related("user")]


def excerpt(post: Post) -> str:
    """The start of the post's text on one line: what tells two notifications apart."""
    text = " ".join(post.text.split())
    if not text:
        return _("post #%(id)s without text") % {"id": post.pk}
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


def _send(users: Iterable, *, post: Post, kind: str, message_for: Callable[[], str], by=None) -> None:
    notify(users, brand=post.brand, kind=kind, message_for=message_for, link=post_url(post), post=post, by=by)


def _name(user) -> str:
    return str(user) if user is not None else _("Someone")


# --- people ----------------------------------------------------------------------------------
def notify_submitted(*, post: Post, by, after_edit: bool = False) -> None:
    """The reviewers: a post waits for them (again, when an edit withdrew its approval)."""

    def message_for() -> str:
        values = {"name": _name(by), "excerpt": excerpt(post)}
        if after_edit:
            return _("%(name)s changed “%(excerpt)s” after its approval: it needs your review again.") % values
        return _("%(name)s asks for your review of “%(excerpt)s”.") % values

    _send(_reviewers(post.brand), post=post, kind=NotificationKind.SUBMITTED, by=by, message_for=message_for)


def _approvers(brand: Brand) -> list:
    """Who takes the internal stage: the brand's named approvers, else every reviewer."""
    named = list(brand.internal_approvers.all())
    return named or _reviewers(brand)


def notify_second_approval_needed(*, post: Post, by) -> None:
    """The other approvers: the post needs a second, different approval."""

    def message_for() -> str:
        values = {"name": _name(by), "excerpt": excerpt(post)}
        return _("%(name)s approved “%(excerpt)s”; a second approval by someone else is needed.") % values

    _send(_approvers(post.brand), post=post, kind=NotificationKind.SUBMITTED, by=by, message_for=message_for)


def remind_approvers(*, post: Post, hours: int) -> int:
    """The internal approvers: the post has waited for their approval for `hours` hours.
    Returns how many people were asked."""
    people = _approvers(post.brand)

    def message_for() -> str:
        values = {"excerpt": excerpt(post), "hours": hours}
        return _("“%(excerpt)s” has been waiting for your approval for %(hours)s hours.") % values

    _send(people, post=post, kind=NotificationKind.APPROVAL_REMINDER, message_for=message_for)
    return len(people)


def remind_owners(*, post: Post) -> int:
    """The brand's owners: the post's time is near and its approval still waits (the approvers
    were reminded already). Returns how many people were told."""
    roles = [role for role in Role.values if has_perm(role, Perm.MANAGE_BRAND)]
    owners = [m.user for m in Membership.objects.filter(brand=post.brand, role__in=roles).select_related("user")]

    def message_for() -> str:
        when = post.scheduled_at.astimezone(post.brand.tz).strftime("%Y-%m-%d %H:%M") if post.scheduled_at else ""
        values = {"excerpt": excerpt(post), "state": post.get_state_display().lower(), "when": when}
        message = _("“%(excerpt)s” is due on %(when)s and still %(state)s: unapproved, it will not go out.")
        return message % values

    _send(owners, post=post, kind=NotificationKind.APPROVAL_REMINDER, message_for=message_for)
    return len(owners)


def notify_reviewed(*, post: Post, by, approved: bool, comment: str = "") -> None:
    def message_for() -> str:
        values = {"name": _name(by), "excerpt": excerpt(post), "comment": comment}
        if approved:
            return _("%(name)s approved your post “%(excerpt)s”.") % values
        return _("%(name)s asks for changes to “%(excerpt)s”: %(comment)s") % values

    kind = NotificationKind.APPROVED if approved else NotificationKind.CHANGES_REQUESTED
    _send([post.author], post=post, kind=kind, by=by, message_for=message_for)


def notify_client_reviewed(*, post: Post, reviewer_name: str, approved: bool, comment: str = "") -> None:
    """The author and the internal approver: the client decided."""

    def message_for() -> str:
        values = {"name": reviewer_name, "excerpt": excerpt(post), "comment": comment}
        if approved:
            return _("%(name)s (client) approved “%(excerpt)s”.") % values
        return _("%(name)s (client) asks for changes to “%(excerpt)s”: %(comment)s") % values

    kind = NotificationKind.APPROVED if approved else NotificationKind.CHANGES_REQUESTED
    _send([post.author, post.approved_by], post=post, kind=kind, message_for=message_for)


def notify_expired(*, post: Post) -> None:
    """The author: the post's time came before its approvals, so it did not go out."""

    def message_for() -> str:
        return _("“%(excerpt)s” was not approved in time: it was not published. Edit it and submit it again.") % {
            "excerpt": excerpt(post)
        }

    _send([post.author], post=post, kind=NotificationKind.EXPIRED, message_for=message_for)


def notify_mentioned(*, post: Post, by, users: Iterable, text: str) -> None:
    def message_for() -> str:
        return _("%(name)s mentioned you on “%(excerpt)s”: %(text)s") % {
            "name": _name(by),
            "excerpt": excerpt(post),
            "text": text[:300],
        }

    _send(users, post=post, kind=NotificationKind.MENTIONED, by=by, message_for=message_for)


def notify_publish_failed(*, target) -> None:
    """For the publishing engine: a target failed for good, or needs a person to check it.
    Tells the author and the reviewers, with the reason as the target records it."""
    post = target.post

    def message_for() -> str:
        values = {
            "excerpt": excerpt(post),
            "account": target.account.display_name,
            "error": target.error_text or _("no reason given"),
        }
        if target.state == TargetState.NEEDS_CHECKING:
            return _("“%(excerpt)s” on %(account)s needs checking: %(error)s") % values
        return _("“%(excerpt)s” could not be published on %(account)s: %(error)s") % values

    _send(
        [post.author, *_reviewers(post.brand)], post=post, kind=NotificationKind.PUBLISH_FAILED, message_for=message_for
    )


def notify_if_published(*, post_id: int) -> bool:
    """For the publishing engine, after a target is published: once every target of the post is
    out (published, or cancelled), tell its author, once. True when the author was told.

    One query on the publishing path while other targets are still to go (the targets with
    their accounts, post, author and whether the author is still a member), one more INSERT
    when the last one is out. A unique constraint keeps the notice single when the last two
    targets finish at the same instant in two workers.
    """
    is_member = Membership.objects.filter(brand_id=OuterRef("post__brand_id"), user_id=OuterRef("post__author_id"))
    targets = list(
        PostTarget.objects.filter(post_id=post_id)
        .select_related("account", "post__author", "post__brand")
        .annotate(author_is_member=Exists(is_member))
        .order_by("pk")
    )
    if not targets or any(t.state not in (TargetState.PUBLISHED, TargetState.CANCELLED) for t in targets):
        return False
    post, author = targets[0].post, targets[0].post.author
    if author is None or not author.is_active or not targets[0].author_is_member:
        return False
    published = [t for t in targets if t.state == TargetState.PUBLISHED]
    if not published:
        return False

    def message_for() -> str:
        return _("Your post “%(excerpt)s” is published on %(accounts)s.") % {
            "excerpt": excerpt(post),
            "accounts": ", ".join(t.account.display_name for t in published),
        }

    try:
        with transaction.atomic():
            Notification.objects.create(
                user=author,
                brand_id=post.brand_id,
                post=post,
                kind=NotificationKind.PUBLISHED,
                message=message_in_language(author, message_for),
            )
    except IntegrityError:
        return False  # told already (the other worker's last target)
    return True


# --- machines --------------------------------------------------------------------------------
def announce_event(event: PostEvent) -> None:
    """The brand's webhooks listening for this moment are told, once the transaction commits."""
    name = WEBHOOK_EVENT_FOR_KIND.get(event.kind)  # type: ignore[call-overload]
    if name is None:
        return
    # Through the post: the engine's events hold its id only, and this costs no query more.
    to = WebhookEndpoint.objects.filter(brand__posts__id=event.post_id)
    webhooks.announce(name, to=to, document=lambda: webhook_document(event, name))


def webhook_document(event: PostEvent, name: str) -> dict:
    post = event.post
    document = {
        "event": name,
        "occurred_at": event.created_at.isoformat(),
        "brand": post.brand.slug,
        "post": {"id": post.pk, "text": post.text, "state": post.state, "scheduled_at": post.scheduled_at},
    }
    target_id = (event.details or {}).get("target")
    target = PostTarget.objects.select_related("account").filter(pk=target_id).first() if target_id else None
    if target is not None:
        document["target"] = {
            "id": target.pk,
            "account": target.account_id,
            "network": target.account.network,
            "state": target.state,
            "remote_url": target.remote_url,
            "last_error": target.error_text,
        }
    return document
