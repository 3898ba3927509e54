"""Posts through the API: the posts services' rules, answered as JSON with the right status."""

from datetime import timedelta

import pytest
from django.utils import timezone

from posts.models import Post, PostState, TargetState
from tests.api import builders as b
from tests.factories import NetworkAccountFactory


@pytest.fixture
def account(brand_a):
    return NetworkAccountFactory(brand=brand_a, display_name="Brand A news")


def _posts_url(brand_slug="brand-a"):
    return f"/api/brands/{brand_slug}/posts/"


def _post_url(post, action=""):
    return f"/api/brands/{post.brand.slug}/posts/{post.pk}/{action}"


def test_editor_creates_a_post_with_a_text_per_network(api_as, editor, account, brand_a):
    other = NetworkAccountFactory(brand=brand_a, display_name="Other")
    body = {
        "text": "Nouvelle collection.",
        "targets": [{"account": account.pk, "text": "Version courte."}, {"account": other.pk}],
        "scheduled_at": b.soon(),
    }
    response = api_as(editor).post(_posts_url(), body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "draft" and data["status"] == "draft" and data["version"] == 1
    texts = {t["account"]: (t["text"], t["state"]) for t in data["targets"]}
    assert texts == {account.pk: ("Version courte.", "pending"), other.pk: ("", "pending")}
    assert Post.objects.get(pk=data["id"]).author == editor


def test_a_text_too_long_for_a_network_is_a_400_naming_it(api_as, editor, account):
    body = {"text": "x" * 501, "targets": [{"account": account.pk}]}
    response = api_as(editor).post(_posts_url(), body, format="json")
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "invalid"
    assert "Fake network" in " ".join(error["errors"]["text"])
    assert not Post.objects.exists()


def test_another_brands_account_cannot_be_used(api_as, editor, account, brand_b):
    foreign = NetworkAccountFactory(brand=brand_b)
    response = api_as(editor).post(_posts_url(), {"text": "Hi", "targets": [{"account": foreign.pk}]}, format="json")
    assert response.status_code == 400
    assert "account" in response.json()["errors"]["targets"]["0"]
    assert not Post.objects.exists()


def test_a_time_in_the_past_is_refused(api_as, editor, account):
    past = (timezone.now() - timedelta(days=1)).isoformat()
    body = {"text": "Hi", "targets": [{"account": account.pk}], "scheduled_at": past}
    response = api_as(editor).post(_posts_url(), body, format="json")
    assert response.status_code == 400 and "scheduled_at" in response.json()["errors"]


def test_an_edit_from_a_stale_version_is_a_409_and_changes_nothing(api_as, editor, manager, brand_a, people):
    post = b.post(brand_a, people)
    assert api_as(manager).patch(_post_url(post), {"version": 1, "text": "First"}, format="json").status_code == 200
    response = api_as(editor).patch(_post_url(post), {"version": 1, "text": "Second"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    post.refresh_from_db()
    assert (post.text, post.version) == ("First", 2)


def test_patch_keeps_what_it_does_not_name(api_as, editor, brand_a, people):
    post = b.post(brand_a, people)
    response = api_as(editor).patch(_post_url(post), {"version": 1, "text": "Texte revu."}, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["text"] == "Texte revu." and data["version"] == 2
    assert [t["account"] for t in data["targets"]] == [b.account(brand_a).pk]
    assert data["scheduled_at"] is not None


def test_put_needs_the_version(api_as, editor, brand_a, people):
    post = b.post(brand_a, people)
    response = api_as(editor).put(_post_url(post), {"text": "Sans version"}, format="json")
    assert response.status_code == 400 and "version" in response.json()["errors"]


def test_approving_a_draft_is_a_409(api_as, manager, brand_a, people):
    post = b.post(brand_a, people)
    response = api_as(manager).post(_post_url(post, "approve/"))
    assert response.status_code == 409
    assert response.json()["code"] == "workflow"


def test_a_manager_may_not_approve_their_own_post(api_as, manager, brand_a, people):
    post = b.post(brand_a, people, state=PostState.IN_REVIEW)
    post.author = manager
    post.save()
    response = api_as(manager).post(_post_url(post, "approve/"))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_submit_then_approve_then_changes_are_requested_only_from_review(api_as, editor, manager, brand_a, people):
    post = b.post(brand_a, people)
    assert api_as(editor).post(_post_url(post, "submit/")).json()["state"] == "in_review"
    approved = api_as(manager).post(_post_url(post, "approve/")).json()
    assert approved["state"] == "approved" and approved["approved_by"] == str(manager)
    late = api_as(manager).post(_post_url(post, "request-changes/"), {"comment": "Trop tard"}, format="json")
    assert late.status_code == 409


def test_request_changes_needs_a_comment(api_as, manager, brand_a, people):
    post = b.post(brand_a, people, state=PostState.IN_REVIEW)
    response = api_as(manager).post(_post_url(post, "request-changes/"), {"comment": " "}, format="json")
    assert response.status_code == 400 and "comment" in response.json()["errors"]
    post.refresh_from_db()
    assert post.state == PostState.IN_REVIEW


def test_schedule_moves_and_approves_in_one_step_or_not_at_all(api_as, manager, editor, brand_a, people):
    post = b.post(brand_a, people, state=PostState.IN_REVIEW)
    when = timezone.now().replace(microsecond=0) + timedelta(days=3)
    refused = api_as(editor).post(_post_url(post, "schedule/"), {"scheduled_at": when.isoformat()}, format="json")
    assert refused.status_code == 403
    post.refresh_from_db()
    assert post.scheduled_at != when, "the move must be rolled back with the refused approval"
    response = api_as(manager).post(_post_url(post, "schedule/"), {"scheduled_at": when.isoformat()}, format="json")
    assert response.status_code == 200
    post.refresh_from_db()
    assert (post.state, post.scheduled_at) == (PostState.APPROVED, when)


def test_unschedule_and_reschedule(api_as, editor, brand_a, people):
    post = b.post(brand_a, people)
    assert api_as(editor).post(_post_url(post, "unschedule/")).json()["scheduled_at"] is None
    response = api_as(editor).post(_post_url(post, "reschedule/"), {"scheduled_at": b.soon(5)}, format="json")
    assert response.status_code == 200 and response.json()["scheduled_at"] is not None


def test_publish_now_needs_an_approved_post(api_as, manager, brand_a, people):
    draft = b.post(brand_a, people)
    assert api_as(manager).post(_post_url(draft, "publish-now/")).status_code == 409
    approved = b.post(brand_a, people, state=PostState.APPROVED, scheduled_at=timezone.now() + timedelta(days=2))
    response = api_as(manager).post(_post_url(approved, "publish-now/"))
    assert response.status_code == 200
    approved.refresh_from_db()
    assert approved.scheduled_at <= timezone.now()


def test_a_published_post_cannot_be_deleted(api_as, manager, brand_a, people):
    post = b.post(brand_a, people, state=PostState.APPROVED)
    post.targets.update(state=TargetState.PUBLISHED, remote_url="https://example.com/1")
    response = api_as(manager).delete(_post_url(post))
    assert response.status_code == 409
    assert Post.objects.filter(pk=post.pk).exists()


def test_targets_show_their_delivery(api_as, viewer, brand_a, people):
    post = b.post(brand_a, people, state=PostState.APPROVED)
    post.targets.update(state=TargetState.FAILED, last_error="Fake network: refused.", attempts=3)
    data = api_as(viewer).get(_post_url(post)).json()
    assert data["status"] == "failed"
    assert data["targets"][0] | {"id": 0} == data["targets"][0] | {
        "id": 0,
        "state": "failed",
        "attempts": 3,
        "last_error": "Fake network: refused.",
        "network": "fake",
    }


def test_comments_are_listed_and_added(api_as, viewer, brand_a, people):
    post = b.post(brand_a, people)
    created = api_as(viewer).post(_post_url(post, "comments/"), {"text": "Joli !"}, format="json")
    assert created.status_code == 201 and created.json()["author"] == str(viewer)
    assert [c["text"] for c in api_as(viewer).get(_post_url(post, "comments/")).json()["results"]] == ["Joli !"]
    empty = api_as(viewer).post(_post_url(post, "comments/"), {"text": ""}, format="json")
    assert empty.status_code == 400 and "text" in empty.json()["errors"]


# --- listing -----------------------------------------------------------------------------------
def test_the_list_filters_by_status_time_account_and_campaign(api_as, viewer, brand_a, people):
    from posts.models import Campaign

    campaign = Campaign.objects.create(brand=brand_a, name="Soldes")
    now = timezone.now()
    early = b.post(brand_a, people, scheduled_at=now + timedelta(days=1), campaign=campaign)
    late = b.post(brand_a, people, scheduled_at=now + timedelta(days=10), state=PostState.IN_REVIEW)
    other_account = NetworkAccountFactory(brand=brand_a, display_name="Zz other")
    late.targets.update(account=other_account)
    failed = b.post(brand_a, people, scheduled_at=now + timedelta(days=5), state=PostState.APPROVED)
    failed.targets.update(state=TargetState.FAILED)
    client = api_as(viewer)

    def ids(**query):
        response = client.get(_posts_url(), query)
        assert response.status_code == 200, response.content
        return [p["id"] for p in response.json()["results"]]

    unscheduled = b.post(brand_a, people, scheduled_at=None)
    assert ids() == [early.pk, failed.pk, late.pk, unscheduled.pk]
    assert ids(unscheduled="true") == [unscheduled.pk]
    assert ids(status="failed") == [failed.pk]
    assert ids(state="in_review") == [late.pk]
    assert ids(scheduled_after=(now + timedelta(days=2)).isoformat()) == [failed.pk, late.pk]
    assert ids(scheduled_before=(now + timedelta(days=2)).isoformat()) == [early.pk]
    assert ids(account=other_account.pk) == [late.pk]
    assert ids(campaign=campaign.pk) == [early.pk]


def test_a_bad_filter_is_a_400_naming_it(api_as, viewer, brand_a):
    response = api_as(viewer).get(_posts_url(), {"status": "lost", "account": "abc"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "account"}


def test_the_list_is_paginated(api_as, viewer, brand_a, people):
    for _ in range(3):
        b.post(brand_a, people)
    page = api_as(viewer).get(_posts_url(), {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert len(api_as(viewer).get(page["next"]).json()["results"]) == 1


def test_another_brands_post_is_a_404_even_under_ones_own_brand(api_as, outsider, brand_a, brand_b, people):
    post = b.post(brand_a, people)
    response = api_as(outsider).get(f"/api/brands/brand-b/posts/{post.pk}/")
    assert response.status_code == 404
