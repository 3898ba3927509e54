"""Who is told what: a Notification under the bell and an email, in each person's language.

submitted -> the brand's managers and owners; approved / changes requested -> the author;
mentioned -> that person; publish failed -> the author and the managers and owners.
Emails leave after the transaction commits, so a rolled-back action sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

import regex
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Brand, Membership
from accounts.roles import Perm, Role, has_perm
from posts.models import Notification, NotificationKind, Post

# @someone@example.com, @"Display Name" or @Name (one word).
MENTION = regex.compile(r'(?<![\w@])@(?:"([^"]{1,100})"|([\w.+-]+@[\w-]+(?:\.[\w-]+)+)|(\w[\w.-]*\w|\w))')


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


def _excerpt(post: Post) -> str:
    text = " ".join(post.text.split())
    return text if len(text) <= 60 else text[:59] + "…"


def _send(users: Iterable, *, post: Post, kind: str, message_for, by=None) -> None:
    """One notification and one email per person (never to the person who acted)."""
    seen = set()
    for user in users:
        if user is None or user.pk in seen or (by is not None and user.pk == by.pk) or not user.is_active:
            continue
        seen.add(user.pk)
        with translation.override(user.language or settings.LANGUAGE_CODE):
            message = str(message_for())
            subject = f"[{post.brand.name}] {message}"[:200]
            body = f"{message}\n\n«{_excerpt(post)}»\n\n{post_url(post)}\n"
        Notification.objects.create(user=user, brand=post.brand, post=post, kind=kind, message=message[:500])
        email = partial(send_mail, subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=True)
        transaction.on_commit(email)


def _name(user) -> str:
    return str(user) if user is not None else _("Someone")


def notify_submitted(*, post: Post, by) -> None:
    _send(
        _reviewers(post.brand),
        post=post,
        kind=NotificationKind.SUBMITTED,
        by=by,
        message_for=lambda: _("%(name)s asks for your review of a post.") % {"name": _name(by)},
    )


def notify_reviewed(*, post: Post, by, approved: bool, comment: str = "") -> None:
    def message_for() -> str:
        if approved:
            return _("%(name)s approved your post.") % {"name": _name(by)}
        return _("%(name)s asks for changes: %(comment)s") % {"name": _name(by), "comment": comment}

    kind = NotificationKind.APPROVED if approved else NotificationKind.CHANGES_REQUESTED
    _send([post.author], post=post, kind=kind, by=by, message_for=message_for)


def notify_mentioned(*, post: Post, by, users: Iterable, text: str) -> None:
    _send(
        users,
        post=post,
        kind=NotificationKind.MENTIONED,
        by=by,
        message_for=lambda: _("%(name)s mentioned you: %(text)s") % {"name": _name(by), "text": text[:300]},
    )


def notify_publish_failed(*, target) -> None:
    """For the publishing engine: a target failed for good. Tells the author and the reviewers."""
    post = target.post

    def message_for():
        return _("Publishing on %(account)s failed: %(error)s") % {
            "account": target.account.display_name,
            "error": target.error_text or _("no reason given"),
        }

    _send(
        [post.author, *_reviewers(post.brand)], post=post, kind=NotificationKind.PUBLISH_FAILED, message_for=message_for
    )
