"""The home page's numbers card: each brand's last 7 days, for those who read analytics."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.services import metrics_dispatch, posts_collect
from tests.analytics.conftest import give, published


@pytest.mark.django_db
def test_the_home_page_shows_each_brands_week_in_numbers(client, brand_a, viewer, fake_account):
    at = timezone.now() - timedelta(days=2)
    target = published(fake_account, at=at)
    give(fake_account, target, likes=7, reposts=2, replies=1, views=40, reach=30)
    published(fake_account, at=timezone.now() - timedelta(days=20))  # before the week
    for claim in metrics_dispatch(now=at + timedelta(hours=2)):
        if not claim.followers:
            posts_collect(account_id=claim.account_id, claim_id=claim.claim_id, now=at + timedelta(hours=2))

    client.force_login(viewer)
    html = client.get(reverse("desk:today")).content.decode()

    card = html.split('id="card-numbers"')[1].split("</section>")[0]
    assert "1 published of 1" in card
    assert "100.0\u00a0%" in card  # on time
    assert "Engagement: 10" in card
    assert reverse("analytics:dashboard", args=[brand_a.slug]) in card


@pytest.mark.django_db
def test_a_brand_without_numbers_says_not_available_rather_than_zero(client, brand_a, viewer):
    client.force_login(viewer)
    html = client.get(reverse("desk:today")).content.decode()
    card = html.split('id="card-numbers"')[1].split("</section>")[0]
    assert "0 published of 0" in card and "not available" in card
