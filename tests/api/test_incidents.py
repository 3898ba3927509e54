"""Incidents over the API: the list and one incident with its summary and timeline, read-only,
another brand's incident a 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from listening.models import Incident, IncidentAction, IncidentEvent

pytestmark = pytest.mark.django_db


def _url(name, brand, **kwargs):
    return reverse(f"api:{name}", kwargs={"brand_slug": brand.slug, **kwargs})


@pytest.fixture
def closed(brand_a, manager):
    opened = timezone.now() - timedelta(hours=3)
    incident = Incident.objects.create(
        brand=brand_a,
        title="Retards de livraison",
        words=["livraison", "retard"],
        opened_by=manager,
        opened_at=opened,
        assignee=manager,
        closed_at=timezone.now(),
        closed_by=manager,
        summary={"mentions": 42, "first_response_seconds": 900, "curve": [{"hour": "x", "mentions": 42}]},
    )
    IncidentEvent.objects.create(incident=incident, actor=manager, action=IncidentAction.OPENED, created_at=opened)
    IncidentEvent.objects.create(incident=incident, actor=manager, action=IncidentAction.CLOSED, detail="Fini")
    return incident


def test_a_member_lists_the_brands_incidents_and_reads_one_with_its_summary_and_timeline(
    api_as, brand_a, viewer, closed
):
    client = api_as(viewer)
    (listed,) = client.get(_url("incident_list", brand_a)).json()["results"]
    assert listed["id"] == closed.pk and listed["is_open"] is False and listed["words"] == ["livraison", "retard"]
    detail = client.get(_url("incident_detail", brand_a, pk=closed.pk)).json()
    assert detail["summary"]["mentions"] == 42 and detail["summary"]["first_response_seconds"] == 900
    assert [event["action"] for event in detail["timeline"]] == ["opened", "closed"]
    assert detail["timeline"][1]["detail"] == "Fini" and detail["assignee"] == closed.assignee_id


def test_incidents_are_read_only(api_as, brand_a, owner, closed):
    client = api_as(owner)
    assert client.post(_url("incident_list", brand_a), {"title": "x"}, format="json").status_code == 405
    assert client.delete(_url("incident_detail", brand_a, pk=closed.pk)).status_code == 405


def test_another_brands_incident_is_not_found(api_as, brand_a, brand_b, outsider, closed):
    client = api_as(outsider)
    assert client.get(_url("incident_detail", brand_b, pk=closed.pk)).status_code == 404
    assert client.get(_url("incident_detail", brand_a, pk=closed.pk)).status_code == 404
