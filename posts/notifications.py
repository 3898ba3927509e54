"""Who is told what: a Notification under the bell and an email, in each person's language.

submitted (and back to review after an edit) -> the brand's managers and owners; approved /
changes requested -> the author; mentioned -> that person; publish failed or needs checking ->
the author and the managers and owners; published (every target out) -> the author, under the
bell only (one email per published post would bury the ones that matter; the daily digest
carries it). Each line says what happened to which post: an excerpt of its text, who did it
(the brand is shown beside it). Who chose the daily digest gets, each morning, one email with
their unread lines of the day before.

Only the brand's members *now* hear of it: someone who left is asked at sending time, not when
they were invited. Emails leave after the transaction commits, so a rolled-back action sends
nothing. An unread line identical to a new one is moved to the top instead of repeated.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import regex
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Brand, Membership
from accounts.roles import Perm, Role, has_perm
from posts.models import DigestSent, Notification, NotificationKind, Post, PostTarget, TargetState

logger = logging.getLogger(__name__)

# @someone@example.com, @"Display Name" or @Name (one word).
MENTION = regex.compile(r'(?<![\w@])@(?:"([^"]{1,100})"|([\w.+-]+@[\w-]+(?:\.[\w-]+)+)|(\w[\w.-]*\w|\w))')
EXCERPT_LENGTH = 60


def _reviewers(brand: Brand):
    roles = [role for role in Role.values if has_perm(role, Perm.REVIEW)]
    return [m.user for m in Membership.objects.filter(brand=brand, role__in=roles).select_related("user")]


def mentioned_members(brand: Brand, text: str, *, exclude=None) -> list:
    """Members of the brand named in `text` by @email, @"Display name" or @Name."""
    names = {next(g for g in match.groups() if g).lower() for match in MENTION.finditer(text)}
    if not names:
        return []
    found = []
    for membership in Membership.objects.filter(brand=brand).select_related("user"):
        user = membership.user
        keys = {user.email.lower(), user.email.split("@")[0].lower(), (user.display_name or "").lower()}
        if names & keys and user != exclude:
            found.append(user)
    return found


def post_url(post: Post) -> str:
    return settings.SITE_URL + reverse("posts:detail", kwargs={"brand_slug": post.brand.slug, "pk": post.pk})


def excerpt(post: Post) -> str:
    """The start of the post's text on one line: what tells two notifications apart."""
    text = " ".join(post.text.split())
    if not text:
        return _("post #%(id)s without text") % {"id": post.pk}
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


# --- delivering ------------------------------------------------------------------------------
def _send(users: Iterable, *, post: Post, kind: str, message_for: Callable[[], str], by=None) -> None:
    notify(users, brand=post.brand, kind=kind, message_for=message_for, link=post_url(post), post=post, by=by)


def notify(
    users: Iterable,
    *,
    brand: Brand,
    kind: str,
    message_for: Callable[[], str],
    link: str,
    excerpt: str = "",
    post: Post | None = None,
    by=None,
) -> None:
    """One notification and one email per current member of the brand (never to the person who
    acted), about a post or anything else with a page (`link`, on this site): listening's alerts
    and failing sources too. Membership is read now, so people who left are not told."""
    candidates = {
        user.pk: user for user in users if user is not None and user.is_active and (by is None or user.pk != by.pk)
    }
    if not candidates:
        return
    members = Membership.objects.filter(brand_id=brand.pk, user_id__in=candidates)
    for user_id in sorted(set(members.values_list("user_id", flat=True))):
        _deliver(
            candidates[user_id], brand=brand, post=post, kind=kind, message_for=message_for, link=link, excerpt=excerpt
        )


def _message(user, message_for: Callable[[], str]) -> str:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        return str(message_for())[:500]


def _deliver(user, *, brand: Brand, post: Post | None, kind: str, message_for, link: str, excerpt: str) -> None:
    message = _message(user, message_for)
    path = "" if post is not None else link.removeprefix(settings.SITE_URL)[:500]
    repeated = Notification.objects.filter(user=user, post=post, kind=kind, message=message, link=path, read_at=None)
    if repeated.update(created_at=timezone.now()):
        return  # the same unread line moves to the top; its email was already sent
    Notification.objects.create(user=user, brand=brand, post=post, kind=kind, message=message, link=path)
    _email(user, brand=brand, message=message, link=link, excerpt=excerpt)


