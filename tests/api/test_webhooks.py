"""Outgoing webhooks: made by owners, secret shown once, deliveries signed like the webhook network."""

import base64
import json
import time

import pytest
import requests
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from networks import signing
from notifications.delivery import DeliveryFailed, deliver
from notifications.models import WebhookEndpoint
from posts.models import PostState, TargetState
from posts.publishing import history
from tests.api import builders as b
from tests.networks.servers.receiver import Receiver, SigningReceiver

HOOKS = "/api/brands/brand-a/webhooks/"


def ok(request):
    return 200, {"Content-Type": "application/json"}, b"{}"


def refuse(request):
    return 503, {"Content-Type": "text/plain"}, b"busy"


def _deliveries(callbacks) -> list:
    """The webhook deliveries among the on-commit callbacks (notification emails are others)."""
    task = [getattr(getattr(c, "func", None), "__self__", None) for c in callbacks]
    return [c for c, owner in zip(callbacks, task, strict=True) if getattr(owner, "name", "") == "api.deliver_webhook"]


def test_an_owner_adds_a_webhook_and_sees_its_secret_once(api_as, owner, brand_a):
    client = api_as(owner)
    created = client.post(HOOKS, {"url": "http://127.0.0.1:9/hook", "events": ["post.failed"]}, format="json")
    assert created.status_code == 201, created.content
    endpoint = WebhookEndpoint.objects.get(pk=created.json()["id"])
    assert created.json()["secret"] == endpoint.credentials["secret"]
    assert created.json()["events"] == ["post.failed"]
    listed = client.get(HOOKS)
    assert endpoint.credentials["secret"] not in listed.content.decode()
    assert listed.json()["results"][0]["url"] == "http://127.0.0.1:9/…"  # the path may hold a token


def test_a_private_address_is_refused(api_as, owner, brand_a, settings):
    settings.NETWORKS_ALLOWED_PRIVATE_HOSTS = []
    response = api_as(owner).post(HOOKS, {"url": "http://10.0.0.7/hook", "events": ["post.failed"]}, format="json")
    assert response.status_code == 400 and "url" in response.json()["errors"]
    assert not WebhookEndpoint.objects.exists()


def test_an_address_that_is_not_a_url_is_refused(api_as, owner, brand_a):
    response = api_as(owner).post(HOOKS, {"url": "not an address", "events": ["post.failed"]}, format="json")
    assert response.status_code == 400 and "url" in response.json()["errors"]


def test_at_least_one_event_is_needed(api_as, owner, brand_a):
    response = api_as(owner).post(HOOKS, {"url": "http://127.0.0.1:9/hook", "events": []}, format="json")
    assert response.status_code == 400 and "events" in response.json()["errors"]


def test_submitting_a_post_announces_approval_needed_signed_after_commit(
    api_as, editor, brand_a, people, django_capture_on_commit_callbacks
):
    with Receiver(ok) as receiver:
        endpoint = b.webhook(brand_a, people, url=f"{receiver.url}/hook")
        endpoint.events = ["approval.needed"]
        endpoint.save()
        post = b.post(brand_a, people)
        with django_capture_on_commit_callbacks() as callbacks:
            api_as(editor).post(f"/api/brands/brand-a/posts/{post.pk}/submit/")
        [delivery_call] = _deliveries(callbacks)
        endpoint_id, event, delivery, body = delivery_call.args
        assert deliver(endpoint_id=endpoint_id, event=event, delivery=delivery, body=body) == 200
        [request] = receiver.received
    accepted = signing.verify(
        body=request.body, secret=endpoint.credentials["secret"], headers=request.headers, accept_once=lambda _id: True
    )
    assert accepted == delivery == request.header("X-Delivery-Id")
    assert request.header("X-Webhook-Event") == "approval.needed"
    document = json.loads(request.body)
    assert document["post"] == document["post"] | {"id": post.pk, "state": PostState.IN_REVIEW}
    assert document["brand"] == "brand-a"


