"""Sign-in and password reset throttling: lockouts per account and per address, site and admin."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts import throttling
from tests.factories import PASSWORD, UserFactory

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
ATTACKER = "127.0.0.2"
ELSEWHERE = "127.0.0.3"


def _sign_in(client, email, password, *, address="127.0.0.1", url=LOGIN, **headers):
    return client.post(url, {"username": email, "password": password}, REMOTE_ADDR=address, **headers)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_then_the_right_one_is_refused_with_a_message(client, editor):
    for _ in range(30):
        assert _sign_in(client, editor.email, "wrong password", HTTP_ACCEPT_LANGUAGE="en").status_code in (200, 429)
    response = _sign_in(client, editor.email, PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Too many wrong passwords for this account or from your network" in response.content.decode()
    assert "15 minutes" in response.content.decode()
    assert not _signed_in(client)


def test_the_lockout_starts_at_the_fifth_failure(client, editor):
    for _ in range(4):
        assert _sign_in(client, editor.email, "wrong password").status_code == 200  # the form, with its error
    assert _sign_in(client, editor.email, "wrong password").status_code == 429


def test_the_admin_sign_in_is_locked_too_and_says_so_in_french(client, db):
    admin = UserFactory(email="admin@a.example", is_staff=True, is_superuser=True)
    for _ in range(30):
        _sign_in(client, admin.email, "wrong password", url=ADMIN_LOGIN)
    response = _sign_in(client, admin.email, PASSWORD, url=ADMIN_LOGIN, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 429
    assert "Trop de mots de passe erronés" in response.content.decode()
    assert not _signed_in(client)


def test_the_same_address_typed_in_capitals_is_the_same_account(client, editor):
    for email in ["EDITOR@a.example", " Editor@A.example", "editor@a.example", "EDITOR@A.EXAMPLE"]:
        _sign_in(client, email, "wrong password", address=ATTACKER)
    _sign_in(client, "editor@A.example", "wrong password", address=ELSEWHERE)
    assert _sign_in(client, editor.email, PASSWORD, address="127.0.0.4").status_code == 429


def test_a_locked_account_does_not_lock_other_accounts_from_other_addresses(client, editor, manager):
    for _ in range(30):
        _sign_in(client, editor.email, "wrong password", address=ATTACKER)
    # The account is locked wherever its owner is, and the attacker's address for every account...
    assert _sign_in(client, editor.email, PASSWORD, address=ELSEWHERE).status_code == 429
    assert _sign_in(client, manager.email, PASSWORD, address=ATTACKER).status_code == 429
    # ...but another person signs in from elsewhere as usual.
    assert _sign_in(client, manager.email, PASSWORD, address=ELSEWHERE).status_code == 302
    assert _signed_in(client)


def test_failures_spread_over_many_accounts_lock_the_address(client, people):
    for number in range(5):
        _sign_in(client, f"nobody{number}@a.example", "guess", address=ATTACKER)
    assert _sign_in(client, people["viewer"].email, PASSWORD, address=ATTACKER).status_code == 429
    assert _sign_in(client, people["viewer"].email, PASSWORD, address=ELSEWHERE).status_code == 302


def test_a_new_password_chosen_through_the_reset_link_unlocks_the_account(client, editor):
    for _ in range(5):
        _sign_in(client, editor.email, "wrong password", address=ATTACKER)
    client.post(reverse("password_reset"), {"email": editor.email}, REMOTE_ADDR=ELSEWHERE)
    link = re.search(r"http://\S+/accounts/reset/\S+/", mail.outbox[-1].body).group(0)
    form = client.get(link, follow=True, REMOTE_ADDR=ELSEWHERE)
    new = "a brand new passphrase 42"
    done = client.post(form.request["PATH_INFO"], {"new_password1": new, "new_password2": new}, REMOTE_ADDR=ELSEWHERE)
    assert done.status_code == 302
    assert _sign_in(client, editor.email, new, address=ELSEWHERE).status_code == 302


@pytest.fixture
def pinned_clock(monkeypatch):
    """Reset windows are cut from the clock: pin it in the middle of one."""
    moment = {"now": 1_800_000_000.0 + 1800}
    monkeypatch.setattr(throttling, "clock", lambda: moment["now"])
    return moment


def _reset(client, email, address="127.0.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")


def test_a_flood_of_reset_requests_for_one_address_is_refused(client, editor, pinned_clock):
    answers = [_reset(client, editor.email, address=f"127.0.0.{n + 2}").status_code for n in range(10)]
    assert answers == [302] * 3 + [429] * 7
    assert len(mail.outbox) == 3
    assert "Too many password reset requests" in _reset(client, editor.email, address="127.0.0.99").content.decode()


def test_a_flood_of_reset_requests_from_one_address_is_refused(client, db, pinned_clock):
    answers = [_reset(client, f"someone{n}@a.example", address=ATTACKER).status_code for n in range(8)]
    assert answers == [302] * 5 + [429] * 3
    assert _reset(client, "someone-else@a.example", address=ELSEWHERE).status_code == 302


def test_reset_requests_are_allowed_again_in_the_next_window(client, editor, pinned_clock, settings):
    for _ in range(3):
        _reset(client, editor.email)
    assert _reset(client, editor.email).status_code == 429
    pinned_clock["now"] += settings.PASSWORD_RESET_WINDOW
    assert _reset(client, editor.email).status_code == 302


def test_behind_a_trusted_proxy_the_client_is_the_address_it_saw(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="127.0.0.5", HTTP_X_FORWARDED_FOR="127.0.0.6, 127.0.0.7")
    assert throttling.client_address(request) == "127.0.0.7"  # the left one was typed by the client
    settings.TRUSTED_PROXY_COUNT = 0
    assert throttling.client_address(request) == "127.0.0.5"
