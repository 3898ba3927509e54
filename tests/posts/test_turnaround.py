"""Approval turnaround (posts/selectors.py): from submission to each stage's decision, per stage
and approver, and the small table that shows it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from posts import services
from posts.models import EventKind, PostEvent
from posts.selectors import approval_turnaround
from posts.workflow import Stage


def _at(post, kind, when):
    """Date the post's last event of `kind` (services stamp them now)."""
    event = PostEvent.objects.filter(post=post, kind=kind).latest("pk")
    event.created_at = when
    event.save(update_fields=["created_at"])


@pytest.fixture
def decided(write_post, editor, manager, owner):
    """Two posts approved internally after 2 and 6 hours (manager, owner), one sent back after 1."""
    start = timezone.now() - timedelta(days=2)
    for hours, approver in ((2, manager), (6, owner)):
        post = services.post_submit(post=write_post(editor), user=editor)
        services.post_approve(post=post, user=approver)
        _at(post, EventKind.SUBMITTED, start)
        _at(post, EventKind.APPROVED, start + timedelta(hours=hours))
    post = services.post_submit(post=write_post(editor), user=editor)
    services.post_request_changes(post=post, user=manager, comment="Non")
    _at(post, EventKind.SUBMITTED, start)
    _at(post, EventKind.CHANGES_REQUESTED, start + timedelta(hours=1))


def test_turnaround_per_stage_then_per_approver(brand_a, decided, manager, owner):
    rows = approval_turnaround(brand=brand_a)
    assert (rows[0].stage, rows[0].approver, rows[0].decisions) == (Stage.INTERNAL, "", 3)  # the stage first
    assert {(row.approver, row.decisions) for row in rows[1:]} == {(str(manager), 2), (str(owner), 1)}
    whole = rows[0]
    assert (whole.median_hours, whole.mean_hours, whole.longest_hours) == (2.0, 3.0, 6.0)
    by_name = {row.approver: row for row in rows}
    assert by_name[str(manager)].median_hours == 1.5


def test_the_clients_decisions_are_their_own_stage(brand_a, write_post, editor, manager):
    brand_a.client_approval_required = True
    brand_a.save()
    post = services.post_submit(post=write_post(editor), user=editor)
    post = services.post_approve(post=post, user=manager)
    services.post_client_decide(post=post, reviewer_name="Claire", fingerprint=post.content.fingerprint, approve=True)
    stages = {(row.stage, row.approver) for row in approval_turnaround(brand=brand_a)}
    assert (Stage.CLIENT, "Claire") in stages and (Stage.INTERNAL, str(manager)) in stages


def test_decisions_before_the_period_are_left_out(brand_a, decided):
    assert approval_turnaround(brand=brand_a, since=timezone.now()) == []


def test_another_brands_decisions_are_not_counted(brand_b, decided):
    assert approval_turnaround(brand=brand_b) == []


def test_the_table_shows_the_figures(client, brand_a, decided, manager):
    client.force_login(manager)
    response = client.get(reverse("posts:turnaround", args=[brand_a.slug]), {"days": "30"})
    page = response.content.decode()
    assert response.status_code == 200 and 'id="turnaround-table"' in page and "Internal approval" in page
    assert client.get(reverse("posts:turnaround", args=[brand_a.slug]), {"days": "x"}).status_code == 200
