"""The calendar speaks French to a French user: pages, JSON refusals, CSV problems, and
FullCalendar's own French locale is loaded."""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from calendars import csv_io

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_client(editor):
    editor.language = "fr"
    editor.save()
    client = Client()
    client.force_login(editor)
    return client


def test_calendar_page_is_in_french_and_loads_fullcalendars_french_locale(french_client, brand_a):
    html = french_client.get(reverse("calendars:calendar", kwargs={"brand_slug": brand_a.slug})).content.decode()
    assert "Appliquer les filtres" in html
    assert "Créneaux de publication" in html
    assert "vendor/fullcalendar/core/locales/fr.global.min.js" in html
    config = json.loads(
        re.search(r'<script id="calendar-config" type="application/json">(.*?)</script>', html).group(1)
    )
    assert config["locale"] == "fr"
    assert config["texts"]["refused"] == "La publication n’a pas été déplacée\u00a0: %(reason)s"


def test_a_refused_move_explains_itself_in_french(french_client, make_post):
    post = make_post()
    url = reverse("calendars:post_move", kwargs={"brand_slug": post.brand.slug, "pk": post.pk})
    response = french_client.post(url, {"start": (timezone.now() + timedelta(days=1)).date().isoformat() + "Tnonsense"})
    assert response.json()["error"] == "La nouvelle heure n’est pas une date et heure valide."


def test_csv_problems_are_in_french(brand_a, account):
    with translation.override("fr"):
        rows = csv_io.parse_upload(b"date;heure;texte;comptes\n2099-01-01;09:00;Salut;@inconnu\n", brand=brand_a).rows
    assert rows[0]["problems"] == ["Compte de réseau inconnu «\u00a0@inconnu\u00a0»."]
