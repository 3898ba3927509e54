"""X against a local API v2 and OAuth 2.0 server: PKCE sign-in end to end, rotating refresh
tokens, media upload, weighted counting and X's problem documents."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from networks import services
from networks.base import Connection, ErrorKind, PublishError
from networks.models import NetworkAccount
from networks.x.adapter import _tokens_from
from tests.networks.contract import AdapterContract, ContractSetup
from tests.networks.oauth_helpers import follow_consent, messages_of, oauth_data
from tests.networks.samples import image_file
from tests.networks.servers.x import XServer


@pytest.fixture
def x_server(settings):
    with XServer(client_id="desk-client", client_secret="desk-secret-value") as server:
        settings.X_CLIENT_ID, settings.X_CLIENT_SECRET = server.client_id, server.client_secret
        settings.X_API_URL = server.url
        settings.X_AUTHORIZE_URL = f"{server.url}/i/oauth2/authorize"
        yield server


@pytest.fixture
def account(x_server, brand_a, owner):
    connection = Connection(
        display_name="The Desk",
        handle="@thedesk",
        credentials=_tokens_from(x_server.issue_tokens()),
        config={"user_id": x_server.user["id"], "username": "thedesk"},
    )
    return services.account_connect(brand=brand_a, user=owner, network="x", data=oauth_data(connection))


class TestXContract(AdapterContract):
    network = "x"

    @pytest.fixture
    def contract(self, x_server, account):
        return ContractSetup(
            account=account,
            published_count=lambda: len(x_server.tweets),
            failures={
                ErrorKind.REJECTED: lambda: x_server.fail_next(403, path="/2/tweets"),
                ErrorKind.RETRY: x_server.rate_limit,
                ErrorKind.UNKNOWN: lambda: x_server.drop_next(path="/2/tweets"),
                ErrorKind.RECONNECT: x_server.revoke_all,
            },
            secrets=[account.credentials["access_token"], account.credentials["refresh_token"], "desk-secret-value"],
        )


# --- connecting ---------------------------------------------------------------------------------
def test_owner_connects_by_oauth_with_pkce_end_to_end(client, owner, brand_a, x_server):
    client.force_login(owner)
    page = client.get(reverse("networks:connect", args=[brand_a.slug, "x"])).content.decode()
    assert "Sign in with X" in page
    started = client.post(reverse("networks:x_start", args=[brand_a.slug]))
    query = parse_qs(urlsplit(started["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["scope"][0].endswith("offline.access")

    finished = client.get(follow_consent(started["Location"]))

    assert finished["Location"] == reverse("networks:list", args=[brand_a.slug])
    account = NetworkAccount.objects.get(brand=brand_a, network="x")
    assert account.handle == "@thedesk" and account.display_name == "The Desk"
    token_request = x_server.requests_to("POST", "/2/oauth2/token")[0]
    assert token_request.form["code_verifier"] and token_request.header("Authorization").startswith("Basic ")
    assert account.adapter().check_connection() == "@thedesk"


def test_a_callback_whose_state_does_not_match_is_refused(client, owner, brand_a, x_server):
    client.force_login(owner)
    started = client.post(reverse("networks:x_start", args=[brand_a.slug]))
    forged = follow_consent(started["Location"]).replace("state=", "state=forged")
    answer = client.get(forged, follow=True)
    assert "This answer from X does not match a connection you started" in answer.content.decode()
    assert not NetworkAccount.objects.exists()
    assert x_server.requests_to("POST", "/2/oauth2/token") == []


def test_a_refused_consent_says_so(client, owner, brand_a, x_server):
    x_server.auto_approve = False
    client.force_login(owner)
    started = client.post(reverse("networks:x_start", args=[brand_a.slug]))
    answer = client.get(follow_consent(started["Location"]))
    assert messages_of(answer) == ["X did not authorize the connection."]
    assert not NetworkAccount.objects.exists()


def test_without_app_credentials_x_is_unavailable_naming_the_setting(client, owner, brand_a, settings):
    settings.X_CLIENT_ID, settings.X_CLIENT_SECRET = "", "set"
    client.force_login(owner)
    page = client.get(reverse("networks:list", args=[brand_a.slug])).content.decode()
    assert "Unavailable: the setting X_CLIENT_ID is not configured." in page
    started = client.post(reverse("networks:x_start", args=[brand_a.slug]))
    assert "X_CLIENT_ID" in messages_of(started)[0]


def test_reconnecting_replaces_the_tokens_of_the_same_account(client, owner, brand_a, x_server, account):
    x_server.revoke_all()
    client.force_login(owner)
    started = client.post(reverse("networks:x_start", args=[brand_a.slug]), {"account": account.pk})
    client.get(follow_consent(started["Location"]))
    account.refresh_from_db()
    assert NetworkAccount.objects.count() == 1
    assert account.adapter().check_connection() == "@thedesk"


# --- tokens -------------------------------------------------------------------------------------
def test_an_expired_access_token_is_refreshed_and_the_rotated_refresh_token_kept(account, x_server):
    old = dict(account.credentials)
    x_server.expire(old["access_token"])
    adapter = account.adapter()
    adapter.publish(text="After a refresh", media=[], key="k")
    assert adapter.updated_credentials["refresh_token"] != old["refresh_token"]
    assert len(x_server.requests_to("POST", "/2/oauth2/token")) == 1
    assert x_server.tweets[0]["text"] == "After a refresh"


def test_a_token_known_to_be_expired_is_refreshed_before_the_call(account, x_server):
    account.credentials["access_expires_at"] = (timezone.now() - timedelta(minutes=1)).isoformat()
    adapter = account.adapter()
    adapter.check_connection()
    assert [r.route for r in x_server.requests] == ["/2/oauth2/token", "/2/users/me"]


def test_a_refused_refresh_asks_to_reconnect(account, x_server):
    x_server.revoke_all()
    with pytest.raises(PublishError) as caught:
        account.adapter().publish(text="Hello", media=[], key="k")
    assert caught.value.kind == ErrorKind.RECONNECT
    assert "Value passed for the token was invalid" in caught.value.message
    assert x_server.tweets == []


# --- publishing ---------------------------------------------------------------------------------
def test_images_are_uploaded_then_attached_with_alt_text(account, x_server, tmp_path):
    photos = [image_file(tmp_path, "a.png"), image_file(tmp_path, "b.jpg")]
    result = account.adapter().publish(text="Deux images", media=photos, key="k")
    tweet = x_server.tweets[0]
    assert len(tweet["media_ids"]) == 2 and tweet["alt_texts"] == ["Alt of a.png", "Alt of b.jpg"]
    assert result.url == f"https://x.com/thedesk/status/{result.remote_id}"


def test_a_gif_is_polled_until_processed(account, x_server, tmp_path):
    gif = image_file(tmp_path, "anim.gif")
    adapter = account.adapter()
    adapter.poll_interval = 0.01
    adapter.publish(text="GIF", media=[gif], key="k")
    assert len(x_server.requests_to("GET", "/2/media/upload")) == 2
    assert len(x_server.tweets) == 1


def test_weighted_counting_url_cjk_and_emoji(account):
    adapter = account.adapter()
    assert adapter.count_text("https://example.com/" + "a" * 100, adapter.get_limits()) == 23
    assert adapter.count_text("日本語😀", adapter.get_limits()) == 8
    assert adapter.validate("日" * 140, []) == []
    assert [p.code for p in adapter.validate("日" * 141, [])] == ["text_too_long"]


def test_duplicate_content_is_rejected_in_xs_words(account, x_server):
    account.adapter().publish(text="Same words", media=[], key="k1")
    with pytest.raises(PublishError) as caught:
        account.adapter().publish(text="Same words", media=[], key="k2")
    assert caught.value.kind == ErrorKind.REJECTED and "duplicate content" in caught.value.message


def test_rate_limit_waits_until_xs_reset(account, x_server):
    x_server.rate_limit(reset_in=120)
    with pytest.raises(PublishError) as caught:
        account.adapter().publish(text="Hi", media=[], key="k")
    assert caught.value.kind == ErrorKind.RETRY and 100 < caught.value.retry_after <= 120
