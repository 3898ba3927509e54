"""Calendar events for a range, the crisis pause, and throttling."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import Brand
from posts.models import PostState
from publishing.pause import is_paused
from tests.api import builders as b


def test_events_are_the_calendars_for_the_range(api_as, viewer, brand_a, people):
    now = timezone.now()
    inside = b.post(brand_a, people, scheduled_at=now + timedelta(days=1))
    b.post(brand_a, people, scheduled_at=now + timedelta(days=40))
    query = {"start": now.isoformat(), "end": (now + timedelta(days=7)).isoformat()}
    response = api_as(viewer).get("/api/brands/brand-a/events/", query)
    assert response.status_code == 200, response.content
    events = response.json()
    assert [e["id"] for e in events] == [str(inside.pk)]
    assert events[0]["extendedProps"]["status"] == "draft"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2026-02-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"}, "end"),
        ({"start": "2026-01-01T00:00:00Z", "end": "2028-01-01T00:00:00Z"}, "end"),
        ({"start": "yesterday", "end": "2026-01-01T00:00:00Z"}, "start"),
        ({"end": "2026-01-01T00:00:00Z"}, "start"),
    ],
)
def test_a_bad_range_is_a_400_naming_the_field(api_as, viewer, brand_a, query, field):
    response = api_as(viewer).get("/api/brands/brand-a/events/", query)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_manager_pauses_and_resumes_a_brand(api_as, manager, brand_a, people):
    client = api_as(manager)
    paused = client.post("/api/brands/brand-a/pause/", {"reason": "Bad buzz"}, format="json")
    assert paused.status_code == 200
    assert paused.json()["paused"] is True and paused.json()["pause_reason"] == "Bad buzz"
    due = b.post(brand_a, people, state=PostState.APPROVED, scheduled_at=timezone.now() - timedelta(minutes=5))
    blocked = client.post(f"/api/brands/brand-a/posts/{due.pk}/publish-now/")
    assert blocked.status_code == 409
    resumed = client.post("/api/brands/brand-a/resume/")
    assert resumed.status_code == 200
    assert resumed.json()["brand"]["paused"] is False
    assert resumed.json()["overdue_posts"] == 1


def test_a_pause_needs_a_reason(api_as, manager, brand_a):
    response = api_as(manager).post("/api/brands/brand-a/pause/", {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    assert not is_paused(Brand.objects.get(pk=brand_a.pk))


@pytest.fixture
def low_rates(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": "2/minute"})


def test_too_many_calls_are_a_429_with_retry_after(api_as, viewer, brand_a, low_rates):
    client = api_as(viewer)
    statuses = [client.get("/api/brands/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/brands/")
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_anonymous_calls_are_throttled_too(client, db, low_rates):
    statuses = [client.get("/api/schema/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
