"""In Chromium, in French: the export downloaded from its page is opened back by the import with
no change — into the same brand every row is flagged as already there; into another brand, run
by a real Celery worker, it gives the same posts."""

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from calendars.models import ImportJob
from posts.models import Post
from tests.calendars.factories import CampaignFactory
from tests.factories import MembershipFactory, NetworkAccountFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def french_editor(editor):
    editor.language = "fr"
    editor.save()
    return editor


@pytest.fixture
def month(brand_a):
    """The first day of a month to come, far enough ahead that nothing is in the past."""
    return (timezone.now().astimezone(brand_a.tz).date().replace(day=1) + timedelta(days=40)).replace(day=1)


@pytest.fixture
def planned(make_post, brand_a, month):
    campaign = CampaignFactory(brand=brand_a, name="Rentrée")
    at = datetime.combine(month, datetime.min.time(), tzinfo=brand_a.tz)
    return [
        make_post(at=at.replace(hour=23, minute=30), text="Dernière minute ; « à demain » !", campaign=campaign),
        make_post(at=at.replace(day=3, hour=9), text="x;=1+2 reste du texte"),
        make_post(at=at.replace(day=4, hour=12, minute=15), text="Deux lignes\n-20 % sur tout"),
    ]


def _download_export(page, live_server, brand, month) -> Path:
    page.goto(f"{live_server.url}{reverse('calendars:export', kwargs={'brand_slug': brand.slug})}")
    start, end = page.get_by_role("textbox", name="Du"), page.get_by_role("textbox", name="Au (inclus)")
    expect(start).to_have_value(timezone.localdate().isoformat())  # a French page still fills the picker
    start.fill(month.isoformat())
    end.fill((month + timedelta(days=27)).isoformat())
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger").click()
    return Path(download.value.path())


def _check_upload(page, live_server, brand, path: Path):
    page.goto(f"{live_server.url}{reverse('calendars:import_upload', kwargs={'brand_slug': brand.slug})}")
    page.get_by_label("Fichier CSV").set_input_files(str(path))
    page.get_by_role("button", name="Vérifier le fichier").click()


def _posts(brand):
    return [
        (p.text, p.scheduled_at, p.campaign.name if p.campaign else "", [t.account.handle for t in p.targets.all()])
        for p in Post.objects.filter(brand=brand).order_by("scheduled_at")
    ]


def test_the_french_export_imported_back_is_flagged_as_already_there(
    sign_in, live_server, french_editor, brand_a, month, planned
):
    page = sign_in(french_editor)
    exported = _download_export(page, live_server, brand_a, month)
    head = exported.read_bytes()[:80].decode("utf-8")
    assert head.startswith('\ufeff"date";"heure";"texte";"comptes";"campagne";"url_media";"statut"')

    _check_upload(page, live_server, brand_a, exported)
    expect(page.get_by_text("3 lignes lues : 3 prêtes, 0 avec des problèmes.")).to_be_visible()
    expect(page.locator("#present-summary")).to_contain_text("3 lignes sont déjà dans le calendrier")
    rows = page.locator("#preview tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#preview tbody tr[data-present]")).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Déjà dans le calendrier")
    expect(rows.nth(0)).to_contain_text(f"{month:%d/%m/%Y}")
    expect(rows.nth(0)).to_contain_text("23:30")
    # The text reads as it was written, apostrophes added for spreadsheets removed.
    expect(rows.nth(1)).to_contain_text("x;=1+2 reste du texte")

    page.get_by_role("button", name="Les importer à nouveau").click()  # required box not ticked
    assert ImportJob.objects.get().status == ImportJob.Status.PREVIEW
    assert Post.objects.count() == 3
    rows.nth(0).get_by_role("link", name="Voir la publication").click()
    expect(page).to_have_url(re.compile(rf"/posts/{planned[0].pk}/$"))


@pytest.mark.worker
def test_the_french_export_imported_into_another_brand_gives_the_same_posts(
    sign_in, live_server, worker, french_editor, brand_a, brand_b, month, planned
):
    MembershipFactory(brand=brand_b, user=french_editor, role="editor")
    NetworkAccountFactory(brand=brand_b, display_name="Brand B", handle="@branda")
    CampaignFactory(brand=brand_b, name="Rentrée")
    page = sign_in(french_editor)
    exported = _download_export(page, live_server, brand_a, month)

    _check_upload(page, live_server, brand_b, exported)
    expect(page.get_by_text("3 lignes lues : 3 prêtes, 0 avec des problèmes.")).to_be_visible()
    expect(page.locator("#present-summary")).to_have_count(0)
    page.get_by_role("button", name="Importer 3 publications").click()
    expect(page.get_by_text(re.compile(r"Publications créées\s*:\s*3"))).to_be_visible(timeout=60_000)
    assert _posts(brand_b) == _posts(brand_a)

    page.get_by_role("link", name=re.compile(r"\(3 publications\)")).click()
    expect(page).to_have_url(re.compile(rf"view=dayGridMonth&date={month:%Y-%m-%d}$"))
    expect(page.locator(f'td[data-date="{month.isoformat()}"] .fc-event')).to_contain_text("Dernière minute")
