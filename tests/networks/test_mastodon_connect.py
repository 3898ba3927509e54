"""Connecting Mastodon from the Networks page: OAuth end to end and token paste, against the
local server, and the bad inputs (not Mastodon, unreachable, private, wrong token)."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.messages import get_messages
from django.urls import reverse

from networks.models import MastodonApp, NetworkAccount
from networks.oauth import SESSION_KEY
from tests.networks.servers.receiver import Receiver, closed_port


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def start_oauth(client, brand, instance_url):
    return client.post(reverse("networks:mastodon_start", args=[brand.slug]), {"instance_url": instance_url})


def authorize_on_server(authorize_url: str) -> str:
    """The person clicks "Authorize" on their server: it redirects back to us with a code."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    return f"{back.path}?{back.query}"


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_owner_connects_by_oauth_end_to_end(owner_client, brand_a, mastodon_server):
    started = start_oauth(owner_client, brand_a, mastodon_server.url)
    assert started.status_code == 302 and started["Location"].startswith(f"{mastodon_server.url}/oauth/authorize?")
    query = parse_qs(urlsplit(started["Location"]).query)
    assert query["scope"] == ["write:statuses write:media read:accounts read:statuses read:notifications read:search"]

    finished = owner_client.get(authorize_on_server(started["Location"]))

    assert finished["Location"] == reverse("networks:list", args=[brand_a.slug])
    account = NetworkAccount.objects.get(brand=brand_a, network="mastodon")
    assert account.handle == f"@desk@127.0.0.1:{mastodon_server.port}"
    assert account.config["max_characters"] == 500 and account.config["url_weight"] == 23
    token_request = mastodon_server.requests_to("POST", "/oauth/token")[0]
    app = MastodonApp.objects.get()
    assert token_request.form["client_secret"] == [app.secrets["client_secret"]]
    assert token_request.form["code"] and token_request.form["redirect_uri"] == [app.redirect_uri]
    verify = requests.get(
        f"{mastodon_server.url}/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {account.credentials['access_token']}"},
        timeout=5,
    )
    assert verify.status_code == 200


def test_the_app_is_registered_once_per_instance(owner_client, brand_a, mastodon_server):
    for _ in range(2):
        owner_client.get(authorize_on_server(start_oauth(owner_client, brand_a, mastodon_server.url)["Location"]))
    assert len(mastodon_server.requests_to("POST", "/api/v1/apps")) == 1
    assert MastodonApp.objects.count() == 1
    assert NetworkAccount.objects.filter(network="mastodon").count() == 1  # the same account, updated


def test_a_callback_whose_state_does_not_match_is_refused(owner_client, brand_a, mastodon_server):
    started = start_oauth(owner_client, brand_a, mastodon_server.url)
    callback = authorize_on_server(started["Location"]).replace("state=", "state=forged")

    answer = owner_client.get(callback, follow=True)

    assert "does not match a connection you started" in answer.content.decode()
    assert not NetworkAccount.objects.exists()
    assert mastodon_server.requests_to("POST", "/oauth/token") == []


def test_a_callback_without_a_started_flow_is_refused(owner_client, mastodon_server):
    answer = owner_client.get(reverse("networks:mastodon_callback") + "?code=abc&state=abc")
    assert answer.status_code == 302
    assert "does not match" in texts(answer)[0]
    assert not NetworkAccount.objects.exists()


def test_owner_connects_by_pasting_a_token(owner_client, brand_a, mastodon_server):
    answer = owner_client.post(
        reverse("networks:connect", args=[brand_a.slug, "mastodon"]),
        {"instance_url": mastodon_server.url, "access_token": mastodon_server.token},
    )
    assert answer.status_code == 302
    account = NetworkAccount.objects.get(brand=brand_a)
    assert account.credentials == {"access_token": mastodon_server.token}
    assert "is connected" in texts(answer)[0]


def _paste(client, brand, instance_url, token="a-secret-token-value-123"):
    return client.post(
        reverse("networks:connect", args=[brand.slug, "mastodon"]),
        {"instance_url": instance_url, "access_token": token},
    )


