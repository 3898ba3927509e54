"""Spike alerts: a saved search's last hour judged against its own baseline, right after each insert.

The last hour (a rolling 60 minutes) is counted from the search's matches in that hour (an
indexed range). The baseline is the same 60 minutes on each of the 7 days before, read from the
hourly counters (MentionHourly): each such window straddles two clock hours, weighted by how much
of each it covers. So judging costs one range count and 14 counter rows, whatever the history.

An alert fires when the hour holds at least LISTENING_ALERT_MIN_COUNT mentions and either
- its volume is above mean + k * std of the baseline (k = LISTENING_ALERT_K; std at least 1, so a
  search that is always at 0 is not set off by a handful), or
- its negative share is at least LISTENING_ALERT_NEGATIVE_SHARE and that far above its usual one
  (LISTENING_ALERT_NEGATIVE_MARGIN).
Then none for that search during LISTENING_ALERT_COOLDOWN seconds (taken by a compare-and-set).

It is told at once: under the bell and by email to the brand's managers and owners (after the
transaction commits), and to the brand's outgoing webhooks (`listening.alert`).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.roles import Perm, has_perm
from core.sentiment import Label
from listening.models import Alert, AlertReason, MentionHourly, MentionMatch, SavedSearch
from notifications import webhooks
from notifications.models import NotificationKind, WebhookEndpoint, WebhookEvent
from notifications.services import notify

BASELINE_DAYS = 7


def _window(search: SavedSearch, now: datetime) -> tuple[int, int]:
    """Mentions (and negative ones) the search found in the 60 minutes before `now`."""
    rows = MentionMatch.objects.filter(search=search, published_at__gt=now - timedelta(hours=1), published_at__lte=now)
    count = rows.count()
    negative = rows.filter(mention__sentiment=Label.NEGATIVE).count() if count else 0
    return count, negative


def _baseline(search: SavedSearch, now: datetime) -> tuple[list[float], float]:
    """The counts of the same 60 minutes on each of the 7 days before, and their negative share."""
    start = now - timedelta(hours=1)
    weight = (start - start.replace(minute=0, second=0, microsecond=0)).total_seconds() / 3600
    first_hours = [(start - timedelta(days=d)).replace(minute=0, second=0, microsecond=0) for d in range(1, 8)]
    hours = {*first_hours, *(hour + timedelta(hours=1) for hour in first_hours)}
    counters = {c.hour: c for c in MentionHourly.objects.filter(search=search, hour__in=hours)}
    counts, negative, total = [], 0.0, 0.0
    for first in first_hours:
        parts = ((counters.get(first), 1 - weight), (counters.get(first + timedelta(hours=1)), weight))
        counts.append(sum(c.count * share for c, share in parts if c))
        negative += sum(c.negative * share for c, share in parts if c)
        total += sum(c.count * share for c, share in parts if c)
    return counts, (negative / total if total else 0.0)


def search_judge(search: SavedSearch, *, now: datetime) -> Alert | None:
    count, negative = _window(search, now)
    if count < settings.LISTENING_ALERT_MIN_COUNT:
        return None
    counts, usual_share = _baseline(search, now)
    mean, std = statistics.fmean(counts), statistics.pstdev(counts)
    share = negative / count
    if count > mean + settings.LISTENING_ALERT_K * max(std, 1.0):
        reason = AlertReason.VOLUME
    elif (
        share >= settings.LISTENING_ALERT_NEGATIVE_SHARE
        and share >= usual_share + settings.LISTENING_ALERT_NEGATIVE_MARGIN
    ):
        reason = AlertReason.NEGATIVE
    else:
        return None
    cooldown = now - timedelta(seconds=settings.LISTENING_ALERT_COOLDOWN)
    free = Q(last_alert_at__isnull=True) | Q(last_alert_at__lte=cooldown)
    if not SavedSearch.objects.filter(free, pk=search.pk).update(last_alert_at=now):
        return None  # within the cooldown (or another poll just raised it)
    alert = Alert.objects.create(
        brand_id=search.brand_id,
        search=search,
        reason=reason,
        created_at=now,
        count=count,
        negative=negative,
        usual_mean=round(mean, 2),
        usual_std=round(std, 2),
        usual_negative_share=round(usual_share, 3),
    )
    _tell(alert)
    return alert


def judge_after_insert(stored: Iterable, *, now: datetime) -> list[Alert]:
    """Judge each search that just found something (called in the poll's transaction)."""
    searches = {search.pk: search for item in stored for search in item.searches}
    # In the order of their ids, as every poll: an alert updates its search's row (see collect.items_store).
    judged = (search_judge(searches[pk], now=now) for pk in sorted(searches))
    return [alert for alert in judged if alert is not None]


def _tell(alert: Alert) -> None:
    brand = alert.search.brand
    people = [
        m.user for m in Membership.objects.filter(brand=brand).select_related("user") if has_perm(m.role, Perm.CRISIS)
    ]
    link = settings.SITE_URL + reverse("listening:alert", kwargs={"brand_slug": brand.slug, "pk": alert.pk})
    notify(
        people,
        brand=brand,
        kind=NotificationKind.LISTENING_ALERT,
        link=link,
        excerpt="",
        message_for=lambda: _("Spike on “%(search)s”: %(why)s") % {"search": alert.search.name, "why": alert.why()},
    )
    to = WebhookEndpoint.objects.filter(brand_id=alert.brand_id)
    webhooks.announce(WebhookEvent.LISTENING_ALERT, to=to, document=lambda: webhook_document(alert))


def webhook_document(alert: Alert) -> dict:
    """The `listening.alert` webhook's JSON."""
    with translation.override("en"):  # a machine reads it: one language, the numbers are fields too
        why = alert.why()
    return {
        "event": WebhookEvent.LISTENING_ALERT,
        "occurred_at": alert.created_at.isoformat(),
        "brand": alert.search.brand.slug,
        "alert": {
            "id": alert.pk,
            "search": {"id": alert.search_id, "name": alert.search.name},
            "reason": alert.reason,
            "count": alert.count,
            "negative": alert.negative,
            "usual_mean": alert.usual_mean,
            "usual_std": alert.usual_std,
            "usual_negative_share": alert.usual_negative_share,
            "why": why,
        },
    }
