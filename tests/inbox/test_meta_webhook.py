"""The Meta webhook receiver (inbox/webhooks.py): Meta's subscription check, the signature, the
body's size, and comments pushed by Facebook, Instagram and Threads stored once alongside the poll."""

import hashlib
import hmac
import json
import time

import pytest
from django.urls import reverse

from inbox import webhooks
from inbox.models import Message
from networks import services
from networks.base import Connection, PublishError
from tests.inbox.conftest import poll_now
from tests.networks.oauth_helpers import oauth_data

FB_SECRET, TH_SECRET = "fb-secret-value", "th-secret-value"
URL = "/hooks/meta/"


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.FACEBOOK_APP_ID, settings.FACEBOOK_APP_SECRET = "fb-app", FB_SECRET
    settings.THREADS_APP_ID, settings.THREADS_APP_SECRET = "th-app", TH_SECRET
    settings.META_WEBHOOK_VERIFY_TOKEN = "jeton-de-verification"


@pytest.fixture(autouse=True)
def _no_task_messages(monkeypatch):
    monkeypatch.setattr("inbox.collect._enqueue_polls", lambda claimed, claim: None)
    monkeypatch.setattr("inbox.collect._enqueue_replies", lambda ids: None)


@pytest.fixture
def threads_account(brand_a, owner):
    connection = Connection(
        display_name="The Desk",
        handle="@desk.threads",
        credentials={"access_token": "t"},
        config={"user_id": "25000000000000001", "username": "desk.threads"},
    )
    return services.account_connect(brand=brand_a, user=owner, network="threads", data=oauth_data(connection))


def deliver(client, payload, *, secret=FB_SECRET, signature=None):
    body = json.dumps(payload).encode()
    signed = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(URL, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature or signed)


def feed_change(page_id, post_id, comment_id, text, *, verb="add", parent=None, who=("9001", "Claire Martin")):
    value = {
        "item": "comment",
        "verb": verb,
        "post_id": post_id,
        "comment_id": comment_id,
        "message": text,
        "from": {"id": who[0], "name": who[1]},
        "created_time": int(time.time()),
    }
    if parent:
        value["parent_id"] = parent
    entry = {"id": page_id, "time": int(time.time()), "changes": [{"field": "feed", "value": value}]}
    return {"object": "page", "entry": [entry]}


# --- the subscription check -------------------------------------------------------------------------
def test_the_subscription_check_echoes_the_challenge_to_anyone_with_the_token(client):
    answer = client.get(
        URL, {"hub.mode": "subscribe", "hub.verify_token": "jeton-de-verification", "hub.challenge": "1158201444"}
    )
    assert answer.status_code == 200 and answer.content == b"1158201444"


@pytest.mark.parametrize("token", ["mauvais", ""])
def test_a_wrong_token_is_refused(client, token):
    answer = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1"})
    assert answer.status_code == 403


def test_without_a_configured_token_no_subscription_is_accepted(client, settings):
    settings.META_WEBHOOK_VERIFY_TOKEN = ""
    answer = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"})
    assert answer.status_code == 403


# --- the signature and the size ------------------------------------------------------------------------
def test_a_delivery_with_a_wrong_or_missing_signature_is_refused_and_nothing_is_stored(client, facebook, facebook_page):
    payload = feed_change(facebook_page["id"], f"{facebook_page['id']}_1", "1_2", "Faux")
    assert deliver(client, payload, signature="sha256=" + "0" * 64).status_code == 403
    assert client.post(URL, json.dumps(payload), content_type="application/json").status_code == 403
    assert deliver(client, payload, secret="another-secret").status_code == 403
    assert not Message.objects.exists()


def test_a_delivery_over_the_size_limit_is_refused_before_it_is_read(client, settings, facebook, facebook_page):
    settings.META_WEBHOOK_MAX_BYTES = 500
    payload = feed_change(facebook_page["id"], f"{facebook_page['id']}_1", "1_2", "x" * 1000)
    assert deliver(client, payload).status_code == 413
    assert not Message.objects.exists()


