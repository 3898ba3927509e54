"""The analytics numbers over the API: the page's and the reports' numbers, null where no network
gives one, the period and filters checked with the field named."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.services import metrics_dispatch, posts_collect
from listening.models import Incident, Mention, SavedSearch
from tests.analytics.conftest import give, published
from tests.calendars.factories import CampaignFactory
from tests.factories import NetworkAccountFactory


def _collect(now):
    for claim in metrics_dispatch(now=now):
        if not claim.followers:
            posts_collect(account_id=claim.account_id, claim_id=claim.claim_id, now=now)


def _get(client, brand, **query):
    return client.get(reverse("api:analytics", kwargs={"brand_slug": brand.slug}), query)


@pytest.fixture
def history(brand_a, settings):
    """Two days ago: a post on a network that gives reach, one on a network that does not."""
    settings.METRICS_JITTER_SECONDS = 0
    at = timezone.now() - timedelta(days=2)
    with_reach = NetworkAccountFactory(brand=brand_a, network="fake", config={"post_metrics": {}})
    without = NetworkAccountFactory(brand=brand_a, network="fake", config={"post_metrics": {}})
    launch = CampaignFactory(brand=brand_a, name="Launch")
    first = published(with_reach, at=at, campaign=launch)
    second = published(without, at=at + timedelta(minutes=5))
    give(with_reach, first, likes=10, reposts=2, replies=3, views=900, reach=500)
    give(without, second, likes=4, reposts=1, replies=0)
    _collect(at + timedelta(hours=2))
    return {"first": first, "second": second, "launch": launch}


@pytest.mark.django_db
def test_the_api_gives_the_pages_numbers_with_null_where_no_network_gives_one(api_as, brand_a, people, history):
    body = _get(api_as(people["viewer"]), brand_a).json()

    assert body["publishing"]["published"] == 2
    assert body["engagement"]["engagement"] == 20
    assert body["engagement"]["engagement_rate"] == pytest.approx(15 / 500)  # on the post that gives reach
    assert body["engagement"]["metrics"]["likes"] == {"total": 14, "posts": 2}
    assert body["engagement"]["metrics"]["reach"] == {"total": 500, "posts": 1}
    assert body["engagement"]["metrics"]["shares"] == {"total": None, "posts": 0}  # not available, not 0
    assert body["engagement"]["followers"] is None
    assert [row["engagement"] for row in body["top_posts"]] == [15, 5]
    assert body["top_posts"][0]["post"] == history["first"].post_id
    assert sum(day["published"] for day in body["trend"]) == 2
    assert len(body["trend"]) == 30 and len(body["best_hours"]) == 7


@pytest.mark.django_db
def test_the_api_filters_by_campaign_and_period(api_as, brand_a, people, history):
    client = api_as(people["viewer"])
    launch = _get(client, brand_a, campaign=history["launch"].pk).json()
    assert launch["engagement"]["engagement"] == 15
    assert [row["name"] for row in launch["by_campaign"]] == ["Launch"]

    day = history["first"].published_at.astimezone(brand_a.tz).date()
    earlier = _get(
        client, brand_a, start=(day - timedelta(days=9)).isoformat(), end=(day - timedelta(days=3)).isoformat()
    )
    assert earlier.json()["publishing"]["planned"] == 0
    assert earlier.json()["engagement"]["engagement"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2026-02-01", "end": "2026-01-01"}, "end"),
        ({"start": "2026-01-01"}, "end"),
        ({"start": "2024-01-01", "end": "2026-01-01"}, "end"),
        ({"start": "0001-01-01", "end": "2026-01-01"}, "start"),
        ({"campaign": "-1"}, "campaign"),
        ({"network": "x" * 31}, "network"),
    ],
)
def test_a_bad_period_or_filter_is_a_400_naming_the_field(api_as, brand_a, people, query, field):
    response = _get(api_as(people["viewer"]), brand_a, **query)
    assert response.status_code == 400
    assert field in str(response.json())


@pytest.mark.django_db
def test_another_brands_campaign_is_refused_by_name(api_as, brand_a, brand_b, people):
    other = CampaignFactory(brand=brand_b)
    response = _get(api_as(people["viewer"]), brand_a, campaign=other.pk)
    assert response.status_code == 400
    assert "campaign" in str(response.json())


@pytest.mark.django_db
def test_the_api_gives_the_inbox_and_listening_numbers_with_null_where_nothing_listens(api_as, brand_a, people):
    body = _get(api_as(people["viewer"]), brand_a).json()
    assert body["community"]["messages"] is None  # no account on a network the inbox reads
    assert body["listening"] == {"mentions": None, "sentiment": {}, "spikes": 0, "incidents": []}

    SavedSearch.objects.create(brand=brand_a, name="Lampes", expression="lampe")
    Mention.objects.create(
        brand=brand_a, network="web", text="lampe", sentiment="negative", published_at=timezone.now()
    )
    Incident.objects.create(brand=brand_a, title="Rappel", words=["lampe"], opened_by=people["manager"])
    body = _get(api_as(people["viewer"]), brand_a).json()
    assert body["listening"]["mentions"] == 1 and body["listening"]["sentiment"] == {"negative": 1}
    [incident] = body["listening"]["incidents"]
    assert incident["title"] == "Rappel" and incident["closed_at"] is None and incident["mentions"] == 1
