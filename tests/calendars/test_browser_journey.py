"""A month planned from the calendar alone, in Chromium with a real Celery worker: import a CSV
(preview, skip the bad row, progress bar, report), then find the posts on the calendar."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from posts.models import Post

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_import_a_month_from_csv_then_see_it_on_the_calendar(sign_in, live_server, worker, editor, brand_a, account):
    month = (timezone.now().date().replace(day=1) + timedelta(days=40)).replace(day=1)
    csv_text = (
        "date;heure;texte;comptes\n"
        f"{month:%d/%m/%Y};09:15;Lancement de la collection;@branda\n"
        f"{month.replace(day=5):%d/%m/%Y};18:00;Jeu concours : à vos claviers !;@branda\n"
        f"{month.replace(day=6):%d/%m/%Y};12:00;Compte oublié;@personne\n"
    )
    page = sign_in(editor)
    page.goto(f"{live_server.url}{reverse('calendars:calendar', kwargs={'brand_slug': brand_a.slug})}")
    page.get_by_role("link", name="Import CSV").click()
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "plan.csv", "mimeType": "text/csv", "buffer": csv_text.encode("cp1252")}]
    )
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_text("3 rows read: 2 ready, 1 with problems.")).to_be_visible()
    expect(page.locator("tr.table-danger")).to_contain_text("Unknown network account “@personne”")
    assert not Post.objects.exists()  # nothing saved before confirming
    page.get_by_label(re.compile("Skip the 1 row")).check()
    page.get_by_role("button", name="Import 2 posts").click()

    expect(page.get_by_role("progressbar", name="Import progress")).to_be_visible()
    expect(page.get_by_text("2 posts created, 1 rows skipped, 0 rows refused.")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("progressbar", name="Import progress")).to_have_attribute("aria-valuenow", "100")

    # The report links to the month where the posts landed.
    page.get_by_role("link", name=f"{month:%B %Y} (2 posts)").click()
    expect(page).to_have_url(re.compile(rf"\?view=dayGridMonth&date={month.isoformat()}$"))
    first = page.locator(f'td[data-date="{month.isoformat()}"] .fc-event')
    expect(first).to_contain_text("Lancement de la collection")
    expect(first).to_contain_text("09:15")
    expect(page.locator(f'td[data-date="{month.replace(day=5).isoformat()}"] .fc-event')).to_contain_text(
        "à vos claviers"
    )
    launch = Post.objects.get(text="Lancement de la collection")
    assert launch.scheduled_at.astimezone(brand_a.tz).date() == month
