"""posts/content.py: one PostContent, the same whichever door it came in by, and the workflow's
actions named once (posts.workflow.Action)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from api.serializers.posts import PostWriteSerializer
from posts import services
from posts.content import PostContent
from posts.forms import PostForm
from posts.models import Post, PostState
from posts.workflow import Action

pytestmark = pytest.mark.django_db


def test_content_is_normalised_once(account, second_account):
    content = PostContent(
        text="  Bonjour  ",
        accounts=[account, account, second_account],
        target_texts={str(account.pk): "  Court ", second_account.pk: "   "},
    )
    assert content.text == "Bonjour"
    assert content.accounts == (account, second_account)
    assert dict(content.target_texts) == {account.pk: "Court"}
    assert content.text_for(account) == "Court" and content.text_for(second_account) == "Bonjour"


def test_per_network_texts_of_accounts_not_chosen_are_dropped(account, second_account):
    content = PostContent(text="Bonjour", accounts=[account], target_texts={second_account.pk: "Ailleurs"})
    assert dict(content.target_texts) == {}


def test_a_post_gives_back_the_content_it_was_created_with(write_post, editor, account, second_account):
    post = write_post(editor, accounts=[account, second_account], target_texts={second_account.pk: "Court"})
    stored = Post.objects.get(pk=post.pk).content
    assert stored.text == "Bonjour le monde"
    assert set(stored.accounts) == {account, second_account}
    assert dict(stored.target_texts) == {second_account.pk: "Court"}
    assert stored.scheduled_at == post.scheduled_at


def test_the_form_and_the_api_make_the_same_content(brand_a, account, second_account, tomorrow):
    local = tomorrow.astimezone(brand_a.tz)
    form = PostForm(
        {
            "text": "Bonjour",
            "accounts": [account.pk, second_account.pk],
            f"target_{second_account.pk}": "Court",
            "day": local.date().isoformat(),
            "at": local.strftime("%H:%M"),
        },
        brand=brand_a,
    )
    assert form.is_valid(), form.errors
    serializer = PostWriteSerializer(
        data={
            "text": "Bonjour",
            "targets": [{"account": account.pk}, {"account": second_account.pk, "text": "Court"}],
            "scheduled_at": tomorrow.isoformat(),
        },
        context={"brand": brand_a},
    )
    assert serializer.is_valid(), serializer.errors
    assert form.content() == serializer.content()
    assert form.content().fingerprint == serializer.content().fingerprint


def test_an_approval_is_bound_to_the_posts_content(write_post, editor, manager):
    post = services.post_submit(post=write_post(editor), user=editor)
    post = services.post_approve(post=post, user=manager)
    assert post.approved_fingerprint == Post.objects.get(pk=post.pk).content.fingerprint


def test_scheduling_with_a_time_moves_then_approves_in_one_service(write_post, editor, manager, tomorrow):
    later = tomorrow + timedelta(days=1)
    post = services.post_schedule(post=write_post(editor), user=manager, scheduled_at=later)
    assert (post.state, post.scheduled_at) == (PostState.APPROVED, later)


def test_scheduling_now_gives_a_post_without_time_the_current_minute(write_post, editor, manager):
    post = services.post_schedule_now(post=write_post(editor, scheduled_at=None), user=manager)
    assert post.state == PostState.APPROVED
    assert timezone.now() - post.scheduled_at < timedelta(minutes=1)


def test_every_members_action_says_what_it_did():
    for action in Action:
        if action.perm is not None:
            assert action.done_message, action


@pytest.mark.parametrize("action", [a for a in Action if a.perm is None])
def test_no_member_takes_the_clients_or_the_deadlines_action_from_a_page(client, owner, brand_a, write_post, action):
    post = write_post(owner)
    client.force_login(owner)
    url = reverse("posts:transition", kwargs={"brand_slug": brand_a.slug, "pk": post.pk, "action": action})
    assert client.post(url).status_code == 404
    assert Post.objects.get(pk=post.pk).state == PostState.DRAFT
