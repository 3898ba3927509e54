"""Reads for the calendar: the events of a visible range, built with a fixed number of queries.

The events endpoint is the calendar's hot path (a busy month holds thousands of posts), so every
related row is prefetched once and URLs are built from one reversed template instead of one
`reverse()` per post.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import QueryDict
from django.urls import reverse

from accounts.models import Brand
from calendars.models import Campaign
from networks.models import NetworkAccount
from posts import workflow
from posts.models import DisplayStatus, Post, PostMedia, PostTarget

# Bootstrap Icons per network slug; a network missing here shows a generic megaphone.
NETWORK_ICONS = {
    "mastodon": "bi-mastodon",
    "bluesky": "bi-bluesky",
    "facebook": "bi-facebook",
    "instagram": "bi-instagram",
    "linkedin": "bi-linkedin",
    "x": "bi-twitter-x",
    "threads": "bi-threads",
    "telegram": "bi-telegram",
    "discord": "bi-discord",
    "webfeed": "bi-rss",
    "webhook": "bi-broadcast",
}
DEFAULT_ICON = "bi-megaphone"


def network_icon(network: str) -> str:
    return NETWORK_ICONS.get(network, DEFAULT_ICON)


def _int_set(values: list[str]) -> frozenset[int]:
    return frozenset(int(v) for v in values if v.isdigit())


@dataclass(frozen=True)
class EventFilters:
    """What the calendar's filter bar asks for; empty means "everything"."""

    accounts: frozenset[int] = frozenset()
    statuses: frozenset[str] = frozenset()
    campaign: int | None = None
    author: int | None = None

    @classmethod
    def from_query(cls, query: QueryDict) -> EventFilters:
        campaign, author = query.get("campaign", ""), query.get("author", "")
        return cls(
            accounts=_int_set(query.getlist("account")),
            statuses=frozenset(s for s in query.getlist("status") if s in DisplayStatus.values),
            campaign=int(campaign) if campaign.isdigit() else None,
            author=int(author) if author.isdigit() else None,
        )


def calendar_posts(*, brand: Brand, start: datetime, end: datetime, filters: EventFilters) -> QuerySet[Post]:
    """The brand's posts scheduled in [start, end), with targets and media prefetched."""
    posts = Post.objects.filter(brand=brand, scheduled_at__gte=start, scheduled_at__lt=end)
    if filters.accounts:
        posts = posts.filter(pk__in=PostTarget.objects.filter(account_id__in=filters.accounts).values("post_id"))
    if filters.campaign:
        posts = posts.filter(campaign_id=filters.campaign)
    if filters.author:
        posts = posts.filter(author_id=filters.author)
    return posts.select_related("campaign", "author").prefetch_related(
        Prefetch("targets", queryset=PostTarget.objects.only("id", "post_id", "account_id", "state")),
        Prefetch("postmedia_set", queryset=PostMedia.objects.select_related("media").order_by("position")),
    )


def _first_thumbnail(post: Post) -> str:
    for item in post.postmedia_set.all():
        if item.media.thumbnail:
            return item.media.thumbnail.url
    return ""


class _EventBuilder:
    """Turns posts into FullCalendar event objects for one request."""

    def __init__(self, *, brand: Brand, membership):
        self.brand = brand
        self.tz = brand.tz
        self.membership = membership
        self.accounts = {a.pk: a for a in NetworkAccount.objects.filter(brand=brand)}
        # reverse() once: the detail URL of post 0, whose trailing "0/" each post replaces.
        self.detail_prefix = reverse("posts:detail", kwargs={"brand_slug": brand.slug, "pk": 0})[:-2]

    def event(self, post: Post) -> dict[str, Any]:
        post.brand = self.brand  # the rules below read it: no query per post
        status = post.display_status
        accounts = [self.accounts[t.account_id] for t in post.targets.all() if t.account_id in self.accounts]
        campaign = post.campaign
        return {
            "id": str(post.pk),
            "title": post.text[:80] or f"#{post.pk}",
            "start": post.scheduled_at.astimezone(self.tz).isoformat() if post.scheduled_at else None,
            "url": f"{self.detail_prefix}{post.pk}/",
            "classNames": [f"cm-status-{status}"],
            "editable": workflow.may_move(post, self.membership),
            "borderColor": campaign.colour if campaign else None,
            "extendedProps": {
                "status": str(status),
                "statusLabel": str(DisplayStatus(status).label),
                "networks": [{"id": a.pk, "icon": network_icon(a.network), "name": a.display_name} for a in accounts],
                "thumbnail": _first_thumbnail(post),
                "campaign": {"name": campaign.name, "colour": campaign.colour} if campaign else None,
                "author": str(post.author) if post.author else "",
            },
        }


def campaign_bands(*, brand: Brand, start: date, end: date, only: int | None = None) -> list[dict[str, Any]]:
    """Campaigns overlapping [start, end) as all-day background events."""
    campaigns = Campaign.objects.filter(brand=brand, starts_on__lt=end, ends_on__gte=start)
    if only:
        campaigns = campaigns.filter(pk=only)
    return [
        {
            "id": f"campaign-{c.pk}",
            "title": c.name,
            "start": c.starts_on.isoformat(),
            # FullCalendar's all-day end is exclusive.
            "end": (c.ends_on + timedelta(days=1)).isoformat(),
            "display": "background",
            "allDay": True,
            "color": c.colour,
            "classNames": ["cm-campaign-band"],
        }
        for c in campaigns
        if c.starts_on and c.ends_on
    ]


def calendar_events(
    *, brand: Brand, membership, start: datetime, end: datetime, filters: EventFilters
) -> list[dict[str, Any]]:
    """Everything the calendar draws for [start, end): posts, then campaign bands."""
    builder = _EventBuilder(brand=brand, membership=membership)
    posts = calendar_posts(brand=brand, start=start, end=end, filters=filters)
    events = [builder.event(post) for post in posts if not filters.statuses or post.display_status in filters.statuses]
    tz = brand.tz
    events += campaign_bands(
        brand=brand,
        start=start.astimezone(tz).date(),
        end=end.astimezone(tz).date() + timedelta(days=1),
        only=filters.campaign,
    )
    return events


def unscheduled_posts(*, brand: Brand, limit: int = 20) -> QuerySet[Post]:
    """Posts without a time, newest first: what the queue can place."""
    return (
        Post.objects.filter(brand=brand, scheduled_at__isnull=True)
        .select_related("author")
        .prefetch_related("targets")
        .order_by("-created_at")[:limit]
    )


def active_campaigns(*, brand: Brand, today: date) -> QuerySet[Campaign]:
    return Campaign.objects.filter(brand=brand).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
