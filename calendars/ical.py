"""A brand's posts as an iCalendar feed (RFC 5545) for Google Calendar, Outlook or Apple Calendar.

Times are written in UTC ("DTSTART:20260329T070000Z"): every client converts them to its own
zone, so a post stays at the right instant across daylight-saving changes without shipping
VTIMEZONE definitions.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Brand
from posts.models import DisplayStatus, Post

# A post is an instant; calendars draw it as a short event.
EVENT_LENGTH = timedelta(minutes=15)
# How far back the feed goes: enough for "what went out last month", small enough to stay fast.
FEED_PAST_DAYS = 92


def feed_posts(brand: Brand):
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    return (
        Post.objects.filter(brand=brand, scheduled_at__gte=since)
        .select_related("campaign")
        .prefetch_related("targets__account")
        .order_by("scheduled_at")
    )


def _event(post: Post, *, brand: Brand, host: str, stamp: datetime) -> icalendar.Event:
    assert post.scheduled_at is not None  # feed_posts() selects scheduled posts only
    start = post.scheduled_at.astimezone(UTC)
    networks = ", ".join(target.account.display_name for target in post.targets.all())
    status = DisplayStatus(post.display_status).label
    detail_url = settings.SITE_URL + reverse("posts:detail", kwargs={"brand_slug": brand.slug, "pk": post.pk})
    event = icalendar.Event()
    event.add("uid", f"post-{post.pk}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + EVENT_LENGTH)
    event.add("summary", f"{post.text[:60] or '#' + str(post.pk)} [{status}]")
    lines = [post.text, "", _("Networks: %(networks)s") % {"networks": networks or "-"}]
    if post.campaign:
        lines.append(_("Campaign: %(name)s") % {"name": post.campaign.name})
    event.add("description", "\n".join(lines))
    event.add("url", detail_url)
    event.add("categories", [str(status)])
    return event


def brand_calendar(brand: Brand) -> bytes:
    """The feed's bytes: one VEVENT per scheduled post from FEED_PAST_DAYS ago onwards."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//cm-platform//publishing desk//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("%(brand)s · editorial calendar") % {"brand": brand.name})
    calendar.add("x-wr-timezone", brand.time_zone)
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    stamp = timezone.now().astimezone(UTC)
    for post in feed_posts(brand):
        post.brand = brand  # display_status and the URL read it: no query per post
        calendar.add_component(_event(post, brand=brand, host=host, stamp=stamp))
    return calendar.to_ical()
