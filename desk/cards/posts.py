"""The cards about posts: the week ahead, what waits for my review or my changes, what failed
or waits for a check, what a pause left overdue, my drafts without a date."""

from __future__ import annotations

from itertools import groupby

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.roles import Perm
from desk import selectors
from desk.cards.base import PostsCard
from desk.scope import DeskScope
from posts.models import DisplayStatus, Post, PostState
from publishing.pause import is_paused


class ComingUp(PostsCard):
    key = "coming-up"
    title = _("Today and the next 7 days")
    template = "desk/cards/coming_up.html"
    area = "main"
    limit = 100
    empty = _("Nothing is planned for the coming week.")

    def posts(self, scope: DeskScope):
        return selectors.posts_coming_up(scope, days=7)

    def context(self, scope: DeskScope) -> dict:
        context = super().context(scope)
        for post in context["posts"]:
            post.desk_warning = _warning(post)
        context["days"] = [
            {"label": self._day_label(offset, posts[0]), "posts": posts, "today": offset == 0}
            for offset, posts in ((k, list(g)) for k, g in groupby(context["posts"], key=lambda p: _offset(p, scope)))
        ]
        return context

    @staticmethod
    def _day_label(offset: int, first) -> str:
        if offset == 0:
            return str(_("Today"))
        if offset == 1:
            return str(_("Tomorrow"))
        return date_format(first.scheduled_at.astimezone(first.brand.tz).date(), "l j F")


def _warning(post: Post) -> str:
    """Why a post of the coming days will not go out at its time, if it will not."""
    if post.display_status not in (
        DisplayStatus.DRAFT,
        DisplayStatus.IN_REVIEW,
        DisplayStatus.CHANGES_REQUESTED,
        DisplayStatus.APPROVED,
    ):
        return ""  # something already happened: the status says what
    if post.state != PostState.APPROVED:
        return str(_("Not approved yet: it will not go out."))
    if is_paused(post.brand):
        return str(_("Publishing is paused for this brand."))
    return ""


def _offset(post, scope: DeskScope) -> int:
    """Days from the brand's today to the post's day, both in the brand's zone."""
    zone = post.brand.tz
    return (post.scheduled_at.astimezone(zone).date() - scope.now.astimezone(zone).date()).days


class ToReview(PostsCard):
    key = "to-review"
    title = _("Waiting for your review")
    empty = _("Nothing waits for your review.")

    def applies(self, scope: DeskScope) -> bool:
        return scope.may(Perm.REVIEW)

    def posts(self, scope: DeskScope):
        return selectors.posts_to_review(scope)


class ChangesRequested(PostsCard):
    key = "changes-requested"
    title = _("Changes asked of you")
    template = "desk/cards/changes_requested.html"
    empty = _("No post of yours waits for changes.")

    def applies(self, scope: DeskScope) -> bool:
        return scope.may(Perm.WRITE)

    def posts(self, scope: DeskScope):
        return selectors.posts_with_changes_requested(scope)


class NeedsAttention(PostsCard):
    key = "needs-attention"
    title = _("Failed or to check")
    template = "desk/cards/needs_attention.html"
    empty = _("No delivery failed this week, and none waits for a check.")

    def posts(self, scope: DeskScope):
        return selectors.posts_needing_attention(scope)


class Overdue(PostsCard):
    key = "overdue"
    title = _("Overdue after a pause")
    template = "desk/cards/overdue.html"
    empty = _("No post is waiting after a pause.")

    def applies(self, scope: DeskScope) -> bool:
        return scope.may(Perm.WRITE)

    def posts(self, scope: DeskScope):
        return selectors.posts_overdue(scope)

    def context(self, scope: DeskScope) -> dict:
        return {**super().context(scope), "deciding_brands": set(scope.brand_ids(Perm.SCHEDULE))}


class UndatedDrafts(PostsCard):
    key = "undated-drafts"
    title = _("Your drafts without a date")
    empty = _("Every draft of yours has a date.")

    def applies(self, scope: DeskScope) -> bool:
        return scope.may(Perm.WRITE)

    def posts(self, scope: DeskScope):
        return selectors.drafts_without_date(scope)