def _assert_refused(answer, words: str, secret: str = "a-secret-token-value-123"):
    page = answer.content.decode()
    assert answer.status_code == 200
    assert words in page
    assert secret not in page
    assert not NetworkAccount.objects.exists()
    assert not MastodonApp.objects.exists()


def test_a_wrong_token_is_refused_naming_the_server(owner_client, brand_a, mastodon_server):
    _assert_refused(_paste(owner_client, brand_a, mastodon_server.url), "refused this access token")


def test_an_instance_that_is_not_mastodon_is_refused(owner_client, brand_a):
    with Receiver() as not_mastodon:  # answers 404 to /api/v2/instance
        _assert_refused(_paste(owner_client, brand_a, not_mastodon.url), "does not answer like a Mastodon server")
        _assert_refused(start_oauth(owner_client, brand_a, not_mastodon.url), "does not answer like a Mastodon server")


def test_an_unreachable_instance_is_refused(owner_client, brand_a):
    url = f"http://127.0.0.1:{closed_port()}"
    _assert_refused(_paste(owner_client, brand_a, url), "could not be reached")
    _assert_refused(start_oauth(owner_client, brand_a, url), "could not be reached")


def test_a_private_instance_is_refused_in_production_settings(owner_client, brand_a, mastodon_server, settings):
    settings.NETWORKS_ALLOWED_PRIVATE_HOSTS = []
    _assert_refused(
        _paste(owner_client, brand_a, mastodon_server.url, mastodon_server.token),
        "private or local",
        mastodon_server.token,
    )
    _assert_refused(start_oauth(owner_client, brand_a, mastodon_server.url), "private or local")
    assert mastodon_server.requests == []  # not a single request reached it


def test_an_editor_cannot_start_or_finish_a_connection(client, editor, owner, brand_a, mastodon_server):
    client.force_login(owner)
    started = start_oauth(client, brand_a, mastodon_server.url)
    callback = authorize_on_server(started["Location"])
    session_state = client.session[SESSION_KEY]
    client.force_login(editor)
    session = client.session
    session[SESSION_KEY] = session_state
    session.save()
    assert client.get(callback).status_code == 403
    assert not NetworkAccount.objects.exists()


def test_an_owner_reconnects_a_flagged_account_by_pasting_a_new_token(owner_client, brand_a, mastodon_server):
    from networks import services
    from networks.models import AccountStatus

    _paste(owner_client, brand_a, mastodon_server.url, mastodon_server.token)
    account = NetworkAccount.objects.get()
    services.account_mark_needs_reconnect(account=account, message="The access token is invalid")
    fresh = mastodon_server.new_token()

    page = owner_client.get(reverse("networks:reconnect", args=[brand_a.slug, account.pk])).content.decode()
    assert mastodon_server.url in page  # the OAuth form is prefilled with the account's server
    owner_client.post(
        reverse("networks:reconnect", args=[brand_a.slug, account.pk]),
        {"instance_url": mastodon_server.url, "access_token": fresh},
    )

    account.refresh_from_db()
    assert (account.status, account.last_error) == (AccountStatus.CONNECTED, "")
    assert account.credentials["access_token"] == fresh
    assert NetworkAccount.objects.count() == 1


def test_an_owner_reconnects_by_oauth_the_same_account(owner_client, brand_a, mastodon_server):
    _paste(owner_client, brand_a, mastodon_server.url, mastodon_server.token)
    account = NetworkAccount.objects.get()
    started = owner_client.post(
        reverse("networks:mastodon_start", args=[brand_a.slug]),
        {"instance_url": mastodon_server.url, "account": account.pk},
    )
    owner_client.get(authorize_on_server(started["Location"]))
    account.refresh_from_db()
    assert account.credentials["access_token"] != mastodon_server.token
    assert NetworkAccount.objects.count() == 1


def test_another_brands_account_cannot_be_reconnected_through_oauth(owner_client, brand_a, brand_b, mastodon_server):
    from tests.factories import NetworkAccountFactory

    theirs = NetworkAccountFactory(brand=brand_b, network="mastodon")
    answer = owner_client.post(
        reverse("networks:mastodon_start", args=[brand_a.slug]),
        {"instance_url": mastodon_server.url, "account": theirs.pk},
    )
    assert answer.status_code == 404
