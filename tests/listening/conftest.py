"""Listening fixtures: a local feed site, saved searches, and a poll as the worker runs it."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from listening import collect
from listening.models import SavedSearch, Source
from tests.networks.servers.feeds import FeedServer

FEEDS = Path(__file__).parent / "feeds"


@pytest.fixture
def feed_server():
    with FeedServer() as server:
        yield server


@pytest.fixture
def acme(brand_a):
    return SavedSearch.objects.create(brand=brand_a, name="Acme", expression="acme")


def make_source(brand, url: str, **fields) -> Source:
    return Source.objects.create(brand=brand, name=fields.pop("name", "Feed"), url=url, **fields)


def poll(source: Source) -> str:
    """Claim the source as the dispatcher does and run its poll as the worker does."""
    claim = "test-claim"
    lease = timezone.now() + timedelta(minutes=2)
    assert Source.objects.filter(pk=source.pk, claim_id="").update(claim_id=claim, lease_expires_at=lease)
    outcome = collect.source_poll(source_id=source.pk, claim=claim)
    source.refresh_from_db()
    return outcome
