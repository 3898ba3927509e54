"""A crash while connecting an account shows Django's debug page (DEBUG on) or mails the same
report to ADMINS: the token or password typed into the form must not be in it."""

import pytest
from django.urls import reverse

from networks import http
from tests.api.conftest import client_with_token

BOT_TOKEN = "123456:SECRET-bot-token-typed-by-the-owner"
WEBHOOK_PASSWORD = "hook-password-typed-by-the-owner"


@pytest.fixture
def crashing_network(monkeypatch, settings):
    """Debug pages on, and the network call fails with an error nobody expected."""
    settings.DEBUG = True

    def explode(*args, **kwargs):
        raise RuntimeError("the network helper exploded")

    monkeypatch.setattr(http, "request", explode)
    monkeypatch.setattr(http, "check_public_url", explode)


def _debug_page(response) -> str:
    page = response.content.decode()
    assert response.status_code == 500
    assert "the network helper exploded" in page and "Traceback" in page, "not Django's debug page"
    return page


def test_the_debug_page_of_a_crashing_connect_form_hides_the_token(client, owner, brand_a, crashing_network):
    client.force_login(owner)
    client.raise_request_exception = False
    response = client.post(
        reverse("networks:connect", args=[brand_a.slug, "telegram"]), {"bot_token": BOT_TOKEN, "chat": "@news"}
    )
    page = _debug_page(response)
    assert BOT_TOKEN not in page and "SECRET-bot-token" not in page


def test_the_debug_page_of_a_crashing_webhook_check_hides_the_password_of_its_address(
    client, owner, brand_a, crashing_network
):
    client.force_login(owner)
    client.raise_request_exception = False
    response = client.post(
        reverse("networks:connect", args=[brand_a.slug, "webhook"]),
        {"name": "Intranet", "url": f"http://robot:{WEBHOOK_PASSWORD}@127.0.0.1:9/in"},
    )
    assert WEBHOOK_PASSWORD not in _debug_page(response)


def test_the_debug_page_of_a_crashing_api_connection_hides_the_token(owner, brand_a, crashing_network):
    client = client_with_token(owner)
    client.raise_request_exception = False
    response = client.post(
        f"/api/brands/{brand_a.slug}/accounts/",
        {"network": "telegram", "data": {"bot_token": BOT_TOKEN, "chat": "@news"}},
        format="json",
    )
    page = _debug_page(response)
    assert BOT_TOKEN not in page and "SECRET-bot-token" not in page
