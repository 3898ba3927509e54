"""CSV in the person's language: a French export (";", French headers, day-first dates, UTF-8 with
BOM, a status in words) and a template per language, both read back by the same import; rows
already in the calendar flagged in the preview and skipped unless asked; the report's links to
the months where the posts landed."""

import csv
import io
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from calendars import csv_io, services
from calendars.models import ImportJob
from posts.models import Post, PostState
from tests.calendars.factories import CampaignFactory
from tests.factories import NetworkAccountFactory

pytestmark = pytest.mark.django_db
NEXT_YEAR = timezone.now().year + 1


@pytest.fixture
def client_in(editor):
    def _client(language: str) -> Client:
        client = Client(headers={"accept-language": language})
        client.force_login(editor)
        return client

    return _client


def _export(client, brand, start=f"{NEXT_YEAR}-03-01", end=f"{NEXT_YEAR}-04-30"):
    response = client.get(reverse("calendars:export", kwargs={"brand_slug": brand.slug}), {"start": start, "end": end})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response.content


def _upload(client, brand, content: bytes) -> ImportJob:
    url = reverse("calendars:import_upload", kwargs={"brand_slug": brand.slug})
    response = client.post(url, {"file": SimpleUploadedFile("plan.csv", content, content_type="text/csv")})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def _run(job, user, django_capture_on_commit_callbacks, **choices):
    with django_capture_on_commit_callbacks(execute=False):
        services.import_job_start(job=job, user=user, skip_bad_rows=False, **choices)
    return services.import_job_run(job_id=job.pk)


def _posts(brand):
    return [
        (
            p.text,
            p.scheduled_at,
            p.campaign.name if p.campaign else "",
            sorted(t.account.handle for t in p.targets.all()),
        )
        for p in Post.objects.filter(brand=brand).order_by("scheduled_at", "pk")
    ]


@pytest.fixture
def planned(make_post, brand_a):
    """Two posts of brand A: a draft in a campaign at 23:30 Paris time, an approved one."""
    campaign = CampaignFactory(brand=brand_a, name="Été")
    return [
        make_post(at=datetime(NEXT_YEAR, 3, 27, 23, 30, tzinfo=brand_a.tz), text="Soirée ; « fin »", campaign=campaign),
        make_post(at=datetime(NEXT_YEAR, 4, 2, 9, 5, tzinfo=brand_a.tz), text="x;=1+2", state=PostState.APPROVED),
    ]


def test_the_french_export_is_what_a_french_spreadsheet_expects(client_in, brand_a, planned):
    raw = _export(client_in("fr"), brand_a)
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: accents survive a double click
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == ["date", "heure", "texte", "comptes", "campagne", "url_media", "statut"]
    # A handle starts with "@", which a spreadsheet would take for a formula: the apostrophe
    # keeps it text (and the import removes it).
    assert rows[1] == [f"27/03/{NEXT_YEAR}", "23:30", "Soirée ; « fin »", "'@branda", "Été", "", "Brouillon"]
    assert rows[2] == [f"02/04/{NEXT_YEAR}", "09:05", "x;'=1+2", "'@branda", "", "", "Approuvée"]


def test_the_english_export_keeps_commas_and_iso_dates(client_in, brand_a, planned):
    rows = list(csv.reader(io.StringIO(_export(client_in("en"), brand_a).decode("utf-8-sig"), newline="")))
    assert rows[0] == ["date", "time", "text", "accounts", "campaign", "media_url", "status"]
    assert rows[1][:2] == [f"{NEXT_YEAR}-03-27", "23:30"] and rows[1][-1] == "Draft"


@pytest.mark.parametrize("exported_in", ["fr", "en"])
@pytest.mark.parametrize("imported_in", ["fr", "en"])
def test_an_export_imports_back_unchanged_whatever_the_languages(
    client_in, brand_a, editor, planned, django_capture_on_commit_callbacks, exported_in, imported_in
):
    raw = _export(client_in(exported_in), brand_a)
    before = _posts(brand_a)
    Post.objects.all().delete()
    job = _upload(client_in(imported_in), brand_a, raw)
    assert (job.delimiter, job.bad_row_count, job.present_row_count) == (csv_io.FORMATS[exported_in].delimiter, 0, 0)
    _run(job, editor, django_capture_on_commit_callbacks)
    assert _posts(brand_a) == before


