import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Membership
from accounts.roles import Role
from tests.accounts.browser import expect_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_owner_invites_and_the_invited_person_joins(sign_in, live_server, page, brand_a, owner):
    page = sign_in(owner)
    page.get_by_role("button", name="More", exact=True).click()  # the navigation's second rank
    page.get_by_role("link", name="Members").click()
    invite_form = page.locator("#invite-form")
    invite_form.get_by_label("Email address").fill("nina@a.example")
    invite_form.get_by_label("Role").select_option("manager")
    invite_form.get_by_role("button", name="Send the invitation").click()
    expect_message(page, "An invitation was sent to nina@a.example.")
    expect(page.locator("#invitations")).to_contain_text("nina@a.example")

    # live_server runs in this process: the email sits in the locmem outbox.
    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("/invitations/", 1)[1]
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect_message(page, "You are signed out.")

    page.goto(f"{live_server.url}/invitations/{path}")
    expect(page.locator("main")).to_contain_text("you will join as Manager")
    page.get_by_label("Display name").fill("Nina")
    page.locator("#id_password1").fill("a long enough passphrase")
    page.locator("#id_password2").fill("a long enough passphrase")
    page.get_by_role("button", name="Create my account and join").click()
    expect_message(page, "Your account was created. Welcome to Brand A!")
    expect(page.locator("#brand-switcher")).to_contain_text("Brand A")
    assert Membership.objects.get(brand=brand_a, user__email="nina@a.example").role == Role.MANAGER

    page.goto(f"{live_server.url}/invitations/{path}")  # the same link again
    expect(page.locator("#invitation-problem")).to_have_text(
        "This invitation has already been used. Sign in to reach the brand."
    )
