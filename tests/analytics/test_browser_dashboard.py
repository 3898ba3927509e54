"""The analytics page in real Chromium, in French, on a 390 px phone: nothing wider than the
screen, both charts drawn by Chart.js, the heatmap scrolled inside its own box."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from analytics.services import metrics_dispatch, posts_collect
from tests.analytics.conftest import give, published
from tests.calendars.factories import CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def french_viewer(viewer, brand_a, fake_account):
    viewer.language = "fr"
    viewer.save()
    brand_a.name = "Maison Lumière & Fils"
    brand_a.save()
    campaign = CampaignFactory(brand=brand_a, name="Collection d’automne, éditions limitées et ateliers")
    now = timezone.now()
    for n in range(12):
        at = now - timedelta(days=n * 2 + 1, hours=n)
        target = published(fake_account, at=at, campaign=campaign if n % 2 else None)
        give(fake_account, target, likes=5 + n, reposts=n % 3, replies=1, views=100 + 10 * n, reach=80 + n)
        for claim in metrics_dispatch(now=at + timedelta(hours=2)):
            if not claim.followers:
                posts_collect(account_id=claim.account_id, claim_id=claim.claim_id, now=at + timedelta(hours=2))
    return viewer


def _drawn(page, canvas_id: str) -> bool:
    """Chart.js made a chart on the canvas and painted something on it."""
    return page.evaluate(
        """(id) => {
            const canvas = document.getElementById(id);
            if (!window.Chart || !window.Chart.getChart(canvas) || canvas.width === 0) return false;
            const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
            return pixels.some((value, i) => i % 4 === 3 && value !== 0);
        }""",
        canvas_id,
    )


def test_on_a_phone_in_french_the_analytics_page_fits_and_draws_its_charts(
    sign_in, live_server, page, french_viewer, brand_a
):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(french_viewer)
    page.goto(f"{live_server.url}/b/{brand_a.slug}/analytics/?days=30")

    expect(page.locator("h1")).to_have_text("Maison Lumière & Fils · statistiques")
    expect(page.get_by_text("Publications publiées").first).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('networks-chart'))")
    assert _drawn(page, "trend-chart") and _drawn(page, "networks-chart")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for card in page.locator("[data-card]").all():
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    heatmap = page.locator("#best-hours")
    assert heatmap.evaluate("t => t.parentElement.scrollWidth > t.parentElement.clientWidth")  # scrolls in its box
