"""make run's listening demo: the demo brand's saved search on the shipped demo feed shows mentions."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Membership
from listening.models import Alert, Mention, Source, SourceKind
from posts.models import SavedText
from tests.listening.conftest import poll

pytestmark = pytest.mark.django_db


def test_demo_source_reads_the_shipped_feed_a_few_entries_at_a_time(capsys):
    call_command("demo")
    call_command("demo_listening")
    call_command("demo_listening")  # twice: nothing doubled
    source = Source.objects.get(kind=SourceKind.DEMO_FILE)
    assert source.url == "" and Source.objects.count() == 1
    assert poll(source) == "stored"
    assert Mention.objects.filter(brand__slug="demo").count() == 3
    Source.objects.filter(pk=source.pk).update(created_at=source.created_at - timedelta(minutes=20))
    source.refresh_from_db()
    Source.objects.filter(pk=source.pk).update(next_poll_at=source.next_poll_at)
    poll(source)
    texts = list(Mention.objects.values_list("text", flat=True))
    assert len(texts) == 11  # twelve entries, the job offer left out by NOT recrute
    assert not any("recrute" in text for text in texts)
    assert Mention.objects.filter(sentiment="negative").exists()


def test_the_demo_feed_raises_an_alert_whose_page_opens_the_crisis_room(client):
    call_command("demo")
    call_command("demo_listening")
    source = Source.objects.get(kind=SourceKind.DEMO_FILE)
    Source.objects.filter(pk=source.pk).update(created_at=source.created_at - timedelta(minutes=20))
    poll(source)

    alert = Alert.objects.get(brand__slug="demo")
    manager = Membership.objects.get(brand=alert.brand, role="manager").user
    client.force_login(manager)
    page = client.get(reverse("listening:alert", kwargs={"brand_slug": "demo", "pk": alert.pk})).content.decode()
    assert reverse("listening:incident_open", kwargs={"brand_slug": "demo"}) + f"?alert={alert.pk}" in page
    assert SavedText.objects.filter(brand=alert.brand, name="Déclaration d’attente").exists()
