"""Two approvals (posts/workflow.py: approvals_needed, approval_completes): a campaign's posts or a
brand's crisis statements need two distinct people at the internal stage."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from calendars.models import Campaign
from posts import services, workflow
from posts.content import PostContent
from posts.models import EventKind, Post, PostState, StageApproval
from posts.workflow import WorkflowError
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def second_manager(brand_a):
    return MembershipFactory(
        brand=brand_a, role=Role.MANAGER, user=UserFactory(email="manager2@a.example", language="en")
    ).user


@pytest.fixture
def campaign(brand_a):
    return Campaign.objects.create(brand=brand_a, name="Lancement", two_approvals=True)


@pytest.fixture
def submitted(write_post, editor, campaign):
    return services.post_submit(post=write_post(editor, campaign=campaign), user=editor)


def test_one_approval_is_enough_outside_such_campaigns(brand_a, campaign):
    assert workflow.approvals_needed(brand_a) == 1
    assert workflow.approvals_needed(brand_a, campaign=Campaign(brand=brand_a, name="x")) == 1
    assert workflow.approvals_needed(brand_a, campaign=campaign) == 2


def test_crisis_statements_need_two_when_the_brand_says_so(brand_a):
    assert workflow.approvals_needed(brand_a, crisis_statement=True) == 1
    brand_a.two_approvals_for_statements = True
    assert workflow.approvals_needed(brand_a, crisis_statement=True) == 2
    assert workflow.approvals_needed(brand_a) == 1  # ordinary posts: one


def test_the_same_person_never_counts_twice(manager, second_manager):
    assert not workflow.approval_completes(needed=2, earlier=[], user=manager)
    with pytest.raises(WorkflowError):
        workflow.approval_completes(needed=2, earlier=[manager.pk], user=manager)
    assert workflow.approval_completes(needed=2, earlier=[manager.pk], user=second_manager)


def test_the_first_approval_keeps_the_post_in_review_and_the_second_approves_it(submitted, manager, second_manager):
    post = services.post_approve(post=submitted, user=manager)
    assert post.state == PostState.IN_REVIEW
    assert list(StageApproval.objects.filter(post=post).values_list("user", flat=True)) == [manager.pk]
    with pytest.raises(WorkflowError):
        services.post_approve(post=post, user=manager)
    post = services.post_approve(post=post, user=second_manager)
    assert post.state == PostState.APPROVED and post.approved_by == second_manager
    assert not StageApproval.objects.filter(post=post).exists()
    approvals = post.events.filter(kind=EventKind.APPROVED).order_by("pk")
    assert [e.actor for e in approvals] == [manager, second_manager]


def test_an_edit_between_the_two_approvals_voids_the_first(submitted, editor, manager, second_manager, account):
    post = services.post_approve(post=submitted, user=manager)
    content = PostContent(
        text="Autre texte", accounts=[account], campaign=post.campaign, scheduled_at=post.scheduled_at
    )
    post = services.post_update(post=post, user=editor, version=post.version, content=content)
    post = services.post_approve(post=post, user=second_manager)
    assert post.state == PostState.IN_REVIEW  # the first approval was of another text
    assert list(StageApproval.objects.filter(post=post).values_list("user", flat=True)) == [second_manager.pk]


def test_changes_requested_start_the_count_again(submitted, editor, manager, second_manager):
    post = services.post_approve(post=submitted, user=manager)
    post = services.post_request_changes(post=post, user=second_manager, comment="Le lien manque")
    post = services.post_submit(post=post, user=editor)
    post = services.post_approve(post=post, user=second_manager)
    assert post.state == PostState.IN_REVIEW


def test_scheduling_from_the_composer_cannot_skip_the_second_approval(write_post, manager, campaign):
    post = write_post(manager, campaign=campaign)
    with pytest.raises(WorkflowError):
        services.post_schedule(post=post, user=manager)


def test_the_other_approvers_are_asked_for_the_second_approval(submitted, manager, second_manager):
    services.post_approve(post=submitted, user=manager)
    asked = second_manager.notifications.get()
    assert "second approval" in asked.message
    assert not manager.notifications.filter(message__contains="second approval").exists()


def test_the_first_approver_no_longer_sees_it_waiting_for_them_but_the_other_does(
    client, brand_a, submitted, manager, second_manager
):
    services.post_approve(post=submitted, user=manager)
    mine = Post.objects.filter(workflow.approvable_by(manager, manager.memberships.all()))
    theirs = Post.objects.filter(workflow.approvable_by(second_manager, second_manager.memberships.all()))
    assert not mine.exists() and list(theirs) == [submitted]
    client.force_login(second_manager)
    page = client.get(reverse("posts:review", args=[brand_a.slug])).content.decode()
    assert "a second approval by someone else is needed" in page


def test_only_owners_mark_a_campaign_for_two_approvals(client, brand_a, owner, editor):
    url = reverse("calendars:campaign_create", args=[brand_a.slug])
    data = {"name": "Rentrée", "colour": "#112233", "two_approvals": "on"}
    client.force_login(editor)
    assert "two_approvals" not in client.get(url).content.decode()
    client.post(url, data)
    assert not Campaign.objects.get(name="Rentrée").two_approvals
    client.force_login(owner)
    client.post(url, {**data, "name": "Noël"})
    assert Campaign.objects.get(name="Noël").two_approvals


def test_the_post_page_says_the_first_approval_is_kept(client, brand_a, submitted, manager):
    client.force_login(manager)
    url = reverse("posts:transition", args=[brand_a.slug, submitted.pk, "approve"])
    page = client.post(url, follow=True).content.decode()
    assert "Your approval is kept: a second approval by someone else is needed." in page
