"""A person makes a token from the user menu, copies it once, uses it, and revokes it."""

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_token_made_in_the_browser_works_once_shown_and_stops_when_revoked(sign_in, live_server, brand_a, editor):
    page = sign_in(editor)
    page.locator("#user-menu").click()
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Token name").fill("Spreadsheet")
    page.get_by_role("button", name="Create a token").click()
    expect(page.get_by_role("alert")).to_contain_text("Copy it now")
    token = page.get_by_label("Your new token (shown only this once):").input_value()

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/brands/").json()["results"][0]["slug"] == "brand-a"

    page.reload()
    expect(page.get_by_label("Your new token (shown only this once):")).to_have_count(0)
    page.get_by_role("button", name="Revoke Spreadsheet").click()
    expect(page.get_by_role("alert")).to_contain_text("revoked")
    expect(page.locator("#api-tokens")).to_contain_text("revoked")
    assert api.get("/api/brands/").status_code == 401
