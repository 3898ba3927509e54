"""An owner connects a Bluesky account from the Networks page, against the real PDS."""

import re

import pytest
from playwright.sync_api import expect

from networks.models import NetworkAccount

pytestmark = [pytest.mark.browser, pytest.mark.pds, pytest.mark.django_db(transaction=True)]


def test_owner_connects_bluesky_with_an_app_password_after_a_wrong_one_and_checks_it(
    sign_in, live_server, brand_a, owner, pds, bluesky_user, app_password
):
    page = sign_in(owner)
    page.goto(f"{live_server.url}/b/{brand_a.slug}/networks/")
    page.get_by_role("link", name="Connect Bluesky").click()
    expect(page.get_by_label("Server", exact=True)).to_have_value("https://bsky.social")

    page.get_by_label("Handle or email").fill(bluesky_user.handle)
    page.get_by_label("App password").fill("wrong-wrong-wrong-wrong")
    page.get_by_label("Server", exact=True).fill(pds.url)
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_text("Bluesky refused this handle and app password.")).to_be_visible()
    expect(page.get_by_label("App password")).to_have_value("")  # never sent back
    assert not NetworkAccount.objects.filter(network="bluesky").exists()

    page.get_by_label("App password").fill(app_password)
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_role("alert").filter(has_text="is connected")).to_be_visible()
    card = page.locator("article", has_text=f"@{bluesky_user.handle}")
    expect(card.locator(".account-status")).to_have_text("Connected")
    card.get_by_role("button", name="Check connection").click()
    works = f"The connection to @{bluesky_user.handle} works."
    expect(page.get_by_role("alert").filter(has_text=re.compile(re.escape(works)))).to_be_visible()

    assert app_password not in page.content()
    account = NetworkAccount.objects.get(network="bluesky", brand=brand_a)
    assert account.config["pds"] == pds.url
    assert app_password not in str(account.credentials)
