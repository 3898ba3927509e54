"""Editing an approved post never withdraws the approval silently: the composer says so before
saving, offers no "Submit for review" that cannot work, and the answer says it happened."""

import pytest
from django.urls import reverse

from posts import services
from posts.models import PostState
from tests.posts.test_views import _form, _url

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(write_post, editor, manager):
    post = services.post_submit(post=write_post(editor, text="Tel qu’approuvé"), user=editor)
    return services.post_approve(post=post, user=manager)


def test_the_composer_of_an_approved_post_warns_before_saving(client, editor, brand_a, approved, manager):
    client.force_login(editor)
    html = client.get(_url("edit", brand_a, pk=approved.pk)).content.decode()
    assert 'id="approval-warning"' in html
    assert f"This post was approved by {manager}" in html and "withdraws the approval" in html
    assert ">Save</button>" in html and "Save draft" not in html
    assert "Submit for review" not in html  # an approved post cannot be submitted
    assert "Save and send back to review" in html  # composer.js's words once the content changes


def test_a_draft_keeps_save_draft_and_submit_and_no_warning(client, editor, brand_a, write_post):
    post = write_post(editor)
    client.force_login(editor)
    html = client.get(_url("edit", brand_a, pk=post.pk)).content.decode()
    assert "approval-warning" not in html and ">Save draft</button>" in html and "Submit for review" in html


def test_saving_a_content_change_says_the_approval_is_withdrawn(client, editor, brand_a, approved, account):
    client.force_login(editor)
    data = _form(account, text="Changé", version=approved.version)
    response = client.post(_url("edit", brand_a, pk=approved.pk), data, follow=True)
    approved.refresh_from_db()
    assert approved.state == PostState.IN_REVIEW
    assert "The content changed: the approval is withdrawn and the post is back in review." in (
        response.content.decode()
    )


def test_moving_only_the_time_keeps_the_approval_and_says_nothing_of_it(client, manager, brand_a, approved, account):
    client.force_login(manager)
    local = approved.scheduled_at.astimezone(brand_a.tz)
    data = _form(account, text=approved.text, version=approved.version, day=local.date().isoformat(), at="23:45")
    response = client.post(reverse("posts:edit", args=[brand_a.slug, approved.pk]), data, follow=True)
    approved.refresh_from_db()
    assert approved.state == PostState.APPROVED
    assert "approval is withdrawn" not in response.content.decode()
