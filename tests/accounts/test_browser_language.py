import pytest
from playwright.sync_api import expect

from tests.accounts.browser import expect_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_signed_in_user_switches_to_french_and_it_sticks(sign_in, brand_a, editor):
    page = sign_in(editor)
    page.locator("#user-menu").click()  # the switcher sits in the user menu
    page.get_by_role("button", name="Français").click()
    expect_message(page, "L’interface est maintenant en français.")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.locator("#user-menu").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    editor.refresh_from_db()
    assert editor.language == "fr"


def test_a_visitor_switches_the_sign_in_page_to_french(live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("h1")).to_have_text("Sign in")
    page.get_by_role("button", name="Français").click()
    expect(page.locator("h1")).to_have_text("Se connecter")
    expect(page.get_by_label("Mot de passe")).to_be_visible()
