import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_signs_in_and_lands_on_their_brand(sign_in, brand_a, editor):
    page = sign_in(editor)
    expect(page).to_have_url(re.compile(r"/b/brand-a/today/"))
    expect(page.locator("h1")).to_contain_text("Brand A")
    expect(page.locator("#brand-switcher")).to_contain_text("Brand A")


def test_a_wrong_password_is_refused_with_a_message(sign_in, brand_a, editor):
    page = sign_in(editor, password="not the password")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("#sign-in-form")).to_contain_text("Please enter a correct email address and password")
