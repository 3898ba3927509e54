"""What the home page lists, each as one query over every brand in scope (plus one to bring
the posts' targets): the number of queries does not grow with the number of posts or brands.

Who sees what follows the roles table (accounts/roles.py) and the workflow (posts/workflow.py),
never role names: a card asks the scope for the brands where the user holds a permission.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from accounts.models import Brand
from accounts.roles import Perm
from desk.scope import DeskScope
from posts import workflow
from posts.models import EventKind, Post, PostEvent, PostState, PostTarget, TargetState

# How far back a failed delivery still asks for attention on the home page (the post page and
# the calendar show it for ever).
FAILURES_SHOWN_FOR = timedelta(days=7)


def _rows(posts: QuerySet[Post]) -> QuerySet[Post]:
    """What a row of a card shows: brand (its zone and name), author, campaign, targets."""
    targets = PostTarget.objects.select_related("account").order_by("account__display_name", "pk")
    return posts.select_related("brand", "brand__pause", "author", "campaign").prefetch_related(
        Prefetch("targets", queryset=targets)
    )


def local_midnight(brand: Brand, now: datetime, days_ahead: int = 0) -> datetime:
    """The start of the brand's day `days_ahead` after today, today read in the brand's zone."""
    day = now.astimezone(brand.tz).date() + timedelta(days=days_ahead)
    return datetime.combine(day, time(0), tzinfo=brand.tz)


def posts_coming_up(scope: DeskScope, *, days: int = 7) -> QuerySet[Post]:
    """Posts of today and the next `days` days, each brand's days in its own zone, whatever
    their state: a draft dated today shows too (it will not go out, and the row says so)."""
    brands = scope.brands(Perm.VIEW)
    if not brands:
        return Post.objects.none()
    window = Q()
    for brand in brands:
        start, end = local_midnight(brand, scope.now), local_midnight(brand, scope.now, days + 1)
        window |= Q(brand=brand, scheduled_at__gte=start, scheduled_at__lt=end)
    return _rows(Post.objects.filter(window)).order_by("scheduled_at", "pk")


def posts_to_review(scope: DeskScope) -> QuerySet[Post]:
    """Posts in review that this user may approve (the workflow's rule), soonest first."""
    approvable = workflow.approvable_by(scope.user, scope.memberships)
    return _rows(Post.objects.filter(approvable)).order_by(F("scheduled_at").asc(nulls_last=True), "pk")


def posts_with_changes_requested(scope: DeskScope) -> QuerySet[Post]:
    """The user's own posts sent back to them, with the reviewers' requests (newest first)."""
    requests = PostEvent.objects.filter(kind=EventKind.CHANGES_REQUESTED).select_related("actor")
    posts = Post.objects.filter(
        author_id=scope.user.pk, state=PostState.CHANGES_REQUESTED, brand_id__in=scope.brand_ids(Perm.WRITE)
    )
    return (
        _rows(posts)
        .prefetch_related(Prefetch("events", queryset=requests.order_by("-created_at", "-pk"), to_attr="requests"))
        .order_by(F("scheduled_at").asc(nulls_last=True), "pk")
    )


def posts_needing_attention(scope: DeskScope) -> QuerySet[Post]:
    """Posts with a delivery that failed lately or that waits for a person to check it."""
    since = scope.now - FAILURES_SHOWN_FOR
    troubled = PostTarget.objects.filter(post=OuterRef("pk")).filter(
        Q(state=TargetState.NEEDS_CHECKING) | Q(state=TargetState.FAILED, last_error_at__gte=since)
    )
    posts = Post.objects.filter(Exists(troubled), brand_id__in=scope.brand_ids(Perm.VIEW))
    return _rows(posts).order_by(F("scheduled_at").desc(nulls_last=True), "-pk")


def posts_overdue(scope: DeskScope) -> QuerySet[Post]:
    """Posts a crisis pause left waiting (publishing's OverdueHold): all of them where the user
    decides (Perm.SCHEDULE), and their own elsewhere, so an author sees why theirs did not go out."""
    deciding = Q(brand_id__in=scope.brand_ids(Perm.SCHEDULE))
    own = Q(author_id=scope.user.pk, brand_id__in=scope.brand_ids(Perm.VIEW))
    posts = Post.objects.filter(deciding | own, overdue_hold__isnull=False)
    return _rows(posts).order_by("scheduled_at", "pk")


def drafts_without_date(scope: DeskScope) -> QuerySet[Post]:
    """The user's drafts with no date yet, the ones touched last first."""
    posts = Post.objects.filter(
        author_id=scope.user.pk,
        state=PostState.DRAFT,
        scheduled_at__isnull=True,
        brand_id__in=scope.brand_ids(Perm.WRITE),
    )
    return _rows(posts).order_by("-updated_at", "-pk")
