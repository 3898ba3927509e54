"""Calendar previews: the owner shares chosen posts of one brand with its client, read-only, by a
link that expires and can be revoked (clients/links.py, salt PREVIEW_SALT, distinct from the
review links' so one kind of token never opens the other). A link that does not open is the
same bare 404 whatever the reason (PreviewLinkInvalid)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Brand, User
from accounts.permissions import require_member
from accounts.roles import Perm
from clients import links
from clients.models import CalendarPreview
from core.exceptions import NotFound
from posts.models import Post

PREVIEW_SALT = "clients.preview"
DAYS = (MinValueValidator(1), MaxValueValidator(365))


class PreviewLinkInvalid(NotFound):  # a 404 for every reason, on purpose
    """The preview link does not open anything (tampered, unknown, revoked or expired)."""


def calendar_preview_create(*, brand: Brand, by: User, name: str, posts: Sequence[Post], days: int) -> CalendarPreview:
    """A preview of `posts` (all of `brand`) for `days` days; its link is `preview_url(...)`."""
    require_member(by, brand, Perm.MANAGE_MEMBERS)
    _check(brand=brand, name=name, posts=posts, days=days)
    now = timezone.now()
    preview = CalendarPreview(
        brand=brand, name=name.strip(), created_by=by, created_at=now, expires_at=now + timedelta(days=days)
    )
    links.new_secret(preview)
    with transaction.atomic():
        preview.save()
        preview.posts.set(posts)
    return preview


def _check(*, brand: Brand, name: str, posts: Sequence[Post], days: int) -> None:
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = [_("Say who the preview is for.")]
    if not posts:
        errors["posts"] = [_("Choose at least one post.")]
    elif any(post.brand_id != brand.pk for post in posts):
        errors["posts"] = [_("These posts are not this brand's.")]
    if not DAYS[0].limit_value <= days <= DAYS[1].limit_value:
        errors["days"] = [_("A link works between 1 and 365 days.")]
    if errors:
        raise ValidationError(errors)


def calendar_preview_revoke(*, preview: CalendarPreview, by: User) -> CalendarPreview:
    """The link stops working for good."""
    require_member(by, preview.brand, Perm.MANAGE_MEMBERS)
    if preview.revoked_at is None:
        preview.revoked_at = timezone.now()
        preview.save(update_fields=["revoked_at"])
    return preview


def preview_url(preview: CalendarPreview) -> str | None:
    token = links.token(preview, salt=PREVIEW_SALT)
    return settings.SITE_URL + reverse("clients:preview", args=[token]) if token else None


def preview_for_token(token: str) -> CalendarPreview:
    """The active preview a link names, or PreviewLinkInvalid (whatever the reason)."""
    preview = links.opened(token, salt=PREVIEW_SALT, rows=CalendarPreview.objects.select_related("brand"))
    if preview is None:
        raise PreviewLinkInvalid
    return preview


def preview_posts(preview: CalendarPreview):
    """The chosen posts that are still the brand's, by time (those without a time last)."""
    return (
        preview.posts.filter(brand=preview.brand)
        .select_related("brand")
        .prefetch_related("targets__account", "postmedia_set__media")
        .order_by(F("scheduled_at").asc(nulls_last=True), "pk")
    )
