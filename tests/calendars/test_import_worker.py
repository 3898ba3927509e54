"""The CSV import runs in a real Celery worker process (never eager mode): the page's progress
endpoint follows it to the end and the report counts what was created, skipped and refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from calendars.models import ImportJob
from posts.models import Post
from tests.publishing.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_import_runs_in_the_background_with_progress_and_a_report(client, worker, editor, brand_a, account):
    year = timezone.now().year + 1
    lines = ["date;time;text;accounts"]
    lines += [f"{year}-05-{1 + i % 28:02d};09:{i % 60:02d};Post {i};@branda" for i in range(250)]
    lines.append(f"{year}-05-02;10:00;Nobody;@ghost")
    client.force_login(editor)
    upload = SimpleUploadedFile("plan.csv", "\n".join(lines).encode("cp1252"), content_type="text/csv")
    response = client.post(reverse("calendars:import_upload", kwargs={"brand_slug": brand_a.slug}), {"file": upload})
    job = ImportJob.objects.get()
    assert response["Location"].endswith(f"/import/{job.pk}/")
    assert not Post.objects.exists()

    start = reverse("calendars:import_start", kwargs={"brand_slug": brand_a.slug, "pk": job.pk})
    client.post(start, {"skip_bad_rows": "on"})
    progress_url = reverse("calendars:import_progress", kwargs={"brand_slug": brand_a.slug, "pk": job.pk})
    seen = []

    def finished():
        data = client.get(progress_url).json()
        seen.append(data["processed"])
        return data if data["finished"] else None

    final = wait_for(finished, timeout=90, interval=0.3, message=worker.log("worker")[-3000:])
    assert (final["status"], final["percent"]) == ("done", 100)
    assert (final["created"], final["skipped"], final["failed"]) == (250, 1, 0)
    assert seen == sorted(seen)
    assert Post.objects.filter(brand=brand_a).count() == 250
    page = client.get(reverse("calendars:import_job", kwargs={"brand_slug": brand_a.slug, "pk": job.pk}))
    assert "250 posts created, 1 rows skipped, 0 rows refused." in page.content.decode()
    assert "Unknown network account “@ghost”" in page.content.decode()
