"""The daily digest: who chose it gets, each morning, one email with their unread lines of the day
before, for the brands they still belong to."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from accounts.models import Membership, User
from notifications.models import DigestSent, Notification
from notifications.services import post_url

logger = logging.getLogger(__name__)


def _zone(user) -> ZoneInfo:
    return ZoneInfo(user.time_zone or settings.TIME_ZONE)


def digests_send(*, now: datetime | None = None) -> int:
    """Send the daily digest of everyone whose morning has come and who has not had today's;
    returns how many emails left. Safe to run as often as beat likes, twice at once included."""
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
            "notifications_url": settings.SITE_URL + reverse("notifications:list"),
            "profile_url": settings.SITE_URL + reverse("accounts:profile"),
        }
        subject = ngettext(
            "Your daily digest: %(count)d notification", "Your daily digest: %(count)d notifications", len(lines)
        ) % {"count": len(lines)}
        body = render_to_string("notifications/email/digest.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
