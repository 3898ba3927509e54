"""/healthz also watches the engine: the dispatcher a worker runs, and due posts draining."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cm_platform.models import Heartbeat
from tests.publishing.conftest import approved_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def alive(db):
    for name in ("beat", "dispatcher", "listening-dispatcher"):
        Heartbeat.objects.create(name=name, beat_at=timezone.now())


def test_healthz_fails_when_the_dispatcher_stopped_for_three_intervals(client, alive, settings):
    stopped_at = timezone.now() - timedelta(seconds=4 * settings.BEAT_INTERVAL)
    Heartbeat.objects.filter(name="dispatcher").update(beat_at=stopped_at)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["dispatcher"]["ok"] is False


def test_healthz_fails_when_due_posts_are_not_draining(client, alive, brand_a, fake_account):
    approved_post(brand_a, [fake_account], at=timezone.now() - timedelta(seconds=90))
    Heartbeat.objects.create(name="publish", beat_at=timezone.now() - timedelta(seconds=120))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["queue"]["ok"] is False


def test_healthz_is_ok_while_the_queue_drains(client, alive, brand_a, fake_account):
    approved_post(brand_a, [fake_account], at=timezone.now() - timedelta(seconds=90))
    Heartbeat.objects.create(name="publish", beat_at=timezone.now())
    assert client.get("/healthz").status_code == 200


def test_posts_waiting_for_their_networks_reset_are_not_a_stall(client, alive, brand_a, fake_account):
    from networks import budget

    approved_post(brand_a, [fake_account], at=timezone.now() - timedelta(seconds=90))
    Heartbeat.objects.create(name="publish", beat_at=timezone.now() - timedelta(seconds=120))
    budget.pause(fake_account, timezone.now() + timedelta(minutes=10))  # a 429 said so
    assert client.get("/healthz").status_code == 200