def test_a_threads_delivery_must_be_signed_with_the_threads_secret(client, threads_account):
    payload = {
        "app_id": "th-app",
        "target_id": "25000000000000001",
        "time": int(time.time()),
        "values": {
            "field": "replies",
            "value": {
                "id": "18100000000000099",
                "username": "claire.m",
                "text": "Super !",
                "timestamp": "2026-12-01T10:00:00+0000",
                "permalink": "https://www.threads.net/@claire.m/post/X1",
                "replied_to": {"id": "18100000000000001"},
                "root_post": {"id": "18100000000000001", "owner_id": "25000000000000001", "username": "desk.threads"},
            },
        },
    }
    assert deliver(client, payload, secret=FB_SECRET).status_code == 403
    assert deliver(client, payload, secret=TH_SECRET).status_code == 200
    message = Message.objects.get(remote_id="18100000000000099")
    assert message.account == threads_account and message.text == "Super !" and not message.ours


# --- what is stored ----------------------------------------------------------------------------------------
def test_a_comment_delivered_by_the_webhook_and_read_by_the_poll_is_stored_once(client, graph, facebook, facebook_page):
    post = facebook.adapter().publish(text="Nouveautés", media=[], key="k").remote_id
    comment = graph.comment(on=post, text="J'adore !")
    assert deliver(client, feed_change(facebook_page["id"], post, comment, "J'adore !")).status_code == 200
    assert poll_now(facebook) == "read"
    assert deliver(client, feed_change(facebook_page["id"], post, comment, "J'adore !")).status_code == 200
    assert Message.objects.filter(account=facebook, remote_id=comment).count() == 1
    later = graph.comment(on=post, text="Et livré vite")
    assert poll_now(facebook) == "read"
    deliver(client, feed_change(facebook_page["id"], post, later, "Et livré vite"))
    assert Message.objects.filter(account=facebook).count() == 2


def test_an_edited_comment_keeps_its_latest_words(client, facebook, facebook_page):
    post = f"{facebook_page['id']}_77"
    deliver(client, feed_change(facebook_page["id"], post, "77_1", "Bof"))
    deliver(client, feed_change(facebook_page["id"], post, "77_1", "Finalement très bien", verb="edited"))
    assert Message.objects.get(remote_id="77_1").text == "Finalement très bien"


def test_an_instagram_comment_is_stored_under_its_media(client, brand_a, owner, facebook_page):
    ig = facebook_page["instagram_business_account"]
    connection = Connection(
        display_name="@deskcafe",
        handle="@deskcafe",
        credentials={"page_token": facebook_page["access_token"]},
        config={"ig_user_id": ig["id"], "page_id": facebook_page["id"], "username": "deskcafe"},
    )
    account = services.account_connect(brand=brand_a, user=owner, network="instagram", data=oauth_data(connection))
    value = {
        "id": "17870000000000001",
        "text": "Trop beau",
        "from": {"id": "5", "username": "zoe"},
        "media": {"id": "1795"},
    }
    payload = {
        "object": "instagram",
        "entry": [{"id": ig["id"], "time": 1, "changes": [{"field": "comments", "value": value}]}],
    }
    assert deliver(client, payload).status_code == 200
    message = Message.objects.get(account=account, remote_id="17870000000000001")
    assert message.author_handle == "@zoe" and message.in_reply_to == "1795"


def test_unknown_accounts_fields_and_malformed_values_are_ignored_with_a_log_line(
    client, facebook, facebook_page, caplog
):
    other_page = feed_change("999", "999_1", "1_1", "Ailleurs")
    likes = {
        "object": "page",
        "entry": [
            {"id": facebook_page["id"], "changes": [{"field": "feed", "value": {"item": "reaction", "verb": "add"}}]}
        ],
    }
    broken = {
        "object": "page",
        "entry": [
            {"id": facebook_page["id"], "changes": [{"field": "feed", "value": {"item": "comment", "verb": "add"}}]}
        ],
    }
    odd = [{"object": "page", "entry": 5}, {"object": "user"}, [1, 2]]
    with caplog.at_level("INFO", logger="inbox.webhooks"):
        for payload in [other_page, likes, broken, *odd]:
            assert deliver(client, payload).status_code == 200
        assert deliver(client, {"values": 3}, secret=TH_SECRET).status_code == 200
    assert not Message.objects.exists()
    assert "no connected facebook account 999" in caplog.text and "ignored" in caplog.text


