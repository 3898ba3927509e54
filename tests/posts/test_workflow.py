"""The transition table of posts/workflow.py, tested directly."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Membership
from networks.models import NetworkAccount
from posts import workflow
from posts.content import PostContent
from posts.models import Campaign, Media, PostState, TargetState
from posts.workflow import WorkflowError


def _membership(user, brand):
    return Membership.objects.get(user=user, brand=brand)


def test_editor_may_submit_a_draft(write_post, editor, brand_a):
    post = write_post(editor)
    transition = workflow.check_transition(post, "submit", _membership(editor, brand_a), editor)
    assert transition.target == PostState.IN_REVIEW


def test_viewer_may_not_submit(write_post, editor, viewer, brand_a):
    post = write_post(editor)
    with pytest.raises(PermissionDenied):
        workflow.check_transition(post, "submit", _membership(viewer, brand_a), viewer)


def test_editor_cannot_approve(write_post, editor, brand_a):
    post = write_post(editor)
    post.state = PostState.IN_REVIEW
    with pytest.raises(PermissionDenied):
        workflow.check_transition(post, "approve", _membership(editor, brand_a), editor)


def test_approve_only_from_in_review(write_post, editor, manager, brand_a):
    post = write_post(editor)
    with pytest.raises(WorkflowError):
        workflow.check_transition(post, "approve", _membership(manager, brand_a), manager)


def test_manager_cannot_approve_own_post_when_the_brand_forbids_it(write_post, manager, brand_a):
    post = write_post(manager)
    post.state = PostState.IN_REVIEW
    with pytest.raises(PermissionDenied):
        workflow.check_transition(post, "approve", _membership(manager, brand_a), manager)
    brand_a.self_approval_forbidden = False
    brand_a.save()
    post.brand.refresh_from_db()
    assert (
        workflow.check_transition(post, "approve", _membership(manager, brand_a), manager).target == PostState.APPROVED
    )


def test_editor_schedules_without_review_only_when_the_brand_needs_no_approval(write_post, editor, brand_a):
    post = write_post(editor)
    with pytest.raises(PermissionDenied):
        workflow.check_transition(post, "schedule", _membership(editor, brand_a), editor)
    brand_a.approval_required = False
    brand_a.save()
    post.brand.refresh_from_db()
    assert (
        workflow.check_transition(post, "schedule", _membership(editor, brand_a), editor).target == PostState.APPROVED
    )


def test_a_post_being_published_is_locked(write_post, editor, manager, brand_a):
    post = write_post(editor)
    post.targets.update(state=TargetState.PUBLISHING)
    assert workflow.is_locked(post)
    assert not workflow.may_edit(post, _membership(manager, brand_a))
    with pytest.raises(WorkflowError):
        workflow.check_transition(post, "submit", _membership(editor, brand_a), editor)


def test_moving_an_approved_post_needs_the_schedule_right(write_post, editor, manager, brand_a):
    post = write_post(editor)
    post.state = PostState.APPROVED
    assert not workflow.may_move(post, _membership(editor, brand_a))
    assert workflow.may_move(post, _membership(manager, brand_a))


def _content(*, text, target_texts, media_ids, account_ids, **others):
    return PostContent(
        text=text,
        target_texts=target_texts,
        media=[Media(pk=pk) for pk in media_ids],
        accounts=[NetworkAccount(pk=pk) for pk in account_ids],
        **others,
    )


def test_fingerprint_covers_text_target_texts_media_and_accounts_but_not_order_of_accounts():
    base = {"text": "a", "target_texts": {1: ""}, "media_ids": [5, 6], "account_ids": [1, 2]}
    fingerprint = _content(**base).fingerprint
    assert _content(**{**base, "account_ids": [2, 1]}).fingerprint == fingerprint
    for change in (
        {"text": "b"},
        {"target_texts": {1: "other"}},
        {"media_ids": [6, 5]},
        {"media_ids": [5]},
        {"account_ids": [1]},
    ):
        assert _content(**{**base, **change}).fingerprint != fingerprint, change


def test_fingerprint_leaves_out_the_time_and_the_campaign(tomorrow):
    base = {"text": "a", "target_texts": {}, "media_ids": [], "account_ids": [1]}
    moved = _content(**base, scheduled_at=tomorrow, campaign=Campaign(pk=3))
    assert moved.fingerprint == _content(**base).fingerprint


def test_allowed_transitions_for_the_buttons(write_post, editor, manager, brand_a):
    post = write_post(editor)
    assert [t.name for t in workflow.allowed_transitions(post, _membership(editor, brand_a), editor)] == ["submit"]
    assert {t.name for t in workflow.allowed_transitions(post, _membership(manager, brand_a), manager)} == {
        "submit",
        "schedule",
    }


def test_schedule_is_offered_by_the_same_rule(editor, manager, brand_a):
    def offered(user, author):
        return workflow.may_schedule(brand_a, _membership(user, brand_a), user, author.pk if author else None)

    assert not offered(editor, None)
    assert offered(manager, editor)
    assert not offered(manager, None)  # their own new post, self-approval forbidden
    brand_a.approval_required = False
    assert offered(editor, None)
