"""A network is named as people know it ("Web feed", "Fake network"), never by its slug, wherever an
account is labelled: filters, choices, messages."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.calendars.factories import PostingSlotFactory
from tests.factories import NetworkAccountFactory

pytestmark = pytest.mark.django_db


def test_an_account_reads_with_its_networks_name(brand_a):
    account = NetworkAccountFactory(brand=brand_a, network="webfeed", display_name="Actualités")
    assert str(account) == "Actualités (Web feed)"


def test_the_calendar_filter_and_the_slots_name_networks_not_slugs(editor, brand_a):
    account = NetworkAccountFactory(brand=brand_a, network="webfeed", display_name="Actualités")
    PostingSlotFactory(account=account)
    client = Client(headers={"accept-language": "en"})
    client.force_login(editor)
    calendar = client.get(reverse("calendars:calendar", kwargs={"brand_slug": brand_a.slug})).content.decode()
    assert f'<option value="{account.pk}">Actualités (Web feed)</option>' in calendar
    slots = client.get(reverse("calendars:slots", kwargs={"brand_slug": brand_a.slug})).content.decode()
    assert "(Web feed)" in slots and "(webfeed)" not in slots + calendar
