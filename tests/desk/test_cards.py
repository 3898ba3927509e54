"""The cards of the home page, read at a pinned instant: who sees which post, and why."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Membership
from accounts.roles import Role
from desk.cards import cards_for
from desk.scope import desk_scope
from posts import services
from posts.models import PostState, TargetState
from publishing.models import OverdueHold, Pause
from tests.desk.conftest import NOW, PARIS
from tests.factories import BrandFactory, NetworkAccountFactory

pytestmark = pytest.mark.django_db


def _shown(user, key, **scope):
    """The posts the card `key` shows to `user` at NOW (None: the card is not shown to them)."""
    for card in cards_for(desk_scope(user=user, now=NOW, **scope)):
        if card.key == key:
            return card.context["posts"]
    return None


def _paris(day_offset: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(NOW.date() + timedelta(days=day_offset), datetime.min.time(), tzinfo=PARIS).replace(
        hour=hour, minute=minute
    )


def test_coming_up_runs_from_the_start_of_today_to_the_end_of_the_seventh_day(editor, make_post):
    make_post(at=_paris(-1, 23, 59), text="yesterday")
    make_post(at=_paris(0, 0, 0), text="today at midnight")
    make_post(at=_paris(0, 23, 30), text="today at 23:30")
    make_post(at=_paris(7, 23, 59), text="in seven days")
    make_post(at=_paris(8, 0, 0), text="in eight days")
    make_post(at=None, text="no date")
    shown = [post.text for post in _shown(editor, "coming-up")]
    assert shown == ["today at midnight", "today at 23:30", "in seven days"]


def test_coming_up_groups_posts_by_their_own_day_once_each(editor, make_post):
    make_post(at=_paris(0, 23, 30), text="late tonight")
    make_post(at=_paris(1, 0, 30), text="just after midnight")
    make_post(at=_paris(3, 9, 0), text="on Saturday")
    card = next(c for c in cards_for(desk_scope(user=editor, now=NOW)) if c.key == "coming-up")
    days = [(day["label"], [post.text for post in day["posts"]]) for day in card.context["days"]]
    assert days == [
        ("Today", ["late tonight"]),
        ("Tomorrow", ["just after midnight"]),
        ("Saturday 8 June", ["on Saturday"]),
    ]


def test_coming_up_reads_each_brands_day_in_its_own_zone(editor, brand_a, make_post):
    tokyo = BrandFactory(slug="tokyo", name="Tokyo", time_zone="Asia/Tokyo")
    Membership.objects.create(user=editor, brand=tokyo, role=Role.EDITOR)
    # 10:00 in Paris is 17:00 in Tokyo: Tokyo's today ends in 7 hours, then its 8th day starts.
    tokyo_zone = ZoneInfo("Asia/Tokyo")
    make_post(brand=tokyo, at=datetime(2030, 6, 5, 23, 0, tzinfo=tokyo_zone), text="Tokyo tonight")
    make_post(brand=tokyo, at=datetime(2030, 6, 13, 0, 30, tzinfo=tokyo_zone), text="Tokyo too late")
    make_post(at=_paris(7, 23, 0), text="Paris on the seventh day")
    shown = [post.text for post in _shown(editor, "coming-up")]
    assert shown == ["Tokyo tonight", "Paris on the seventh day"]


def test_coming_up_says_when_a_post_will_not_go_out(editor, brand_a, make_post):
    make_post(at=_paris(0, 18), text="a draft", state=PostState.DRAFT)
    make_post(at=_paris(0, 19), text="approved", state=PostState.APPROVED)
    warnings = {post.text: post.desk_warning for post in _shown(editor, "coming-up")}
    assert warnings == {"a draft": "Not approved yet: it will not go out.", "approved": ""}
    Pause.objects.create(brand=brand_a, paused_at=NOW, reason="Crisis")
    warnings = {post.text: post.desk_warning for post in _shown(editor, "coming-up")}
    assert warnings["approved"] == "Publishing is paused for this brand."


def test_review_card_lists_what_i_may_approve_and_never_my_own_when_the_brand_forbids_it(
    manager, editor, brand_a, make_post
):
    theirs = make_post(author=editor, at=_paris(2, 9), state=PostState.IN_REVIEW)
    mine = make_post(author=manager, at=_paris(1, 9), state=PostState.IN_REVIEW)
    make_post(author=editor, at=_paris(1, 9), state=PostState.DRAFT)
    assert [post.pk for post in _shown(manager, "to-review")] == [theirs.pk]
    brand_a.self_approval_forbidden = False
    brand_a.save()
    assert [post.pk for post in _shown(manager, "to-review")] == [mine.pk, theirs.pk]  # soonest first


def test_review_card_is_not_shown_to_those_who_cannot_review(editor, viewer, make_post):
    make_post(at=_paris(1, 9), state=PostState.IN_REVIEW)
    assert _shown(editor, "to-review") is None
    assert _shown(viewer, "to-review") is None


def test_changes_card_lists_my_posts_sent_back_with_the_reviewers_words(editor, manager, account, make_post):
    post = make_post(at=_paris(2, 9))
    services.post_submit(post=post, user=editor)
    services.post_request_changes(post=post, user=manager, comment="Ajoutez le lien")
    make_post(author=manager, at=_paris(2, 9), state=PostState.CHANGES_REQUESTED)  # not the editor's
    shown = _shown(editor, "changes-requested")
    assert [p.pk for p in shown] == [post.pk]
    assert shown[0].requests[0].comment == "Ajoutez le lien" and shown[0].requests[0].actor == manager


def test_attention_card_lists_recent_failures_and_every_post_to_check(viewer, make_post):
    failed = make_post(at=_paris(-1, 9))
    failed.targets.update(state=TargetState.FAILED, last_error="Refused", last_error_at=NOW - timedelta(days=1))
    old = make_post(at=_paris(-10, 9))
    old.targets.update(state=TargetState.FAILED, last_error="Refused", last_error_at=NOW - timedelta(days=8))
    unsure = make_post(at=_paris(-20, 9))
    unsure.targets.update(state=TargetState.NEEDS_CHECKING, last_error_at=NOW - timedelta(days=20))
    make_post(at=_paris(-1, 8)).targets.update(state=TargetState.PUBLISHED)
    assert [post.pk for post in _shown(viewer, "needs-attention")] == [failed.pk, unsure.pk]


def test_overdue_card_shows_every_held_post_to_managers_and_their_own_to_authors(manager, editor, viewer, make_post):
    by_editor = make_post(author=editor, at=_paris(-1, 9), state=PostState.APPROVED)
    by_manager = make_post(author=manager, at=_paris(-1, 10), state=PostState.APPROVED)
    for post in (by_editor, by_manager):
        OverdueHold.objects.create(post=post)
    make_post(author=editor, at=_paris(-1, 11), state=PostState.APPROVED)  # not held
    assert [post.pk for post in _shown(manager, "overdue")] == [by_editor.pk, by_manager.pk]
    assert [post.pk for post in _shown(editor, "overdue")] == [by_editor.pk]
    assert _shown(viewer, "overdue") is None


def test_drafts_card_lists_my_drafts_without_a_date(editor, manager, make_post):
    mine = make_post(author=editor, at=None)
    make_post(author=editor, at=_paris(1, 9))  # dated
    make_post(author=manager, at=None)  # someone else's
    make_post(author=editor, at=None, state=PostState.IN_REVIEW)  # not a draft
    assert [post.pk for post in _shown(editor, "undated-drafts")] == [mine.pk]


def test_nothing_of_a_brand_i_do_not_belong_to(outsider, brand_a, make_post, people):
    make_post(at=_paris(0, 18), state=PostState.IN_REVIEW)
    make_post(at=None)
    for card in cards_for(desk_scope(user=outsider, now=NOW)):
        assert not card.context.get("posts"), card.key


def test_a_brands_page_shows_that_brand_only(editor, brand_a, brand_b, make_post):
    membership_b = Membership.objects.create(user=editor, brand=brand_b, role=Role.EDITOR)
    make_post(at=_paris(0, 18), text="in A")
    make_post(brand=brand_b, at=_paris(0, 19), text="in B", accounts=[NetworkAccountFactory(brand=brand_b)])
    assert [p.text for p in _shown(editor, "coming-up")] == ["in A", "in B"]
    assert [p.text for p in _shown(editor, "coming-up", membership=membership_b)] == ["in B"]


def test_the_cards_read_in_a_fixed_number_of_queries(manager, brand_a, fill_desk, django_assert_num_queries):
    fill_desk(brand_a, 1)
    # One query for the memberships, two per card (posts, then their targets with accounts), one
    # more for the reviewers' requests on posts sent back, two for the numbers (targets, rollups),
    # one for the inbox's figures of every brand.
    expected = 1 + 2 * 6 + 1 + 2 + 1
    with django_assert_num_queries(expected):
        cards = cards_for(desk_scope(user=manager, now=NOW))
    assert all(card.context["posts"] for card in cards if card.key not in ("numbers", "inbox"))
    for _ in range(3):
        brand = BrandFactory()
        Membership.objects.create(user=manager, brand=brand, role=Role.OWNER)
        fill_desk(brand, 8)
    with django_assert_num_queries(expected):
        cards = cards_for(desk_scope(user=manager, now=NOW))
    assert len(next(c for c in cards if c.key == "to-review").context["posts"]) == 20  # the card's limit