def test_a_reimport_flags_every_row_as_already_present_and_imports_nothing_unless_asked(
    client_in, brand_a, editor, planned, django_capture_on_commit_callbacks
):
    client = client_in("fr")
    job = _upload(client, brand_a, _export(client, brand_a))
    assert job.present_row_count == 2
    assert [row["present"] for row in job.rows] == [post.pk for post in planned]

    html = client.get(reverse("calendars:import_job", kwargs={"brand_slug": brand_a.slug, "pk": job.pk})).content
    html = html.decode()
    assert "2 lignes sont déjà dans le calendrier" in html
    assert html.count("Déjà dans le calendrier") == 2
    assert reverse("posts:detail", kwargs={"brand_slug": brand_a.slug, "pk": planned[0].pk}) in html
    assert 'name="import_present" id="id_import_present" required' in html

    start = reverse("calendars:import_start", kwargs={"brand_slug": brand_a.slug, "pk": job.pk})
    refused = client.post(start, follow=True).content.decode()
    assert "Chaque ligne est déjà dans le calendrier" in refused
    assert Post.objects.count() == 2

    job = _run(job, editor, django_capture_on_commit_callbacks, import_present=True)
    assert job.created_count == 2 and Post.objects.count() == 4  # asked for: imported again


def test_rows_already_present_are_skipped_at_import_and_the_new_ones_created(
    client_in, brand_a, editor, planned, django_capture_on_commit_callbacks
):
    lines = [
        "date;heure;texte;comptes",
        f"27/03/{NEXT_YEAR};23:30;Soirée ; « fin »;@branda",  # unquoted: not the same text
        f'27/03/{NEXT_YEAR};23:30;"Soirée ; « fin »";@branda',  # the first planned post
        f"28/03/{NEXT_YEAR};10:00;Nouveau;@branda",
        f"28/03/{NEXT_YEAR};10:00;Nouveau;@branda",  # the line above, twice
    ]
    job = _upload(client_in("fr"), brand_a, "\n".join(lines).encode())
    marks = [(row["line"], row["present"], row["repeats"]) for row in job.rows if not row["problems"]]
    assert marks == [(3, planned[0].pk, None), (4, None, None), (5, None, 4)]
    assert job.bad_row_count == 1  # line 2 has five cells for four columns: its text is cut at ";"
    with django_capture_on_commit_callbacks(execute=False):
        services.import_job_start(job=job, user=editor, skip_bad_rows=True)
    job = services.import_job_run(job_id=job.pk)
    assert (job.created_count, job.skipped_count, job.failed_count) == (1, 3, 0)
    # In the language of the person who imports (the site's, French, for this editor).
    assert "cette publication est déjà dans le calendrier" in {e["line"]: e["message"] for e in job.report}[5]
    assert Post.objects.filter(text="Nouveau").count() == 1


def test_the_report_links_to_each_month_where_posts_landed(
    client_in, brand_a, editor, account, django_capture_on_commit_callbacks
):
    content = (
        f"date;heure;texte;comptes\n31/03/{NEXT_YEAR};23:30;Fin de mois;@branda\n"
        f"01/04/{NEXT_YEAR};00:30;Début;@branda\n02/04/{NEXT_YEAR};08:00;Suite;@branda\n"
    )
    client = client_in("fr")
    job = _run(_upload(client, brand_a, content.encode()), editor, django_capture_on_commit_callbacks)
    assert job.landed == {f"{NEXT_YEAR}-03": 1, f"{NEXT_YEAR}-04": 2}  # months of the brand's zone
    html = client.get(reverse("calendars:import_job", kwargs={"brand_slug": brand_a.slug, "pk": job.pk})).content
    calendar = reverse("calendars:calendar", kwargs={"brand_slug": brand_a.slug})
    assert f'href="{calendar}?view=dayGridMonth&amp;date={NEXT_YEAR}-04-01">avril {NEXT_YEAR} (2 publications)' in (
        html.decode()
    )
    assert f"mars {NEXT_YEAR} (1 publication)" in html.decode()


@pytest.mark.parametrize(
    ("language", "header"),
    [
        ("fr", '\ufeff"date";"heure";"texte";"comptes";"campagne";"url_media"\r\n'),
        ("en", '\ufeff"date","time","text","accounts","campaign","media_url"\r\n'),
    ],
)
def test_the_template_is_in_the_persons_language_and_imports_as_it_is(client_in, brand_a, account, language, header):
    response = client_in(language).get(reverse("calendars:import_template", kwargs={"brand_slug": brand_a.slug}))
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode("utf-8")
    assert text.startswith(header) and text.count("\r\n") == 2
    [row] = csv_io.parse_upload(response.content, brand=brand_a).rows
    assert row["problems"] == [] and row["values"]["accounts"] == "@branda"


def test_an_export_imported_into_another_brand_gives_the_same_posts(
    client_in, brand_a, brand_b, editor, planned, django_capture_on_commit_callbacks
):
    from tests.factories import MembershipFactory

    MembershipFactory(brand=brand_b, user=editor, role="editor")
    NetworkAccountFactory(brand=brand_b, handle="@branda", display_name="Brand B's copy")
    CampaignFactory(brand=brand_b, name="Été")
    client = client_in("fr")
    job = _upload(client, brand_b, _export(client, brand_a))
    assert (job.bad_row_count, job.present_row_count) == (0, 0)  # brand A's posts are not brand B's
    _run(job, editor, django_capture_on_commit_callbacks)
    assert _posts(brand_b) == _posts(brand_a)
