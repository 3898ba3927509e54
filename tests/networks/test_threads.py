"""Threads against a local Threads API: OAuth with the long-lived exchange, text, image and
carousel containers, 500 characters, the public-URL rule, token refresh and errors."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from networks import services
from networks.base import Connection, ErrorKind, PublishError
from networks.models import NetworkAccount
from tests.networks.contract import AdapterContract, ContractSetup
from tests.networks.oauth_helpers import follow_consent, messages_of, oauth_data
from tests.networks.samples import image_file
from tests.networks.servers.graph import ThreadsServer

SITE = "https://desk.example.com"


@pytest.fixture
def threads(settings):
    with ThreadsServer(app_id="th-app", app_secret="th-secret-value") as server:
        settings.THREADS_APP_ID, settings.THREADS_APP_SECRET = server.app_id, server.app_secret
        settings.THREADS_API_URL = server.api_url
        settings.THREADS_AUTHORIZE_URL = server.authorize_url
        settings.SITE_URL = SITE
        yield server


@pytest.fixture
def account(threads, brand_a, owner):
    connection = Connection(
        display_name="The Desk",
        handle="@desk.threads",
        credentials={
            "access_token": threads.long_lived_token(),
            "issued_at": (timezone.now() - timedelta(days=2)).isoformat(),
        },
        config={"user_id": threads.user["id"], "username": "desk.threads"},
        token_expires_at=timezone.now() + timedelta(days=5),
    )
    return services.account_connect(brand=brand_a, user=owner, network="threads", data=oauth_data(connection))


@pytest.fixture
def adapter(account):
    adapter = account.adapter()
    adapter.poll_interval = 0.01
    return adapter


class TestThreadsContract(AdapterContract):
    network = "threads"

    @pytest.fixture
    def adapter(self, account):
        adapter = account.adapter()
        adapter.poll_interval = 0.01
        return adapter

    @pytest.fixture
    def contract(self, threads, account):
        return ContractSetup(
            account=account,
            published_count=lambda: len(threads.threads),
            failures={
                ErrorKind.REJECTED: lambda: threads.fail_next(400, path="/v1.0/", method="POST"),
                ErrorKind.RETRY: lambda: threads.fail_next(500, path="/v1.0/", method="POST"),
                ErrorKind.UNKNOWN: lambda: threads.drop_next(path=f"/v1.0/{threads.user['id']}/threads_publish"),
                ErrorKind.RECONNECT: threads.expire_tokens,
            },
            secrets=[account.credentials["access_token"], "th-secret-value"],
        )


def test_owner_connects_by_oauth_with_the_long_lived_exchange(client, owner, brand_a, threads):
    client.force_login(owner)
    started = client.post(reverse("networks:threads_start", args=[brand_a.slug]))
    assert "threads_content_publish" in started["Location"]
    answer = client.get(follow_consent(started["Location"]))
    assert answer["Location"] == reverse("networks:list", args=[brand_a.slug])
    account = NetworkAccount.objects.get(brand=brand_a, network="threads")
    assert account.handle == "@desk.threads"
    assert threads.tokens[account.credentials["access_token"]] == "long"
    assert timedelta(days=59) < account.token_expires_at - timezone.now() <= timedelta(days=60)


def test_a_forged_state_is_refused(client, owner, brand_a, threads):
    client.force_login(owner)
    forged = follow_consent(client.post(reverse("networks:threads_start", args=[brand_a.slug]))["Location"])
    answer = client.get(forged.replace("state=", "state=no"))
    assert "does not match a connection you started" in messages_of(answer)[0]
    assert threads.requests_to("POST", "/oauth/access_token") == []


def test_text_is_a_container_then_published(adapter, threads):
    result = adapter.publish(text="Bonjour Threads", media=[], key="k")
    assert threads.threads[0]["text"] == "Bonjour Threads"
    assert result.url == f"https://www.threads.net/@desk.threads/post/{threads.threads[0]['code']}"


def test_images_go_by_their_public_url_single_and_carousel(adapter, threads, tmp_path):
    one = image_file(tmp_path, "a.jpg", public_base=SITE)
    adapter.publish(text="Une", media=[one], key="k1")
    assert threads.threads[0]["images"] == [f"{SITE}/media/a.jpg"]
    several = [image_file(tmp_path, f"p{i}.png", public_base=SITE) for i in range(3)]
    adapter.publish(text="Trois", media=several, key="k2")
    assert len(threads.threads[1]["images"]) == 3


def test_a_local_site_cannot_publish_images_and_says_why(adapter, threads, tmp_path, settings):
    settings.SITE_URL = "http://localhost:8000"
    one = image_file(tmp_path, "a.jpg", public_base="http://localhost:8000")
    assert [p.code for p in adapter.validate("Hi", [one])] == ["site_not_public"]
    assert adapter.validate("Text only is fine", []) == []
    with pytest.raises(PublishError) as caught:
        adapter.publish(text="Hi", media=[one], key="k")
    assert caught.value.kind == ErrorKind.REJECTED and threads.requests == []


def test_text_over_500_is_refused_by_validate_and_by_threads(adapter, threads):
    assert [p.code for p in adapter.validate("x" * 501, [])] == ["text_too_long"]
    with pytest.raises(PublishError) as caught:
        adapter.publish(text="x" * 501, media=[], key="k")
    assert caught.value.kind == ErrorKind.REJECTED and "at most 500 characters" in caught.value.message


def test_a_container_not_ready_in_time_is_tried_again_later_in_the_users_language(adapter, threads):
    threads.container_polls = 1000
    adapter.poll_timeout = 0.05
    with translation.override("fr"), pytest.raises(PublishError) as caught:
        adapter.publish(text="Bonjour", media=[], key="k")
    assert caught.value.kind == ErrorKind.RETRY and caught.value.retry_after == 60
    assert caught.value.message == "Threads n’a pas fini de préparer la publication à temps\u00a0; elle sera retentée."
    assert threads.threads == [] and threads.requests_to("POST", f"/v1.0/{threads.user['id']}/threads_publish") == []


def test_refresh_gives_a_new_60_day_token(account, threads):
    credentials = account.adapter().refresh_credentials()
    assert credentials["access_token"] != account.credentials["access_token"]
    assert threads.tokens[credentials["access_token"]] == "long"


def test_a_token_less_than_a_day_old_is_not_refreshed(account, threads):
    account.credentials["issued_at"] = timezone.now().isoformat()
    assert account.adapter().refresh_credentials() is None
    assert threads.requests == []
