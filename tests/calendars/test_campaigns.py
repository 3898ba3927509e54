"""Campaigns: name, colour, dates, description; a band on the calendar; posts belong to one."""

from datetime import date

import pytest
from django.urls import reverse

from posts.models import Campaign
from tests.calendars.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_editor_creates_and_edits_a_campaign(client, editor, brand_a):
    client.force_login(editor)
    create = reverse("calendars:campaign_create", kwargs={"brand_slug": brand_a.slug})
    data = {
        "name": "Soldes d'hiver",
        "colour": "#aa3300",
        "starts_on": "2030-01-08",
        "ends_on": "2030-02-04",
        "description": "Winter sale",
    }
    response = client.post(create, data, follow=True)
    campaign = Campaign.objects.get(brand=brand_a)
    assert (campaign.name, campaign.colour, campaign.starts_on, campaign.ends_on) == (
        "Soldes d'hiver",
        "#aa3300",
        date(2030, 1, 8),
        date(2030, 2, 4),
    )
    assert "Campaign “Soldes d&#x27;hiver” saved." in response.content.decode()
    edit = reverse("calendars:campaign_edit", kwargs={"brand_slug": brand_a.slug, "pk": campaign.pk})
    client.post(edit, {**data, "name": "Winter sale"})
    campaign.refresh_from_db()
    assert campaign.name == "Winter sale"


def test_a_campaign_ending_before_it_starts_is_refused(client, editor, brand_a):
    client.force_login(editor)
    create = reverse("calendars:campaign_create", kwargs={"brand_slug": brand_a.slug})
    response = client.post(
        create, {"name": "Backwards", "colour": "#000000", "starts_on": "2030-02-01", "ends_on": "2030-01-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"] == ["The campaign ends before it starts."]
    assert not Campaign.objects.exists()


def test_a_bad_colour_is_refused(client, editor, brand_a):
    client.force_login(editor)
    create = reverse("calendars:campaign_create", kwargs={"brand_slug": brand_a.slug})
    response = client.post(create, {"name": "Red", "colour": "red"})
    assert "colour" in response.context["form"].errors
    assert not Campaign.objects.exists()


def test_deleting_a_campaign_keeps_its_posts(client, editor, brand_a, make_post):
    campaign = CampaignFactory(brand=brand_a)
    post = make_post(campaign=campaign)
    client.force_login(editor)
    client.post(reverse("calendars:campaign_delete", kwargs={"brand_slug": brand_a.slug, "pk": campaign.pk}))
    post.refresh_from_db()
    assert post.campaign is None
    assert not Campaign.objects.exists()


def test_another_brands_campaign_is_404(client, editor, brand_b):
    campaign = CampaignFactory(brand=brand_b)
    client.force_login(editor)
    url = reverse("calendars:campaign_edit", kwargs={"brand_slug": "brand-a", "pk": campaign.pk})
    assert client.get(url).status_code == 404