def test_the_receiver_acts_once_on_a_delivery_and_refuses_it_replayed_later(brand_a, people):
    with SigningReceiver() as receiver:
        endpoint = b.webhook(brand_a, people, url=f"{receiver.url}/hook")
        receiver.secret = endpoint.credentials["secret"]
        assert deliver(endpoint_id=endpoint.pk, event="post.published", delivery="d-1", body='{"n": 1}') == 200
        # A retry of the same delivery (its answer was lost) is signed anew, and not acted on twice.
        assert deliver(endpoint_id=endpoint.pk, event="post.published", delivery="d-1", body='{"n": 1}') == 200
        first, retry = receiver.received
        assert first.header("X-Delivery-Id") == retry.header("X-Delivery-Id") == "d-1"
        assert receiver.accepted == [{"n": 1}]
        # The captured request, sent again later by someone else, is refused.
        receiver.delivered.clear()
        receiver.clock = lambda: time.time() + signing.TOLERANCE_SECONDS + 60
        replayed = requests.post(receiver.url + first.path, data=first.body, headers=first.headers, timeout=5)
    assert replayed.status_code == 401
    assert receiver.accepted == [{"n": 1}]


def test_moments_nobody_listens_to_send_nothing(api_as, editor, brand_a, people, django_capture_on_commit_callbacks):
    b.webhook(brand_a, people)  # post.published only
    post = b.post(brand_a, people)
    with django_capture_on_commit_callbacks() as callbacks:
        api_as(editor).post(f"/api/brands/brand-a/posts/{post.pk}/submit/")
    assert _deliveries(callbacks) == []


def test_a_refused_delivery_is_recorded_and_raised_for_a_retry(brand_a, people):
    with Receiver(refuse) as receiver:
        endpoint = b.webhook(brand_a, people, url=f"{receiver.url}/hook")
        with pytest.raises(DeliveryFailed):
            deliver(endpoint_id=endpoint.pk, event="post.published", delivery="d1", body="{}")
    endpoint.refresh_from_db()
    assert endpoint.last_status == 503 and "503" in endpoint.last_error


def test_a_brand_without_webhooks_costs_publishing_one_query(brand_a, people, django_assert_num_queries):
    target = b.post(brand_a, people).targets.get()
    with django_assert_num_queries(2):  # the event's INSERT, then the look-up of the brand's webhooks
        history.record(target, TargetState.PUBLISHING, TargetState.PUBLISHED)


# --- addresses holding a user and password or a token ---------------------------------------
def test_an_api_webhook_keeps_its_address_encrypted_and_answers_with_its_host(api_as, owner, brand_a, people):
    typed = "http://robot:s3cr3t@127.0.0.1:9/hooks/T0K3N?key=abc"
    created = api_as(owner).post(
        f"/api/brands/{brand_a.slug}/webhooks/", {"url": typed, "events": ["post.failed"]}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["url"] == "http://127.0.0.1:9/…"
    listed = api_as(owner).get(f"/api/brands/{brand_a.slug}/webhooks/").content.decode()
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.credentials["url"] == typed
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {WebhookEndpoint._meta.db_table}")  # noqa: S608
        stored = str(cursor.fetchall())
    for secret in ("s3cr3t", "T0K3N", "key=abc"):
        assert secret not in listed and secret not in stored


def test_an_api_webhook_delivers_to_its_whole_address(brand_a, people):
    with Receiver(ok) as receiver:
        endpoint = b.webhook(
            brand_a, people, url=receiver.url.replace("://", "://robot:s3cr3t@") + "/hooks/T0K3N?key=abc"
        )
        deliver(endpoint_id=endpoint.pk, event="post.published", delivery="d-1", body="{}")
        [request] = receiver.received
    assert request.path == "/hooks/T0K3N?key=abc"
    assert request.header("Authorization") == "Basic " + base64.b64encode(b"robot:s3cr3t").decode()


@pytest.mark.django_db(transaction=True)
def test_existing_api_webhooks_move_their_address_into_the_credentials(brand_a):
    """The api app's data migration, run on a row as earlier versions wrote it."""
    before, after = [("api", "0002_webhook_endpoints")], [("api", "0003_webhook_address_encrypted")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("api", "WebhookEndpoint")
    typed = "http://robot:s3cr3t@127.0.0.1:9/hooks/T0K3N"
    old.objects.create(brand_id=brand_a.pk, url=typed, events=["post.failed"], credentials={"secret": "s"})
    executor = MigrationExecutor(connection)  # a fresh one reads the migrations now applied
    executor.migrate(after)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.credentials == {"secret": "s", "url": typed}
    assert endpoint.shown_url == "http://127.0.0.1:9/…"
