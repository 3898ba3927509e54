"""Work on several posts at once: each post is judged by the same service as one at a time.

A bulk action calls the one-post service (posts/services.py, whose rules come from
posts/workflow.py) for each post in turn, each in its own transaction, and collects what it
refused and why: one post refused never stops the others, and nothing here decides who may do
what.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from accounts.models import Brand
from core.exceptions import REFUSALS, refusal_text
from core.timing import wall_time_to_utc
from posts import services
from posts.models import Post

MAX_POSTS = 200  # one request (about 40 ms a post on a busy machine: bench/bench_desk.py); the form refuses more


@dataclass(frozen=True)
class Refusal:
    post_id: int
    excerpt: str
    reason: str


@dataclass
class BulkOutcome:
    """How many posts were done, and for the others, why not (in the user's language)."""

    done: list[Post] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.done) + len(self.refused)


def _excerpt(post: Post) -> str:
    text = " ".join(post.text.split())
    return (text[:57] + "…" if len(text) > 60 else text) or f"#{post.pk}"


# A post this member may not change is one refusal in the list, not a 403 for the whole batch.
_REFUSED: tuple[type[Exception], ...] = (*REFUSALS, PermissionDenied)


def _each(posts: Iterable[Post], act: Callable[[Post], object]) -> BulkOutcome:
    outcome = BulkOutcome()
    for post in posts:
        try:
            act(post)
        except _REFUSED as error:
            outcome.refused.append(Refusal(post.pk, _excerpt(post), refusal_text(error)))
        else:
            outcome.done.append(post)
    return outcome


def posts_for_bulk(*, brand: Brand, post_ids: Iterable[int]) -> tuple[list[Post], list[Refusal]]:
    """The brand's posts among `post_ids` in the order asked, and a refusal for each id that is
    not (or no longer) one of them: another brand's post does not exist here."""
    wanted = list(dict.fromkeys(post_ids))
    found = Post.objects.filter(brand=brand, pk__in=wanted).select_related("brand").in_bulk()
    missing = [Refusal(pk, f"#{pk}", _("This post does not exist (any more).")) for pk in wanted if pk not in found]
    return [found[pk] for pk in wanted if pk in found], missing


def posts_bulk_submit(*, posts: Iterable[Post], user) -> BulkOutcome:
    return _each(posts, lambda post: services.post_submit(post=post, user=user))


def posts_bulk_approve(*, posts: Iterable[Post], user) -> BulkOutcome:
    return _each(posts, lambda post: services.post_approve(post=post, user=user))


def posts_bulk_request_changes(*, posts: Iterable[Post], user, comment: str) -> BulkOutcome:
    """The same comment on each post: the author of each is told."""
    return _each(posts, lambda post: services.post_request_changes(post=post, user=user, comment=comment))


def posts_bulk_delete(*, posts: Iterable[Post], user) -> BulkOutcome:
    return _each(posts, lambda post: services.post_delete(post=post, user=user))


def posts_bulk_shift(*, posts: Iterable[Post], user, days: int) -> BulkOutcome:
    """Each post `days` later (earlier when negative) at the same wall time in its brand's zone,
    so a 09:00 post stays at 09:00 across a change of clocks."""

    def shift(post: Post):
        if post.scheduled_at is None:
            raise ValidationError(_("This post has no date: give it one first."))
        local = post.scheduled_at.astimezone(post.brand.tz)
        moment = wall_time_to_utc(local.date() + timedelta(days=days), local.time(), post.brand.tz)
        return services.post_reschedule(post=post, user=user, scheduled_at=moment)

    return _each(posts, shift)


def posts_bulk_move(*, posts: Iterable[Post], user, day: date, at: time | None = None) -> BulkOutcome:
    """Each post on `day`, at `at` when given, else at its own wall time in its brand's zone."""

    def move(post: Post):
        if at is None and post.scheduled_at is None:
            raise ValidationError(_("This post has no time: choose a time too."))
        wall = at or post.scheduled_at.astimezone(post.brand.tz).time()  # type: ignore[union-attr]
        moment = wall_time_to_utc(day, wall, post.brand.tz)
        return services.post_reschedule(post=post, user=user, scheduled_at=moment)

    return _each(posts, move)


def posts_bulk_set_campaign(*, posts: Iterable[Post], user, campaign) -> BulkOutcome:
    """Put each post in `campaign` (None: in none) through the editor's own save, which keeps the
    approval (a campaign is not part of the approved content) and records the change."""

    def set_campaign(post: Post):
        post = Post.objects.select_related("brand").get(pk=post.pk)  # the version to save from
        content = replace(post.content, campaign=campaign)
        return services.post_update(post=post, user=user, version=post.version, content=content)

    return _each(posts, set_campaign)
