"""posts/bulk.py: several posts at once, each judged by the one-post service; the outcome says
how many were done and, for each of the others, why not."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from posts import bulk, services
from posts.content import PostContent
from posts.models import Campaign, EventKind, Post, PostState, TargetState
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _in_review(write_post, author, **extra):
    post = write_post(author, **extra)
    return services.post_submit(post=post, user=author)


def _reasons(outcome):
    return {refusal.post_id: refusal.reason for refusal in outcome.refused}


def test_submit_sends_each_ready_post_and_explains_the_others(write_post, editor):
    ready = write_post(editor)
    no_account = services.post_create(brand=ready.brand, author=editor, content=PostContent(text="Sans réseau"))
    outcome = bulk.posts_bulk_submit(posts=[ready, no_account], user=editor)
    assert [post.pk for post in outcome.done] == [ready.pk]
    assert _reasons(outcome) == {no_account.pk: "Choose at least one network account."}
    assert Post.objects.get(pk=ready.pk).state == PostState.IN_REVIEW
    assert Post.objects.get(pk=no_account.pk).state == PostState.DRAFT


def test_approve_keeps_the_self_approval_rule_per_post(write_post, editor, manager):
    theirs = [_in_review(write_post, editor, text=f"Post {i}") for i in range(2)]
    mine = _in_review(write_post, manager, text="Le mien")
    outcome = bulk.posts_bulk_approve(posts=[*theirs, mine], user=manager)
    assert len(outcome.done) == 2 and outcome.total == 3
    assert _reasons(outcome) == {
        mine.pk: "This brand does not allow approving one's own post: another manager must approve it."
    }
    assert outcome.refused[0].excerpt == "Le mien"
    states = dict(Post.objects.values_list("pk", "state"))
    assert [states[p.pk] for p in theirs] == [PostState.APPROVED, PostState.APPROVED]
    assert states[mine.pk] == PostState.IN_REVIEW


def test_an_editor_approves_nothing_and_is_told_why_for_each(write_post, editor):
    posts = [_in_review(write_post, editor) for _ in range(2)]
    outcome = bulk.posts_bulk_approve(posts=posts, user=editor)
    assert not outcome.done
    assert set(_reasons(outcome).values()) == {"You may not do this on this brand."}


def test_request_changes_puts_the_same_comment_on_each_post(write_post, editor, manager):
    posts = [_in_review(write_post, editor) for _ in range(2)]
    draft = write_post(editor)
    outcome = bulk.posts_bulk_request_changes(posts=[*posts, draft], user=manager, comment="Ajoutez le lien")
    assert len(outcome.done) == 2
    assert "not possible on a post that is draft" in _reasons(outcome)[draft.pk]
    for post in posts:
        post.refresh_from_db()
        assert post.state == PostState.CHANGES_REQUESTED
        assert [c.text for c in post.comments.all()] == ["Ajoutez le lien"]


def _at(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(datetime.fromisoformat(day).date(), time(hour, minute), tzinfo=PARIS)


def test_shift_keeps_each_posts_wall_time_across_a_change_of_clocks(write_post, editor):
    # Clocks go forward in Paris on Sunday 31 March 2030: 09:00 the day before is 08:00 UTC,
    # 09:00 that day is 07:00 UTC.
    post = write_post(editor, scheduled_at=_at("2030-03-30", 9))
    outcome = bulk.posts_bulk_shift(posts=[post], user=editor, days=1)
    assert len(outcome.done) == 1
    post.refresh_from_db()
    assert post.scheduled_at.astimezone(PARIS).replace(tzinfo=None) == datetime(2030, 3, 31, 9, 0)
    assert post.events.filter(kind=EventKind.RESCHEDULED).count() == 1


def test_shift_explains_posts_without_a_date_in_the_past_or_approved(write_post, editor, manager):
    undated = write_post(editor, scheduled_at=None)
    soon = write_post(editor, scheduled_at=timezone.now() + timedelta(hours=2))
    approved = services.post_approve(post=_in_review(write_post, editor), user=manager)
    outcome = bulk.posts_bulk_shift(posts=[undated, soon, approved], user=editor, days=-1)
    assert not outcome.done
    assert _reasons(outcome) == {
        undated.pk: "This post has no date: give it one first.",
        soon.pk: "This time is in the past: choose a time to come.",
        approved.pk: "Only a manager can move a post that was approved.",
    }
    assert bulk.posts_bulk_shift(posts=[approved], user=manager, days=1).done  # a manager may


def test_move_puts_posts_on_a_date_at_their_own_time_or_the_one_given(write_post, editor):
    nine = write_post(editor, scheduled_at=_at("2030-05-02", 9))
    eleven = write_post(editor, scheduled_at=_at("2030-05-03", 11, 30))
    undated = write_post(editor, scheduled_at=None)
    outcome = bulk.posts_bulk_move(posts=[nine, eleven, undated], user=editor, day=datetime(2030, 5, 10).date())
    assert _reasons(outcome) == {undated.pk: "This post has no time: choose a time too."}
    times = {p.pk: p.scheduled_at.astimezone(PARIS) for p in Post.objects.all() if p.scheduled_at}
    assert times[nine.pk] == _at("2030-05-10", 9) and times[eleven.pk] == _at("2030-05-10", 11, 30)
    outcome = bulk.posts_bulk_move(posts=[undated], user=editor, day=datetime(2030, 5, 10).date(), at=time(8))
    assert outcome.done and Post.objects.get(pk=undated.pk).scheduled_at == _at("2030-05-10", 8)


def test_move_refuses_a_time_that_does_not_exist_that_day(write_post, editor):
    post = write_post(editor, scheduled_at=_at("2030-03-20", 2, 30))
    outcome = bulk.posts_bulk_move(posts=[post], user=editor, day=datetime(2030, 3, 31).date())
    assert "does not exist on 2030-03-31 in Europe/Paris" in _reasons(outcome)[post.pk]


def test_campaign_change_keeps_the_approval_and_is_recorded(write_post, editor, manager, brand_a, brand_b):
    launch = Campaign.objects.create(brand=brand_a, name="Lancement")
    approved = services.post_approve(post=_in_review(write_post, editor), user=manager)
    draft = write_post(editor)
    outcome = bulk.posts_bulk_set_campaign(posts=[approved, draft], user=editor, campaign=launch)
    assert len(outcome.done) == 2
    approved.refresh_from_db()
    assert approved.campaign == launch and approved.state == PostState.APPROVED
    assert approved.events.filter(kind=EventKind.EDITED).exists()
    foreign = Campaign.objects.create(brand=brand_b, name="Ailleurs")
    outcome = bulk.posts_bulk_set_campaign(posts=[draft], user=editor, campaign=foreign)
    assert _reasons(outcome) == {draft.pk: "This campaign is not this brand's."}
    assert bulk.posts_bulk_set_campaign(posts=[draft], user=editor, campaign=None).done
    assert Post.objects.get(pk=draft.pk).campaign is None


def test_delete_keeps_published_posts_and_says_so(write_post, editor):
    gone, published = write_post(editor, text="À supprimer"), write_post(editor, text="Déjà parti")
    published.targets.update(state=TargetState.PUBLISHED)
    outcome = bulk.posts_bulk_delete(posts=[gone, published], user=editor)
    assert _reasons(outcome) == {published.pk: "A published post cannot be deleted."}
    assert list(Post.objects.values_list("text", flat=True)) == ["Déjà parti"]


def test_a_viewer_changes_nothing(write_post, editor, viewer):
    posts = [write_post(editor) for _ in range(2)]
    for outcome in (
        bulk.posts_bulk_submit(posts=posts, user=viewer),
        bulk.posts_bulk_shift(posts=posts, user=viewer, days=1),
        bulk.posts_bulk_delete(posts=posts, user=viewer),
    ):
        assert not outcome.done and len(outcome.refused) == 2
    assert Post.objects.count() == 2


def test_only_the_brands_own_posts_are_taken_the_others_do_not_exist(brand_a, brand_b, editor):
    mine, foreign = PostFactory(brand=brand_a), PostFactory(brand=brand_b)
    posts, missing = bulk.posts_for_bulk(brand=brand_a, post_ids=[foreign.pk, mine.pk, mine.pk])
    assert posts == [mine]
    assert [(m.post_id, m.reason) for m in missing] == [(foreign.pk, "This post does not exist (any more).")]
