"""Reports: the PDF's text read back (numbers, French words, "non disponible" where no network
gave a number, never 0), the CSV, share links and scheduled emails sent once per period."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from analytics.models import ReportSchedule
from analytics.reports import reports_send_due, share_link_create
from analytics.selectors import Filters
from analytics.services import metrics_dispatch, posts_collect
from tests.analytics.conftest import give, published

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
MARCH_FILTERS = Filters(start=date(2026, 3, 1), end=date(2026, 3, 31))


def pdf_text(content: bytes) -> str:
    import io

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def march(fake_account):
    at = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    target = published(fake_account, at=at)
    give(fake_account, target, likes=41, reposts=3, replies=2)  # no views, no reach
    for claim in metrics_dispatch(now=at + timedelta(hours=1)):
        if not claim.followers:
            posts_collect(account_id=claim.account_id, claim_id=claim.claim_id, now=at + timedelta(hours=1))
    return target


@pytest.mark.django_db
def test_the_french_pdf_holds_the_numbers_and_says_non_disponible_not_zero(client, brand_a, viewer, march):
    client.force_login(viewer)
    response = client.get(reverse("analytics:report_pdf", args=[brand_a.slug]), {**MARCH, "language": "fr"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Publication" in text and "Taux d’engagement" in text and "Meilleures publications" in text
    assert "46" in text  # engagement: 41 + 3 + 2
    rate_line = next(line for line in text.splitlines() if "Taux d’engagement" in line)
    assert "non disponible" in rate_line and "0" not in rate_line
    assert "Messages reçus" in text and "Mentions" in text  # community and listening


@pytest.mark.django_db
def test_a_period_without_data_says_so_in_words(client, brand_a, viewer):
    client.force_login(viewer)
    response = client.get(reverse("analytics:report_pdf", args=[brand_a.slug]), {**MARCH, "language": "en"})
    assert "nothing to report yet" in pdf_text(response.content)


@pytest.mark.django_db
def test_the_csv_has_the_same_numbers(client, brand_a, viewer, march):
    client.force_login(viewer)
    response = client.get(reverse("analytics:report_csv", args=[brand_a.slug]), {**MARCH, "language": "en"})
    text = response.content.decode()
    assert "Engagement,Engagement,46" in text
    assert "Engagement rate,not available" in text


@pytest.mark.django_db
def test_bad_dates_are_named_not_a_500(client, brand_a, viewer):
    client.force_login(viewer)
    response = client.get(reverse("analytics:report_pdf", args=[brand_a.slug]), {"start": "2026-13-01", "end": "x"})
    assert response.status_code == 400
    assert "From" in response.content.decode()


@pytest.mark.django_db
def test_a_share_link_opens_the_report_until_revoked_or_tampered(client, brand_a, manager, march):
    link, token = share_link_create(
        brand=brand_a,
        filters=Filters(start=date(2026, 3, 1), end=date(2026, 3, 31)),
        language="fr",
        days=7,
        user=manager,
    )
    url = reverse("analytics:shared_report", args=[token])
    assert client.get(url).status_code == 200
    assert client.get(reverse("analytics:shared_report", args=[token[:-2] + "xx"])).status_code == 404
    client.force_login(manager)
    client.post(reverse("analytics:share_revoke", args=[brand_a.slug, link.pk]))
    client.logout()
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_an_expired_share_link_is_a_404(client, brand_a, manager):
    link, token = share_link_create(
        brand=brand_a,
        filters=Filters(start=date(2026, 3, 1), end=date(2026, 3, 31)),
        language="en",
        days=1,
        user=manager,
    )
    link.expires_at = datetime(2020, 1, 1, tzinfo=UTC)
    link.save()
    assert client.get(reverse("analytics:shared_report", args=[token])).status_code == 404


@pytest.mark.django_db
def test_a_monthly_report_is_emailed_once_per_period(brand_a, march):
    ReportSchedule.objects.create(brand=brand_a, recipients="boss@example.com\nclient@example.com", language="fr")
    april_first = datetime(2026, 4, 1, 6, 0, tzinfo=UTC)
    assert reports_send_due(now=april_first) == 1
    assert reports_send_due(now=april_first + timedelta(hours=1)) == 0
    (message,) = mail.outbox
    assert message.to == ["boss@example.com", "client@example.com"]
    assert "rapport du 01/03/2026 au 31/03/2026" in message.subject
    assert [name for name, _content, _type in message.attachments][0].endswith(".pdf")
