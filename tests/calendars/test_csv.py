"""CSV import (encoding, separator, columns, each row's problems, preview before anything is
saved) and export (same columns, imports back as it was)."""

import time as clock
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from calendars import csv_io, services
from calendars.models import ImportJob
from posts.models import Post
from tests.calendars.factories import CampaignFactory

PARIS = ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db
NEXT_YEAR = timezone.now().year + 1


def _upload(client, brand, content: bytes, name="posts.csv"):
    url = reverse("calendars:import_upload", kwargs={"brand_slug": brand.slug})
    return client.post(url, {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def _job(response) -> ImportJob:
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_semicolon_and_windows_1252_are_detected(brand_a, account):
    text = f"date;heure;texte;comptes;campagne\n{NEXT_YEAR}-05-02;09:30;Été : café offert, à demain !;@branda;\n"
    parsed = csv_io.parse_upload(text.encode("cp1252"), brand=brand_a)
    assert (parsed.encoding, parsed.delimiter) == ("cp1252", ";")
    [row] = parsed.rows
    assert row["values"]["text"] == "Été : café offert, à demain !"
    assert row["problems"] == []


def test_utf8_with_bom_and_comma_are_detected(brand_a, account):
    text = f'date,time,text,accounts\n{NEXT_YEAR}-05-02,09:30,"Hello, world",Brand A on Mastodon\n'
    parsed = csv_io.parse_upload(b"\xef\xbb\xbf" + text.encode(), brand=brand_a)
    assert (parsed.encoding, parsed.delimiter) == ("utf-8-sig", ",")
    assert parsed.rows[0]["values"]["text"] == "Hello, world"
    assert parsed.rows[0]["problems"] == []


def test_a_missing_column_is_named_and_nothing_is_kept(client, editor, brand_a):
    client.force_login(editor)
    response = _upload(client, brand_a, b"date,text\n2030-01-01,Hello\n")
    assert response.status_code == 200
    assert "Missing columns: time, accounts" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_row_problems_unknown_account_past_date_too_long_text_and_unknown_campaign(brand_a, account):
    past = (timezone.now() - timedelta(days=2)).astimezone(PARIS)
    lines = [
        "date,time,text,accounts,campaign",
        f"{NEXT_YEAR}-05-02,09:30,Fine,@branda,",
        f"{NEXT_YEAR}-05-02,09:30,Fine,@nobody,",
        f"{past:%Y-%m-%d},{past:%H:%M},Fine,@branda,",
        f"{NEXT_YEAR}-05-02,09:30,{'x' * 501},@branda,",
        f"{NEXT_YEAR}-05-02,09:30,Fine,@branda,Nope",
        f"{NEXT_YEAR}-05-02,25:99,Fine,@branda,",
        f"{NEXT_YEAR}-03-28,02:30,Fine,@branda,",
        f"{NEXT_YEAR}-05-02,,Fine,@branda,",
    ]
    rows = csv_io.parse_upload("\n".join(lines).encode(), brand=brand_a).rows
    problems = {row["line"]: " ".join(row["problems"]) for row in rows}
    assert problems[2] == ""
    assert "Unknown network account “@nobody”" in problems[3]
    assert "is in the past" in problems[4]
    assert "the text is 501 characters long, the limit is 500" in problems[5]
    assert "Unknown campaign “Nope”" in problems[6]
    assert "Time “25:99” not understood" in problems[7]
    assert "does not exist" in problems[8]  # the spring gap in Paris
    assert "Missing value: time" in problems[9]


def test_preview_flags_the_bad_row_and_saves_no_post(client, editor, brand_a, account):
    content = f"date,time,text,accounts\n{NEXT_YEAR}-05-02,09:30,Good,@branda\n{NEXT_YEAR}-05-03,09:30,Bad,@ghost\n"
    client.force_login(editor)
    job = _job(_upload(client, brand_a, content.encode()))
    page = client.get(reverse("calendars:import_job", kwargs={"brand_slug": brand_a.slug, "pk": job.pk}))
    html = page.content.decode()
    assert '<tr class="table-danger" data-line="3">' in html
    assert "Unknown network account “@ghost”" in html
    assert "Import 1 post" in html
    assert not Post.objects.exists()


def test_starting_with_bad_rows_requires_choosing_to_skip_them(client, editor, brand_a, account):
    content = f"date,time,text,accounts\n{NEXT_YEAR}-05-02,09:30,Good,@branda\n{NEXT_YEAR}-05-03,09:30,Bad,@ghost\n"
    client.force_login(editor)
    job = _job(_upload(client, brand_a, content.encode()))
    start = reverse("calendars:import_start", kwargs={"brand_slug": brand_a.slug, "pk": job.pk})
    response = client.post(start, follow=True)
    assert "choose to skip those rows" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW


def test_ten_thousand_rows_are_previewed_paginated(client, editor, brand_a, account):
    lines = ["date;time;text;accounts"] + [
        f"{NEXT_YEAR}-06-{1 + i % 28:02d};{8 + i % 10:02d}:{i % 60:02d};Post number {i};@branda" for i in range(10_000)
    ]
    lines[5001] = f"{NEXT_YEAR}-06-01;09:00;Broken;@ghost"
    client.force_login(editor)
    began = clock.perf_counter()
    job = _job(_upload(client, brand_a, "\n".join(lines).encode()))
    elapsed = clock.perf_counter() - began
    assert (job.total, job.bad_row_count) == (10_000, 1)
    assert elapsed < 20
    url = reverse("calendars:import_job", kwargs={"brand_slug": brand_a.slug, "pk": job.pk})
    html = client.get(url).content.decode()
    assert "10000 rows read: 9999 ready, 1 with problems." in html
    assert "Page 1 of 100" in html
    problems = client.get(url, {"only": "problems"}).content.decode()
    assert 'data-line="5002"' in problems
    assert problems.count("<tr class=") == 1


def _run(job, user, skip=True):
    services.import_job_start(job=job, user=user, skip_bad_rows=skip)
    return services.import_job_run(job_id=job.pk)


def test_import_creates_good_rows_each_in_its_own_transaction_and_reports_the_rest(
    django_capture_on_commit_callbacks, editor, brand_a, account
):
    content = (
        f"date,time,text,accounts\n{NEXT_YEAR}-05-02,09:30,Good one,@branda\n"
        f"{NEXT_YEAR}-05-03,09:30,Bad,@ghost\n{NEXT_YEAR}-05-04,10:00,Good two,@branda\n"
    )
    job = services.import_job_create(
        brand=brand_a, user=editor, membership=editor.memberships.get(), file_name="a.csv", raw=content.encode()
    )
    with django_capture_on_commit_callbacks(execute=False):
        services.import_job_start(job=job, user=editor, skip_bad_rows=True)
    account.delete()  # between the preview and the run: the rows are checked again
    job = services.import_job_run(job_id=job.pk)
    assert (job.status, job.created_count, job.skipped_count, job.failed_count) == ("done", 0, 1, 2)
    assert [entry["line"] for entry in job.report] == [2, 3, 4]
    assert not Post.objects.exists()


def test_a_second_delivery_of_the_task_does_nothing(django_capture_on_commit_callbacks, editor, brand_a, account):
    content = f"date,time,text,accounts\n{NEXT_YEAR}-05-02,09:30,Once,@branda\n"
    job = services.import_job_create(
        brand=brand_a, user=editor, membership=editor.memberships.get(), file_name="a.csv", raw=content.encode()
    )
    with django_capture_on_commit_callbacks(execute=False):
        services.import_job_start(job=job, user=editor, skip_bad_rows=False)
    services.import_job_run(job_id=job.pk)
    assert services.import_job_run(job_id=job.pk) is None
    assert Post.objects.count() == 1


def test_export_round_trips_through_import(
    client, django_capture_on_commit_callbacks, editor, brand_a, account, make_post
):
    campaign = CampaignFactory(brand=brand_a, name="Été 2031")
    first = make_post(
        at=datetime(NEXT_YEAR, 3, 27, 9, 0, tzinfo=PARIS),
        text="Avant le changement d'heure ; « guillemets »",
        campaign=campaign,
    )
    second = make_post(at=datetime(NEXT_YEAR, 3, 30, 18, 45, tzinfo=PARIS), text="Line one\nline two, with a comma")
    formula = make_post(at=datetime(NEXT_YEAR, 3, 31, 8, 0, tzinfo=PARIS), text='=HYPERLINK("http://evil") is text')
    client.force_login(editor)
    response = client.get(
        reverse("calendars:export", kwargs={"brand_slug": brand_a.slug}),
        {"start": f"{NEXT_YEAR}-03-01", "end": f"{NEXT_YEAR}-03-31"},
    )
    assert response["Content-Disposition"].startswith("attachment")
    exported = response.content
    assert "'=HYPERLINK" in exported.decode("utf-8-sig")  # a spreadsheet shows it, never runs it
    originals = [
        (p.text, p.scheduled_at, p.campaign_id, [t.account_id for t in p.targets.all()])
        for p in (first, second, formula)
    ]
    Post.objects.all().delete()

    job = _job(_upload(client, brand_a, exported, name="export.csv"))
    assert job.bad_row_count == 0
    with django_capture_on_commit_callbacks(execute=False):
        services.import_job_start(job=job, user=editor, skip_bad_rows=False)
    services.import_job_run(job_id=job.pk)
    imported = [
        (p.text, p.scheduled_at, p.campaign_id, [t.account_id for t in p.targets.all()])
        for p in Post.objects.order_by("scheduled_at")
    ]
    assert imported == originals


def test_export_refuses_an_inverted_range(client, editor, brand_a):
    client.force_login(editor)
    response = client.get(
        reverse("calendars:export", kwargs={"brand_slug": brand_a.slug}), {"start": "2030-02-01", "end": "2030-01-01"}
    )
    assert response.status_code == 200
    assert "The end is before the start." in response.content.decode()


def test_a_csv_from_a_viewer_is_refused(client, viewer, brand_a):
    client.force_login(viewer)
    assert _upload(client, brand_a, b"date,time,text,accounts\n").status_code == 403
