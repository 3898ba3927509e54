"""The analytics page: the numbers a manager reads, "not available" in words, filters in the URL,
a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from analytics.services import metrics_dispatch, posts_collect
from inbox.models import Conversation
from listening.models import Mention, SavedSearch
from tests.analytics.conftest import give, published
from tests.calendars.factories import CampaignFactory
from tests.factories import NetworkAccountFactory
from tests.inbox.conftest import inbound, store


def collect(now):
    for claim in metrics_dispatch(now=now):
        if not claim.followers:
            posts_collect(account_id=claim.account_id, claim_id=claim.claim_id, now=now)


def page(client, user, brand, **query):
    client.force_login(user)
    response = client.get(reverse("analytics:dashboard", args=[brand.slug]), query)
    assert response.status_code == 200
    return response


@pytest.fixture
def history(brand_a, fake_account):
    """Two days ago: two posts on the fake network (one 10 minutes late), one on Mastodon-like
    account without reach (the fake told to give no reach), read at their first hour."""
    at = timezone.now() - timedelta(days=2)
    launch = CampaignFactory(brand=brand_a, name="Launch")
    first = published(fake_account, at=at, campaign=launch)
    late = published(fake_account, at=at + timedelta(minutes=10), scheduled_at=at)
    give(fake_account, first, likes=10, reposts=2, replies=3, views=900, reach=500)
    give(fake_account, late, likes=4, reposts=0, replies=1, views=300, reach=100)
    collect(at + timedelta(hours=2))
    return {"first": first, "late": late, "launch": launch}


@pytest.mark.django_db
def test_the_cards_show_what_was_published_on_time_and_its_engagement(client, brand_a, viewer, history):
    response = page(client, viewer, brand_a)
    body = response.content.decode()
    assert response.context["publishing"].published == 2
    assert response.context["publishing"].on_time == 1
    assert response.context["totals"].engagement == 20  # 10+2+3 and 4+0+1
    assert response.context["totals"].engagement_rate == pytest.approx(20 / 600)
    assert "50.0\u00a0%" in body  # on time
    assert "3.3\u00a0%" in body  # engagement rate
    assert escape(history["first"].post.text[:30]) in body  # the top post (a fake text may hold an apostrophe)


@pytest.mark.django_db
def test_a_number_no_network_gives_is_not_available_never_zero(client, brand_a, viewer):
    account = NetworkAccountFactory(brand=brand_a, network="fake", config={"post_metrics": {}})
    target = published(account, at=timezone.now() - timedelta(days=1))
    give(account, target, likes=3, reposts=1, replies=0)  # this network gives no views nor reach
    collect(target.published_at + timedelta(hours=1))

    response = page(client, viewer, brand_a)

    assert response.context["totals"].engagement == 4
    assert response.context["totals"].engagement_rate is None
    cards = response.content.decode().split('data-card="engagement"')[1].split('data-card="response-time"')[0]
    assert "not available" in cards  # rate and followers
    assert "0.0\u00a0%" not in cards


@pytest.mark.django_db
def test_filters_live_in_the_url_and_narrow_the_numbers(client, brand_a, viewer, history):
    by_campaign = page(client, viewer, brand_a, days=7, campaign=history["launch"].pk)
    assert by_campaign.context["totals"].engagement == 15
    assert by_campaign.context["filters"].days == 7
    none = page(client, viewer, brand_a, network="mastodon")
    assert 'value="7"' in by_campaign.content.decode()
    assert none.context["totals"].engagement is None or none.context["form"].errors


@pytest.mark.django_db
def test_bad_filters_are_named_and_the_page_still_answers(client, brand_a, brand_b, viewer):
    other = CampaignFactory(brand=brand_b)
    response = page(client, viewer, brand_a, days="abc", campaign=other.pk)
    body = response.content.decode()
    assert "Period" in body and "Campaign" in body
    assert response.context["filters"].days == 30


@pytest.mark.django_db
def test_the_page_takes_the_same_number_of_queries_for_2_posts_as_for_40(client, brand_a, viewer, fake_account):
    def count_queries():
        client.force_login(viewer)
        url = reverse("analytics:dashboard", args=[brand_a.slug])
        client.get(url)  # the first visit remembers the brand in the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    at = timezone.now() - timedelta(days=3)
    for _ in range(2):
        give(fake_account, published(fake_account, at=at), likes=1, reposts=0, replies=0, views=5, reach=4)
    collect(at + timedelta(hours=1))
    few = count_queries()
    campaign = CampaignFactory(brand=brand_a)
    other = NetworkAccountFactory(brand=brand_a, network="fake", config={"post_metrics": {}})
    for n in range(38):
        account = fake_account if n % 2 else other
        give(account, published(account, at=at - timedelta(hours=n), campaign=campaign), likes=n, reposts=1, replies=0)
    collect(at + timedelta(hours=2))
    assert count_queries() == few


@pytest.mark.django_db
def test_the_cards_show_inbox_response_times_and_mentions(client, brand_a, viewer, fake_account):
    store(fake_account, inbound("Bonjour ?", remote_id="q1", root_id="q1"))
    Conversation.objects.update(first_response_at=timezone.now(), first_response_seconds=600)
    SavedSearch.objects.create(brand=brand_a, name="Lampes", expression="lampe")
    Mention.objects.create(brand=brand_a, network="web", text="lampe", sentiment="neutral", published_at=timezone.now())

    body = page(client, viewer, brand_a).content.decode()

    response_card = body.split('data-card="response-time"')[1].split('data-card="mentions"')[0]
    assert "10.0 min" in response_card and "100.0\u00a0%" in response_card  # within the 60 min target
    mentions_card = body.split('data-card="mentions"')[1].split('data-card="reach"')[0]
    assert '<div class="fs-4">1</div>' in mentions_card
