"""`make run`'s demo brand: analytics from the demo source, and a French PDF report."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import User
from analytics.models import MetricSnapshot


@pytest.fixture
def demo(settings):
    call_command("demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_analytics", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_demo_brand_shows_a_month_of_numbers_read_through_the_collection(client, demo):
    client.force_login(User.objects.get(email="viewer@demo.example"))
    response = client.get(reverse("analytics:dashboard", args=["demo"]), {"days": 30})

    context = response.context
    assert context["publishing"].published >= 40 and context["publishing"].failed >= 3
    assert context["totals"].engagement and context["totals"].engagement_rate  # the fake network gives reach
    assert context["follower_growth"] > 0
    assert len(context["top_posts"]) == 5
    assert any(value for row in context["best_hours"] for value in row)
    assert MetricSnapshot.objects.filter(slot=168).exists()  # read again a week after publishing


@pytest.mark.django_db
def test_the_demo_makes_a_french_pdf_report_and_a_second_run_adds_nothing(client, demo):
    client.force_login(User.objects.get(email="viewer@demo.example"))
    snapshots = MetricSnapshot.objects.count()
    again = io.StringIO()
    call_command("demo_analytics", stdout=again)
    assert "already there" in again.getvalue() and MetricSnapshot.objects.count() == snapshots

    response = client.get(reverse("analytics:report_pdf", args=["demo"]), {"language": "fr"})  # the last month
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Publication" in text and "Meilleures publications" in text
    assert "Maison Lumière" in text
