"""Drag and drop: the calendar asks, posts.services.post_reschedule judges."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from posts.models import EventKind, PostState, TargetState

pytestmark = pytest.mark.django_db


def _move(client, post, start):
    url = reverse("calendars:post_move", kwargs={"brand_slug": post.brand.slug, "pk": post.pk})
    return client.post(url, {"start": start.isoformat()})


def test_editor_moves_a_draft_and_the_move_is_recorded(client, editor, make_post):
    post = make_post()
    new_time = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    client.force_login(editor)
    response = _move(client, post, new_time)
    assert response.status_code == 200, response.content
    post.refresh_from_db()
    assert post.scheduled_at == new_time
    assert post.events.filter(kind=EventKind.RESCHEDULED, scheduled_after=new_time).exists()


def test_moving_an_approved_post_keeps_its_approval(client, manager, make_post):
    post = make_post(state=PostState.APPROVED, approved_by=manager, approved_at=timezone.now())
    client.force_login(manager)
    assert _move(client, post, timezone.now() + timedelta(days=5)).status_code == 200
    post.refresh_from_db()
    assert post.state == PostState.APPROVED
    assert post.approved_by == manager


def test_editor_cannot_move_an_approved_post_of_a_brand_needing_approval(client, editor, make_post):
    post = make_post(state=PostState.APPROVED)
    before = post.scheduled_at
    client.force_login(editor)
    response = _move(client, post, timezone.now() + timedelta(days=5))
    assert response.status_code == 403
    assert response.json()["error"]
    post.refresh_from_db()
    assert post.scheduled_at == before


def test_a_published_post_cannot_move(client, manager, make_post):
    post = make_post()
    post.targets.update(state=TargetState.PUBLISHED)
    before = post.scheduled_at
    client.force_login(manager)
    response = _move(client, post, timezone.now() + timedelta(days=5))
    assert response.status_code == 409
    assert "published" in response.json()["error"]
    post.refresh_from_db()
    assert post.scheduled_at == before


def test_the_past_is_refused(client, editor, make_post):
    post = make_post()
    client.force_login(editor)
    response = _move(client, post, timezone.now() - timedelta(hours=2))
    assert response.status_code == 400
    assert "past" in response.json()["error"]


def test_a_viewer_cannot_drag(client, viewer, make_post):
    post = make_post()
    before = post.scheduled_at
    client.force_login(viewer)
    response = _move(client, post, timezone.now() + timedelta(days=5))
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.scheduled_at == before


def test_another_brands_post_is_404(client, outsider, make_post):
    post = make_post()
    client.force_login(outsider)
    assert _move(client, post, timezone.now() + timedelta(days=5)).status_code == 404


def test_a_time_without_offset_is_the_brands_wall_time(client, editor, make_post, brand_a):
    post = make_post()
    client.force_login(editor)
    local = (
        (timezone.now() + timedelta(days=4)).astimezone(brand_a.tz).replace(hour=9, minute=0, second=0, microsecond=0)
    )
    url = reverse("calendars:post_move", kwargs={"brand_slug": brand_a.slug, "pk": post.pk})
    assert client.post(url, {"start": local.strftime("%Y-%m-%dT%H:%M:%S")}).status_code == 200
    post.refresh_from_db()
    assert post.scheduled_at == local


def test_garbage_time_is_a_clear_400(client, editor, make_post):
    post = make_post()
    client.force_login(editor)
    url = reverse("calendars:post_move", kwargs={"brand_slug": post.brand.slug, "pk": post.pk})
    response = client.post(url, {"start": "next tuesday"})
    assert response.status_code == 400
    assert response.json()["error"]


def test_get_is_not_allowed(client, editor, make_post):
    post = make_post()
    client.force_login(editor)
    url = reverse("calendars:post_move", kwargs={"brand_slug": post.brand.slug, "pk": post.pk})
    assert client.get(url).status_code == 405
