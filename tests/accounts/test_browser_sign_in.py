import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_signs_in_and_lands_on_their_brand(sign_in, brand_a, editor):
    page = sign_in(editor)
    expect(page.locator("h1")).to_have_text("Brand A")
    expect(page.locator("#brand-switcher")).to_contain_text("Brand A")
