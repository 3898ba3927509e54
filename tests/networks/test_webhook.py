"""The webhook adapter against a local receiver that checks the signature."""

import time
import uuid

import pytest
import requests
from django.urls import reverse

from networks import services, signing
from networks.base import ErrorKind, MediaFile, PublishError
from networks.models import NetworkAccount
from tests.networks.contract import AdapterContract, ContractSetup
from tests.networks.servers.receiver import SigningReceiver


@pytest.fixture
def receiver():
    with SigningReceiver() as server:
        yield server


@pytest.fixture
def hook(brand_a, owner, receiver):
    # A receiver that wants a user and password in its address (basic authentication).
    url = receiver.url.replace("http://", "http://hookuser:hookpass@") + "/hook?t=abc"
    account = services.account_connect(
        brand=brand_a, user=owner, network="webhook", data={"name": "Intranet", "url": url}
    )
    receiver.secret = account.credentials["secret"]
    return account


class TestWebhookContract(AdapterContract):
    network = "webhook"

    @pytest.fixture
    def contract(self, hook, receiver, settings):
        settings.HTTP_TIMEOUT = (2.0, 0.5)

        def stall():
            receiver.delay = 1.5

        return ContractSetup(
            account=hook,
            published_count=lambda: len(receiver.accepted),
            failures={
                ErrorKind.RETRY: lambda: receiver.statuses.append(503),
                ErrorKind.REJECTED: lambda: receiver.statuses.append(400),
                ErrorKind.RECONNECT: lambda: receiver.statuses.append(410),
                ErrorKind.UNKNOWN: stall,
            },
            secrets=[hook.credentials["secret"], "t=abc", "hookpass"],
        )


def test_the_receiver_gets_a_signed_document_with_the_key(hook, receiver, tmp_path):
    key = uuid.uuid4().hex
    photo = MediaFile(
        name="p.png", content_type="image/png", size=10, alt_text="A cat", public_url="https://desk.example/m/p.png"
    )

    result = hook.adapter().publish(text="Bonjour 🎉", media=[photo], key=key)

    (request,) = receiver.received
    assert request.method == "POST" and request.path == "/hook?t=abc"
    assert request.header("Idempotency-Key") == key
    assert receiver.accepted == [
        {
            "key": key,
            "text": "Bonjour 🎉",
            "post_url": None,
            "media": [{"url": "https://desk.example/m/p.png", "alt_text": "A cat", "content_type": "image/png"}],
        }
    ]
    assert result.remote_id == "r-1"


def _resend(receiver, request) -> requests.Response:
    """What an attacker who captured a delivery would do: send the same bytes again."""
    return requests.post(receiver.url + request.path, data=request.body, headers=request.headers, timeout=5)


def test_a_captured_delivery_sent_again_is_not_acted_on_twice(hook, receiver):
    hook.adapter().publish(text="Once", media=[], key=uuid.uuid4().hex)
    [request] = receiver.received
    assert request.header("X-Delivery-Id") and request.header("X-Timestamp")
    again = _resend(receiver, request)
    assert again.json() == {"duplicate": True} and len(receiver.accepted) == 1


def test_a_captured_delivery_sent_after_the_tolerance_is_refused(hook, receiver):
    hook.adapter().publish(text="Once", media=[], key=uuid.uuid4().hex)
    [request] = receiver.received
    receiver.delivered.clear()  # a receiver forgets ids once older than the tolerance...
    receiver.clock = lambda: time.time() + signing.TOLERANCE_SECONDS + 60  # ...and that much later:
    assert _resend(receiver, request).status_code == 401
    assert len(receiver.accepted) == 1


def test_the_same_post_sent_again_carries_the_same_delivery_id(hook, receiver):
    key = uuid.uuid4().hex
    receiver.statuses.append(503)
    with pytest.raises(PublishError):
        hook.adapter().publish(text="Retried", media=[], key=key)
    hook.adapter().publish(text="Retried", media=[], key=key)
    first, second = receiver.received
    assert first.header("X-Delivery-Id") == second.header("X-Delivery-Id") == key
    assert len(receiver.accepted) == 1


def test_a_wrong_secret_is_refused_by_the_receiver_and_asks_for_reconnection(hook, receiver):
    receiver.secret = "not-the-secret"
    with pytest.raises(PublishError) as caught:
        hook.adapter().publish(text="Hi", media=[], key=uuid.uuid4().hex)
    assert caught.value.kind == ErrorKind.RECONNECT
    assert receiver.accepted == []


def test_a_retry_after_header_is_passed_on(hook, receiver):
    receiver.statuses.append(429)
    with pytest.raises(PublishError) as caught:
        hook.adapter().publish(text="Hi", media=[], key=uuid.uuid4().hex)
    assert (caught.value.kind, caught.value.retry_after) == (ErrorKind.RETRY, 7.0)


def test_the_secret_is_shown_once_when_connecting(client, owner, brand_a, receiver):
    client.force_login(owner)
    answer = client.post(
        reverse("networks:connect", args=[brand_a.slug, "webhook"]), {"name": "Intranet", "url": f"{receiver.url}/h"}
    )
    secret = NetworkAccount.objects.get().credentials["secret"]
    assert answer.status_code == 200 and secret in answer.content.decode()
    assert secret not in client.get(reverse("networks:list", args=[brand_a.slug])).content.decode()


def test_a_webhook_to_loopback_is_refused_without_the_allow_list(client, owner, brand_a, receiver, settings):
    settings.NETWORKS_ALLOWED_PRIVATE_HOSTS = []
    client.force_login(owner)
    answer = client.post(
        reverse("networks:connect", args=[brand_a.slug, "webhook"]),
        {"name": "Intranet", "url": f"{receiver.url}/hook?token=s3cret-in-url"},
    )
    page = answer.content.decode()
    assert "private or local address" in page
    assert "s3cret-in-url" not in page.split("<form")[0]  # the message does not repeat it
    assert not NetworkAccount.objects.exists()
    assert receiver.received == []


def test_a_webhook_that_turned_private_is_not_called(hook, receiver, settings):
    settings.NETWORKS_ALLOWED_PRIVATE_HOSTS = []
    with pytest.raises(PublishError) as caught:
        hook.adapter().publish(text="Hi", media=[], key=uuid.uuid4().hex)
    assert caught.value.kind == ErrorKind.RECONNECT
    assert receiver.received == []


def test_two_webhooks_on_one_host_are_two_accounts(brand_a, owner, receiver):
    for name, path in (("Intranet", "/a"), ("Archive", "/b")):
        services.account_connect(
            brand=brand_a, user=owner, network="webhook", data={"name": name, "url": f"{receiver.url}{path}"}
        )
    assert sorted(NetworkAccount.objects.values_list("display_name", flat=True)) == ["Archive", "Intranet"]