def test_a_signed_body_that_is_not_json_is_answered_without_an_error(client):
    body = b"{not json"
    signed = "sha256=" + hmac.new(FB_SECRET.encode(), body, hashlib.sha256).hexdigest()
    answer = client.post(URL, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signed)
    assert answer.status_code == 200


def test_the_receiver_is_public_and_takes_no_csrf_token(client, facebook, facebook_page):
    csrf_client = type(client)(enforce_csrf_checks=True)
    answer = deliver(csrf_client, feed_change(facebook_page["id"], f"{facebook_page['id']}_5", "5_1", "Coucou"))
    assert answer.status_code == 200 and Message.objects.filter(remote_id="5_1").exists()
    assert reverse("inbox:meta_webhook") == URL
    assert client.put(URL).status_code == 405


# --- Instagram mentions: announced by their ids, read by a task ------------------------------------------
@pytest.fixture
def instagram(graph, facebook_page, brand_a, owner):
    ig = facebook_page["instagram_business_account"]
    connection = Connection(
        display_name="@deskcafe",
        handle="@deskcafe",
        credentials={"page_token": facebook_page["access_token"]},
        config={"ig_user_id": ig["id"], "page_id": facebook_page["id"], "username": "deskcafe"},
    )
    return services.account_connect(brand=brand_a, user=owner, network="instagram", data=oauth_data(connection))


def mentions_change(ig_id, media_id, comment_id=""):
    value = {"media_id": media_id, **({"comment_id": comment_id} if comment_id else {})}
    return {
        "object": "instagram",
        "entry": [{"id": ig_id, "time": 1, "changes": [{"field": "mentions", "value": value}]}],
    }


@pytest.mark.parametrize("in_comment", [True, False])
def test_an_instagram_mention_is_read_by_its_ids_and_stored_once(
    client, graph, facebook_page, instagram, monkeypatch, django_capture_on_commit_callbacks, in_comment
):
    enqueued = []
    monkeypatch.setattr("inbox.tasks.read_mention.delay", lambda *args: enqueued.append(args))
    media_id, comment_id = graph.mention_elsewhere("Le meilleur café : @deskcafe", in_comment=in_comment)
    ig_id = facebook_page["instagram_business_account"]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, mentions_change(ig_id, media_id, comment_id)).status_code == 200
    assert enqueued == [(instagram.pk, media_id, comment_id)]
    assert webhooks.mention_read(account_id=instagram.pk, media_id=media_id, comment_id=comment_id) == "stored"
    assert webhooks.mention_read(account_id=instagram.pk, media_id=media_id, comment_id=comment_id) == "stored"
    message = Message.objects.get(account=instagram)
    assert (message.remote_id, message.text) == (comment_id or media_id, "Le meilleur café : @deskcafe")
    assert message.kind == "mention" and message.author_handle == "@lea.b"


def test_a_mention_that_cannot_be_read_now_is_logged_and_raised_for_the_task_to_retry(graph, instagram, caplog):
    graph.throttle_reads(minutes=2)
    with pytest.raises(PublishError) as caught:
        webhooks.mention_read(account_id=instagram.pk, media_id="404", comment_id="405")
    assert caught.value.retry_after == 120
    assert "could not be read" in caplog.text and not Message.objects.exists()


def test_a_mention_of_an_account_since_disconnected_is_skipped(instagram):
    instagram.status = "disabled"
    instagram.save()
    assert webhooks.mention_read(account_id=instagram.pk, media_id="1", comment_id="") == "skipped"
