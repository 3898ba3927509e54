import re

import pytest
from playwright.sync_api import expect

from accounts.models import Brand
from accounts.roles import Role
from tests.accounts.browser import expect_message
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_of_two_brands_switches_between_them(sign_in, brand_a, brand_b, editor):
    MembershipFactory(brand=brand_b, user=editor, role=Role.VIEWER)
    page = sign_in(editor)
    expect(page.locator("#brand-switcher")).to_contain_text("Brand A")
    page.locator("#brand-switcher").click()
    page.locator("[aria-labelledby=brand-switcher]").get_by_role("link", name="Brand B").click()
    expect(page).to_have_url(re.compile(r"/b/brand-b/"))
    expect(page.locator("#brand-switcher")).to_contain_text("Brand B")


def test_a_user_creates_a_brand_from_the_switcher(sign_in, live_server, brand_a, editor):
    page = sign_in(editor)
    page.locator("#brand-switcher").click()
    page.get_by_role("link", name="New brand").click()
    page.get_by_label("Name").fill("Café Lune")
    page.get_by_label("Slug").fill("cafe-lune")
    page.get_by_label("Time zone").fill("Europe/Brussels")
    page.get_by_role("button", name="Create the brand").click()
    expect_message(page, "The brand Café Lune was created; you are its owner.")
    expect(page.locator("#brand-switcher")).to_contain_text("Café Lune")
    assert Brand.objects.get(slug="cafe-lune").time_zone == "Europe/Brussels"
