"""In a browser: an owner connects Telegram (a form), X (an OAuth redirect to its local server
and back) and a LinkedIn page (OAuth, then choosing among the member and the pages)."""

import pytest
from playwright.sync_api import expect

from tests.networks.servers.linkedin import LinkedInServer
from tests.networks.servers.telegram import TelegramServer
from tests.networks.servers.x import XServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def servers(settings, live_server):
    with (
        TelegramServer() as telegram,
        XServer(client_id="c", client_secret="s") as x,
        LinkedInServer(client_id="lc", client_secret="ls") as linkedin,
    ):
        settings.SITE_URL = live_server.url  # the networks send the browser back here
        settings.TELEGRAM_API_URL = telegram.url
        settings.X_CLIENT_ID, settings.X_CLIENT_SECRET, settings.X_API_URL = "c", "s", x.url
        settings.X_AUTHORIZE_URL = f"{x.url}/i/oauth2/authorize"
        settings.LINKEDIN_CLIENT_ID, settings.LINKEDIN_CLIENT_SECRET = "lc", "ls"
        settings.LINKEDIN_API_URL, settings.LINKEDIN_OAUTH_URL = linkedin.url, f"{linkedin.url}/oauth/v2"
        yield telegram, x, linkedin


def test_owner_connects_telegram_x_and_a_linkedin_page(sign_in, live_server, brand_a, owner, servers):
    telegram, x, linkedin = servers
    page = sign_in(owner)
    networks = f"{live_server.url}/b/{brand_a.slug}/networks/"

    page.goto(networks)
    page.get_by_role("link", name="Connect Telegram").click()
    page.get_by_label("Bot token").fill(telegram.token)
    page.get_by_label("Channel").fill("@deskchannel")
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_role("alert").filter(has_text="Desk news")).to_be_visible()

    page.get_by_role("link", name="Connect X").click()
    page.get_by_role("button", name="Continue on X").click()  # to the X server, which sends us back
    expect(page.get_by_role("alert").filter(has_text="The Desk (x) is connected.")).to_be_visible()
    x_card = page.locator("article", has_text="@thedesk")
    x_card.get_by_role("button", name="Check connection").click()
    expect(page.get_by_role("alert").filter(has_text="The connection to @thedesk works.")).to_be_visible()

    page.get_by_role("link", name="Connect LinkedIn").click()
    page.get_by_role("button", name="Continue on LinkedIn").click()
    expect(page.get_by_role("heading", name="Which LinkedIn accounts should this brand publish to?")).to_be_visible()
    page.get_by_label("Desk Corp").check()
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_role("alert").filter(has_text="Desk Corp (linkedin) is connected.")).to_be_visible()
    expect(page.locator("article", has_text="Desk Corp").locator(".account-status")).to_have_text("Connected")
    expect(page.locator("article", has_text="Camille Martin")).to_have_count(0)
    assert x.requests_to("POST", "/2/oauth2/token")[0].form["code_verifier"]
