"""An owner connects a webhook and a Mastodon account from the Networks page and checks them."""

import re

import pytest
from playwright.sync_api import expect

from tests.networks.servers.receiver import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_connects_a_webhook_and_mastodon_then_checks_the_connection(
    sign_in, live_server, brand_a, owner, mastodon_server
):
    page = sign_in(owner)
    with Receiver(lambda request: (200, {}, b"")) as receiver:
        page.goto(f"{live_server.url}/b/{brand_a.slug}/networks/")
        page.get_by_role("link", name="Connect Webhook").click()
        page.get_by_label("Name").fill("Intranet")
        page.get_by_label("Address (URL)").fill(f"{receiver.url}/hook")
        page.get_by_role("button", name="Connect").click()
        expect(page.get_by_label("Signing secret")).to_have_value(re.compile(r"^[0-9a-f]{64}$"))
        page.get_by_role("link", name="I have copied it").click()

        page.get_by_role("link", name="Connect Mastodon").click()
        token_form = page.locator("#connect-form")
        token_form.get_by_label("Instance address").fill(mastodon_server.url)
        token_form.get_by_label("Access token").fill(mastodon_server.token)
        token_form.get_by_role("button", name="Connect").click()
        expect(page.get_by_role("alert").filter(has_text="is connected")).to_be_visible()

        mastodon_card = page.locator("article", has_text=f"@desk@127.0.0.1:{mastodon_server.port}")
        expect(mastodon_card.locator(".account-status")).to_have_text("Connected")
        mastodon_card.get_by_role("button", name="Check connection").click()
        handle = f"@desk@127.0.0.1:{mastodon_server.port}"
        expect(page.get_by_role("alert").filter(has_text=f"The connection to {handle} works.")).to_be_visible()
        page.locator("article", has_text="Intranet").get_by_role("button", name="Check connection").click()
        expect(page.get_by_role("alert").filter(has_text="The connection to 127.0.0.1")).to_be_visible()
        assert [r.method for r in receiver.received] == ["HEAD"]
    assert mastodon_server.requests_to("GET", "/api/v1/accounts/verify_credentials")
