from datetime import timedelta

import pytest
from django.utils import timezone

from cm_platform.models import Heartbeat


@pytest.mark.django_db
def test_healthz_reports_dead_scheduler_with_503(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert body["beat"]["ok"] is False


@pytest.mark.django_db
def test_healthz_is_ok_when_beat_ticked_recently(client):
    Heartbeat.objects.create(name="beat", beat_at=timezone.now())
    Heartbeat.objects.create(name="dispatcher", beat_at=timezone.now())  # the engine's worker ran
    Heartbeat.objects.create(name="listening-dispatcher", beat_at=timezone.now())  # listening's dispatcher ran
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["beat"]["last_tick_age_seconds"] < 5


@pytest.mark.django_db
def test_healthz_fails_when_beat_is_older_than_three_intervals(client, settings):
    Heartbeat.objects.create(name="beat", beat_at=timezone.now() - timedelta(seconds=4 * settings.BEAT_INTERVAL))
    assert client.get("/healthz").status_code == 503