def _email(user, *, brand: Brand, message: str, link: str, excerpt: str) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = f"[{brand.name}] {message}"[:200]
        body = f"{message}\n\n«{excerpt}»\n\n{link}\n" if excerpt else f"{message}\n\n{link}\n"
    mail = partial(send_mail, subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=True)
    transaction.on_commit(mail)


def _name(user) -> str:
    return str(user) if user is not None else _("Someone")


# --- what happened ---------------------------------------------------------------------------
def notify_submitted(*, post: Post, by, after_edit: bool = False) -> None:
    """The reviewers: a post waits for them (again, when an edit withdrew its approval)."""

    def message_for() -> str:
        values = {"name": _name(by), "excerpt": excerpt(post)}
        if after_edit:
            return _("%(name)s changed “%(excerpt)s” after its approval: it needs your review again.") % values
        return _("%(name)s asks for your review of “%(excerpt)s”.") % values

    _send(_reviewers(post.brand), post=post, kind=NotificationKind.SUBMITTED, by=by, message_for=message_for)


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
                message=_message(author, message_for),
            )
    except IntegrityError:
        return False  # told already (the other worker's last target)
    return True


# --- the daily digest ------------------------------------------------------------------------
def _zone(user) -> ZoneInfo:
    return ZoneInfo(user.time_zone or settings.TIME_ZONE)


def digests_send(*, now: datetime | None = None) -> int:
    """Send the daily digest of everyone whose morning has come and who has not had today's;
    returns how many emails left. Safe to run as often as beat likes, twice at once included."""
    from accounts.models import User  # app registry: accounts' models through the posts app

    now = now or timezone.now()
    recent = DigestSent.objects.filter(day__gte=now.date() - timedelta(days=1))
    had = set(recent.values_list("user_id", "day"))
    sent = 0
    for user in User.objects.filter(daily_digest=True, is_active=True):
        local = now.astimezone(_zone(user))
        if local.hour >= settings.DIGEST_HOUR and (user.pk, local.date()) not in had:
            sent += digest_send(user=user, day=local.date(), now=now)
    return sent


def digest_send(*, user, day: date, now: datetime) -> int:
    """The digest of `user` for `day`: 1 if an email left, 0 if it was taken already or there
    was nothing to say. The day is taken first (a unique row), then the email is sent; if
    sending fails, the day is given back so that the next run tries again."""
    previous = DigestSent.objects.filter(user=user).order_by("-day").first()
    since = previous.sent_at if previous else now - timedelta(days=1)
    lines = _digest_lines(user, since=since)
    try:
        with transaction.atomic():
            claim = DigestSent.objects.create(user=user, day=day, sent_at=now, notification_count=len(lines))
    except IntegrityError:
        return 0  # another run took this day
    if not lines:
        return 0
    try:
        _digest_email(user, lines)
    except Exception:
        logger.exception("digest of user %s for %s: the email could not be sent", user.pk, day)
        claim.delete()
        return 0
    return 1


def _digest_lines(user, *, since: datetime) -> list[Notification]:
    """The person's unread notifications since the last digest, for brands they still belong to."""
    brands = Membership.objects.filter(user=user).values("brand_id")
    return list(
        Notification.objects.filter(user=user, read_at=None, created_at__gt=since, brand_id__in=brands)
        .select_related("brand", "post__brand")
        .order_by("brand__name", "created_at")
    )


def _digest_email(user, lines: list[Notification]) -> None:
    # In the person's language and time zone (the template's dates follow the active zone).
    with translation.override(user.language or settings.LANGUAGE_CODE), timezone.override(_zone(user)):
        by_brand: dict[str, list[dict]] = {}
        for line in lines:
            by_brand.setdefault(line.brand.name, []).append(
                {
                    "message": line.message,
                    "when": line.created_at,
                    "url": post_url(line.post) if line.post is not None else "",
                }
            )
        context = {
            "brands": by_brand,
            "notifications_url": settings.SITE_URL + reverse("posts:notifications"),
            "profile_url": settings.SITE_URL + reverse("accounts:profile"),
        }
        subject = ngettext(
            "Your daily digest: %(count)d notification", "Your daily digest: %(count)d notifications", len(lines)
        ) % {"count": len(lines)}
        body = render_to_string("posts/email/digest.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
