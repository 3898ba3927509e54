"""The report's community and listening parts: the inbox's messages, response times and
sentiment, listening's mentions, spikes and crisis incidents with their summaries, read back
from the PDF's text and the CSV; a part without data says so in words, never 0."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from inbox.models import Conversation, Message
from listening.models import Alert, Incident, Mention, SavedSearch
from tests.analytics.test_reports import MARCH, pdf_text
from tests.inbox.conftest import inbound, store

IN_MARCH = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)
IN_APRIL = datetime(2026, 4, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def inbox_march(fake_account):
    """Three messages in March (two negative, one positive), one in April; two conversations
    answered in March, in 10 and 90 business minutes."""
    for n, sentiment in enumerate(("negative", "negative", "positive")):
        store(fake_account, inbound(f"Question {n}", remote_id=f"q{n}", root_id=f"q{n}", at=IN_MARCH))
        Message.objects.filter(remote_id=f"q{n}").update(sentiment=sentiment)
    store(fake_account, inbound("Plus tard", remote_id="later", root_id="later", at=IN_APRIL))
    Conversation.objects.exclude(root_remote_id="later").update(created_at=IN_MARCH)
    for root, seconds in (("q0", 600), ("q1", 5400)):
        Conversation.objects.filter(root_remote_id=root).update(
            first_response_at=IN_MARCH, first_response_seconds=seconds
        )


@pytest.fixture
def listening_march(brand_a, manager):
    search = SavedSearch.objects.create(brand=brand_a, name="Lampes", expression="lampe")
    for n, sentiment in enumerate(("negative", "negative", "neutral", "positive")):
        Mention.objects.create(
            brand=brand_a, network="web", text=f"lampe {n}", sentiment=sentiment, published_at=IN_MARCH
        )
    Alert.objects.create(
        brand=brand_a, search=search, reason="volume", count=42, negative=30, usual_mean=3, usual_std=2,
        usual_negative_share=0.1, created_at=IN_MARCH,
    )  # fmt: skip
    summary = {
        "duration_minutes": 185,
        "mentions": 57,
        "negative": 41,
        "peak": {"hour": "2026-03-12T10:00:00+00:00", "mentions": 23, "negative": 19},
        "first_response_seconds": 1260,
        "median_response_minutes": 34.5,
        "statements_published": 1,
    }
    return Incident.objects.create(
        brand=brand_a, title="Rappel de lampes", words=["lampe"], opened_by=manager, opened_at=IN_MARCH,
        closed_at=datetime(2026, 3, 12, 13, 5, tzinfo=UTC), summary=summary,
    )  # fmt: skip


def csv_of(client, user, brand) -> str:
    client.force_login(user)
    response = client.get(reverse("analytics:report_csv", args=[brand.slug]), {**MARCH, "language": "en"})
    return response.content.decode()


def pdf_of(client, user, brand, language: str = "fr") -> str:
    client.force_login(user)
    response = client.get(reverse("analytics:report_pdf", args=[brand.slug]), {**MARCH, "language": language})
    assert response.status_code == 200
    return pdf_text(response.content)


@pytest.mark.django_db
def test_the_csv_counts_the_periods_messages_response_times_and_sentiment(client, brand_a, viewer, inbox_march):
    text = csv_of(client, viewer, brand_a)
    assert "Community,Messages received,3" in text  # April's message is another period's
    assert "Community,Conversations started,3" in text and "Community,Conversations answered,2" in text
    assert "Community,Median first response (business hours),50.0 min" in text  # (10 + 90) / 2
    assert "Community,Answered within the target (60 min),50.0\u00a0%" in text
    assert "Community,Messages (sentiment: negative),2" in text
    assert "Community,Messages (sentiment: positive),1" in text


@pytest.mark.django_db
def test_the_french_pdf_tells_the_community_in_numbers(client, brand_a, viewer, inbox_march):
    text = pdf_of(client, viewer, brand_a)
    lines = text.splitlines()
    assert any("Messages reçus" in line and "3" in line for line in lines)
    assert any("Première réponse médiane" in line and "50,0" in line for line in lines)


@pytest.mark.django_db
def test_the_report_tells_mentions_spikes_and_the_incidents_summary(client, brand_a, viewer, listening_march):
    text = csv_of(client, viewer, brand_a)
    assert "Listening,Mentions,4" in text
    assert "Listening,Mentions (sentiment: negative),2" in text
    assert "Listening,Spikes,1" in text and "Listening,Crisis incidents,1" in text
    assert "Rappel de lampes · Mentions (negative),57 (41)" in text
    assert "Rappel de lampes · First statement or reply out,21.0 min" in text

    pdf = pdf_of(client, viewer, brand_a)
    assert "Rappel de lampes" in pdf and "Pics" in pdf
    assert "42 mentions" in pdf  # the spike's reason in numbers
    assert "3,1\u00a0h" in pdf  # 185 minutes, in French


@pytest.mark.django_db
def test_parts_without_data_say_so_in_words(client, brand_a, viewer, fake_account):
    text = pdf_of(client, viewer, brand_a, language="en")
    assert "No message reached the inbox in this period." in text
    assert "The brand listens to nothing yet" in text
    mentions_line = next(line for line in text.splitlines() if line.startswith("Mentions"))
    assert "not available" in mentions_line and "0" not in mentions_line
    assert "No crisis incident in this period." in text and "No spike in this period." in text

    SavedSearch.objects.create(brand=brand_a, name="Lampes", expression="lampe")
    assert "No mention was found in this period." in pdf_of(client, viewer, brand_a, language="en")


@pytest.mark.django_db
def test_an_open_incident_is_told_so_far(client, brand_a, viewer, manager):
    Incident.objects.create(brand=brand_a, title="Panne", words=["panne"], opened_by=manager, opened_at=IN_MARCH)
    Mention.objects.create(brand=brand_a, network="web", text="panne", sentiment="negative", published_at=IN_MARCH)
    text = pdf_of(client, viewer, brand_a, language="en")
    assert "Panne" in text and "still open (summary so far)" in text
    assert "Rappel" not in text
