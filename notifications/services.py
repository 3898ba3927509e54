"""The one way a person is told something: a line under the bell and an email, in their language.

Posts, the inbox and listening say *what* happened (posts/notices.py, inbox/services.py,
listening/alerts.py); this says it to whom it may concern. Only the brand's members *now* hear
of it: someone who left is asked at sending time, not when they were invited. Emails leave
after the transaction commits, so a rolled-back action sends nothing. An unread line identical
to a new one is moved to the top instead of repeated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

import regex
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Brand, Membership
from notifications.models import Notification

# @someone@example.com, @"Display Name" or @Name (one word).
MENTION = regex.compile(r'(?<![\w@])@(?:"([^"]{1,100})"|([\w.+-]+@[\w-]+(?:\.[\w-]+)+)|(\w[\w.-]*\w|\w))')


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


def post_url(post) -> str:
    """Where a notification about a post leads (by the URL's name: the posts app is above this one)."""
    return settings.SITE_URL + reverse("posts:detail", kwargs={"brand_slug": post.brand.slug, "pk": post.pk})


def notify(
    users: Iterable,
    *,
    brand: Brand,
    kind: str,
    message_for: Callable[[], str],
    link: str,
    excerpt: str = "",
    post=None,
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


def message_in_language(user, message_for: Callable[[], str]) -> str:
    """The line as `user` reads it: in their language, cut to what a notification holds."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        return str(message_for())[:500]


def _deliver(user, *, brand: Brand, post, kind: str, message_for, link: str, excerpt: str) -> None:
    message = message_in_language(user, message_for)
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
