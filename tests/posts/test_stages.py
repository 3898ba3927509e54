"""Approval stages per brand (posts/workflow.py: approval_stages), tested directly: none, internal,
internal then client; named internal approvers; back to the first stage on a content change;
the deadline that expires a post without its approvals."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import Membership
from notifications.models import Notification
from posts import services, workflow
from posts.content import PostContent
from posts.models import EventKind, PostState
from posts.publishing.rules import releasable_posts
from posts.workflow import Stage, WorkflowError


def _membership(user, brand):
    return Membership.objects.get(user=user, brand=brand)


@pytest.fixture
def client_brand(brand_a):
    brand_a.client_approval_required = True
    brand_a.save()
    return brand_a


def test_stages_follow_the_brand_settings(brand_a):
    assert workflow.approval_stages(brand_a) == (Stage.INTERNAL,)
    brand_a.client_approval_required = True
    assert workflow.approval_stages(brand_a) == (Stage.INTERNAL, Stage.CLIENT)
    brand_a.approval_required = False
    assert workflow.approval_stages(brand_a) == ()


def test_internal_approval_sends_the_post_to_the_client(client_brand, write_post, editor, manager):
    post = services.post_submit(post=write_post(editor), user=editor)
    post = services.post_approve(post=post, user=manager)
    assert post.state == PostState.AWAITING_CLIENT
    assert post.approved_by == manager
    assert post.approved_fingerprint == post.content.fingerprint


def test_awaiting_client_is_not_releasable(client_brand, write_post, editor, manager):
    post = services.post_submit(post=write_post(editor), user=editor)
    post = services.post_approve(post=post, user=manager)
    assert not releasable_posts(post.scheduled_at + timedelta(minutes=1)).filter(pk=post.pk).exists()


def test_plain_approve_is_refused_when_the_client_approves_too(client_brand, write_post, editor, manager):
    post = services.post_submit(post=write_post(editor), user=editor)
    with pytest.raises(WorkflowError):
        workflow.check_transition(post, "approve", _membership(manager, client_brand), manager)
    names = [t.name for t in workflow.allowed_transitions(post, _membership(manager, client_brand), manager)]
    assert "approve_for_client" in names and "approve" not in names


def test_schedule_is_not_offered_when_the_client_approves(client_brand, write_post, manager, editor):
    post = write_post(editor)
    with pytest.raises(WorkflowError):
        workflow.check_transition(post, "schedule", _membership(manager, client_brand), manager)
    assert not workflow.may_schedule(client_brand, _membership(manager, client_brand), manager, editor.pk)


def test_no_member_may_take_the_client_transitions(client_brand, write_post, editor, owner, manager):
    post = services.post_approve(post=services.post_submit(post=write_post(editor), user=editor), user=manager)
    for name in ("client_approve", "client_request_changes", "expire"):
        with pytest.raises(PermissionDenied):
            workflow.check_transition(post, name, _membership(owner, client_brand), owner)


def test_the_client_approval_releases_the_post(client_brand, write_post, editor, manager):
    post = services.post_approve(post=services.post_submit(post=write_post(editor), user=editor), user=manager)
    post = services.post_client_decide(
        post=post, reviewer_name="Claire Client", fingerprint=post.content.fingerprint, approve=True
    )
    assert post.state == PostState.APPROVED
    assert post.approved_by == manager  # the internal approver stays named
    event = post.events.get(kind=EventKind.CLIENT_APPROVED)
    assert event.details == {"client_reviewer": "Claire Client"} and event.actor is None
    assert releasable_posts(post.scheduled_at + timedelta(minutes=1)).filter(pk=post.pk).exists()


def test_a_client_decision_on_changed_content_is_refused(client_brand, write_post, editor, manager):
    post = services.post_approve(post=services.post_submit(post=write_post(editor), user=editor), user=manager)
    shown = post.content.fingerprint
    post.text = "Changed behind the client's back"
    post.save()
    with pytest.raises(services.StaleContent):
        services.post_client_decide(post=post, reviewer_name="C", fingerprint=shown, approve=True)
    post.refresh_from_db()
    assert post.state == PostState.AWAITING_CLIENT


def test_the_client_asks_for_changes_with_a_comment(client_brand, write_post, editor, manager):
    post = services.post_approve(post=services.post_submit(post=write_post(editor), user=editor), user=manager)
    fingerprint = post.content.fingerprint
    with pytest.raises(services.ValidationError):
        services.post_client_decide(post=post, reviewer_name="C", fingerprint=fingerprint, approve=False)
    post = services.post_client_decide(
        post=post, reviewer_name="C", fingerprint=fingerprint, approve=False, comment="Plus court"
    )
    assert post.state == PostState.CHANGES_REQUESTED
    assert Notification.objects.filter(user=editor, post=post, kind="changes_requested").exists()


def test_a_content_change_while_awaiting_the_client_goes_back_to_the_first_stage(
    client_brand, write_post, editor, manager, account
):
    post = services.post_approve(post=services.post_submit(post=write_post(editor), user=editor), user=manager)
    content = PostContent(text="Autre texte", accounts=[account], scheduled_at=post.scheduled_at)
    post = services.post_update(post=post, user=editor, version=post.version, content=content)
    assert post.state == PostState.IN_REVIEW
    assert post.approved_fingerprint == ""


def test_a_change_of_time_alone_keeps_the_internal_approval(client_brand, write_post, editor, manager):
    post = services.post_approve(post=services.post_submit(post=write_post(editor), user=editor), user=manager)
    post = services.post_reschedule(post=post, user=manager, scheduled_at=post.scheduled_at + timedelta(hours=2))
    assert post.state == PostState.AWAITING_CLIENT
    assert post.events.filter(kind=EventKind.RESCHEDULED).exists()


def test_named_internal_approvers_are_the_only_ones_who_approve(brand_a, write_post, editor, manager, owner):
    brand_a.internal_approvers.set([owner])
    post = services.post_submit(post=write_post(editor), user=editor)
    with pytest.raises(PermissionDenied):
        services.post_approve(post=post, user=manager)
    assert services.post_approve(post=post, user=owner).state == PostState.APPROVED


def test_a_named_approver_must_be_a_reviewer_of_the_brand(brand_a, owner, editor):
    from accounts import services as accounts_services

    with pytest.raises(services.ValidationError):
        accounts_services.brand_update(
            brand=brand_a, user=owner, name="A", time_zone="Europe/Paris", approval_required=True,
            self_approval_forbidden=True, internal_approvers=[editor],
        )  # fmt: skip


# --- deadlines -------------------------------------------------------------------------------
def test_a_post_whose_time_came_without_its_approvals_expires_once(client_brand, write_post, editor, manager):
    post = services.post_approve(post=services.post_submit(post=write_post(editor), user=editor), user=manager)
    mail.outbox.clear()
    later = post.scheduled_at + timedelta(seconds=1)
    assert services.posts_expire(now=later) == 1
    assert services.posts_expire(now=later) == 0  # idempotent: the author is told once
    post.refresh_from_db()
    assert post.state == PostState.EXPIRED
    assert not releasable_posts(later).filter(pk=post.pk).exists()
    assert Notification.objects.filter(user=editor, post=post, kind="expired").count() == 1
    assert post.events.filter(kind=EventKind.EXPIRED).count() == 1


def test_posts_not_yet_due_or_approved_do_not_expire(brand_a, write_post, editor, manager):
    waiting = services.post_submit(post=write_post(editor), user=editor)
    approved = services.post_approve(post=services.post_submit(post=write_post(editor), user=editor), user=manager)
    assert services.posts_expire(now=timezone.now()) == 0
    assert services.posts_expire(now=approved.scheduled_at + timedelta(minutes=1)) == 1
    approved.refresh_from_db()
    waiting.refresh_from_db()
    assert approved.state == PostState.APPROVED and waiting.state == PostState.EXPIRED


def test_an_expired_post_is_submitted_again_after_an_edit(brand_a, write_post, editor):
    post = services.post_submit(post=write_post(editor), user=editor)
    services.posts_expire(now=post.scheduled_at + timedelta(seconds=1))
    post.refresh_from_db()
    assert services.post_submit(post=post, user=editor).state == PostState.IN_REVIEW
