"""Pinterest against a local API v5 and OAuth server: sign-in, one account per board, a Pin with
its image, alt text and link, the refresh of the 30-day token, Pinterest's error documents."""

import base64
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from networks import services
from networks.base import Connection, ErrorKind, PublishError
from networks.models import NetworkAccount
from tests.networks.contract import AdapterContract, ContractSetup
from tests.networks.oauth_helpers import follow_consent, messages_of, oauth_data
from tests.networks.samples import image_file
from tests.networks.servers.pinterest import PinterestServer


@pytest.fixture
def pinterest(settings):
    with PinterestServer(app_id="desk-app", app_secret="desk-secret-value") as server:
        settings.PINTEREST_APP_ID, settings.PINTEREST_APP_SECRET = server.app_id, server.app_secret
        settings.PINTEREST_API_URL = server.url
        settings.PINTEREST_AUTHORIZE_URL = f"{server.url}/oauth/"
        yield server


@pytest.fixture
def account(pinterest, brand_a, owner):
    tokens = pinterest.issue_tokens()
    connection = Connection(
        display_name="Recettes",
        handle="deskcafe/549755885175",
        credentials={"access_token": tokens["access_token"], "refresh_token": tokens["refresh_token"]},
        config={"board_id": "549755885175", "username": "deskcafe"},
        token_expires_at=timezone.now() + timedelta(days=30),
    )
    return services.account_connect(brand=brand_a, user=owner, network="pinterest", data=oauth_data(connection))


class TestPinterestContract(AdapterContract):
    """A Pin needs an image: the contract's posts carry one."""

    network = "pinterest"

    @pytest.fixture
    def contract(self, pinterest, account, tmp_path):
        return ContractSetup(
            account=account,
            published_count=lambda: len(pinterest.pins),
            failures={
                ErrorKind.REJECTED: lambda: pinterest.fail_next(400, path="/v5/pins"),
                ErrorKind.RETRY: pinterest.rate_limit,
                ErrorKind.UNKNOWN: lambda: pinterest.drop_next(path="/v5/pins"),
                ErrorKind.RECONNECT: pinterest.revoke_all,
            },
            secrets=[account.credentials["access_token"], account.credentials["refresh_token"], "desk-secret-value"],
            media=lambda: [image_file(tmp_path, "pin.png")],
        )


def test_owner_signs_in_and_connects_the_board_they_pick(client, owner, brand_a, pinterest):
    client.force_login(owner)
    page = client.get(reverse("networks:connect", args=[brand_a.slug, "pinterest"])).content.decode()
    assert "Sign in with Pinterest" in page
    started = client.post(reverse("networks:pinterest_start", args=[brand_a.slug]))
    picked = client.get(follow_consent(started["Location"]))
    assert picked["Location"] == reverse("networks:oauth_pick", args=[brand_a.slug, "pinterest"])
    choices = client.get(picked["Location"]).content.decode()
    assert "Recettes" in choices and "Nouveautés" in choices and "pina_" not in choices

    answer = client.post(picked["Location"], {"accounts": ["1"]})

    assert answer["Location"] == reverse("networks:list", args=[brand_a.slug])
    account = NetworkAccount.objects.get(brand=brand_a, network="pinterest")
    assert account.display_name == "Nouveautés" and account.config["board_id"] == "549755885176"
    assert timedelta(days=29) < account.token_expires_at - timezone.now() <= timedelta(days=30)
    token = pinterest.requests_to("POST", "/v5/oauth/token")[0]
    assert token.header("Authorization").startswith("Basic ") and "client_secret" not in token.form
    assert account.adapter().check_connection() == "@deskcafe"


def test_without_app_credentials_pinterest_is_unavailable_naming_the_setting(client, owner, brand_a, settings):
    settings.PINTEREST_APP_ID, settings.PINTEREST_APP_SECRET = "", "set"
    client.force_login(owner)
    page = client.get(reverse("networks:list", args=[brand_a.slug])).content.decode()
    assert "Unavailable: the setting PINTEREST_APP_ID is not configured." in page
    started = client.post(reverse("networks:pinterest_start", args=[brand_a.slug]))
    assert "PINTEREST_APP_ID" in messages_of(started)[0]


def test_a_pin_carries_its_image_alt_text_and_the_texts_link(account, pinterest, tmp_path):
    photo = image_file(tmp_path, "tarte.jpg")
    result = account.adapter().publish(text="La tarte du jour https://desk.example/tarte", media=[photo], key="k")
    pin = pinterest.pins[0]
    assert pin["board_id"] == "549755885175" and pin["image"] == ("JPEG", (800, 800))
    assert pin["description"] == "La tarte du jour https://desk.example/tarte"
    assert pin["alt_text"] == "Alt of tarte.jpg" and pin["link"] == "https://desk.example/tarte"
    assert base64.b64decode(pin["media_source"]["data"]) == photo.read()
    assert result.url == f"https://www.pinterest.com/pin/{pin['id']}/"


def test_a_post_without_an_image_is_refused_before_anything_is_sent(account, pinterest):
    problems = account.adapter().validate("Juste du texte", [])
    assert [p.code for p in problems] == ["media_required"] and "Pinterest" in problems[0].message
    with pytest.raises(PublishError) as caught:
        account.adapter().publish(text="Juste du texte", media=[], key="k")
    assert caught.value.kind == ErrorKind.REJECTED
    assert pinterest.requests == []


def test_a_rate_limit_is_retried_in_pinterests_words(account, pinterest, tmp_path):
    pinterest.rate_limit()
    with pytest.raises(PublishError) as caught:
        account.adapter().publish(text="Bientôt", media=[image_file(tmp_path, "a.png")], key="k")
    assert caught.value.kind == ErrorKind.RETRY
    assert "You have exceeded your rate limit" in caught.value.message


def test_the_token_is_renewed_with_the_refresh_token_which_is_kept(account, pinterest):
    old = dict(account.credentials)
    renewed = account.adapter().refresh_credentials()
    assert renewed["access_token"] != old["access_token"]
    assert renewed["refresh_token"] == old["refresh_token"]  # Pinterest answers no new one
    assert pinterest.requests_to("POST", "/v5/oauth/token")[0].form["grant_type"] == "refresh_token"


def test_a_refused_refresh_asks_to_reconnect(account, pinterest):
    pinterest.revoke_all()
    with pytest.raises(PublishError) as caught:
        account.adapter().refresh_credentials()
    assert caught.value.kind == ErrorKind.RECONNECT
    assert "Pinterest refused the account's access (Invalid authorization code or refresh token.)" in str(caught.value)
