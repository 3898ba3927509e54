"""Addresses people type (a webhook, a Mastodon or Bluesky server, an outgoing webhook of the API)
may carry a user and password: they are used to send, and shown nowhere."""

import base64
import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from networks import http, services
from networks.adapters.base import PublishError
from networks.models import NetworkAccount
from notifications.models import Notification, NotificationKind
from tests.factories import PostFactory, PostTargetFactory
from tests.networks.servers.receiver import Receiver


def with_userinfo(url: str, userinfo: str = "hookuser:hookpass") -> str:
    return url.replace("://", f"://{userinfo}@", 1)


def answer(status):
    return lambda request: (status, {"Content-Type": "application/json"}, b"{}")


@pytest.mark.parametrize(
    ("url", "host", "origin", "shown"),
    [
        (
            "https://u:p@Hooks.Example.com:8443/t/abc?k=1",
            "hooks.example.com:8443",
            "https://hooks.example.com:8443",
            "https://hooks.example.com:8443/…",
        ),
        ("http://u:p@[::1]:9/hook", "[::1]:9", "http://[::1]:9", "http://[::1]:9/…"),
        ("https://u@mastodon.social/", "mastodon.social", "https://mastodon.social", "https://mastodon.social/"),
        ("https://h.example?token=1", "h.example", "https://h.example", "https://h.example/…"),
    ],
)
def test_what_is_shown_of_an_address_never_holds_its_userinfo_path_or_query(url, host, origin, shown):
    assert (http.url_host(url), http.url_origin(url), http.url_redacted(url)) == (host, origin, shown)


def test_a_webhook_with_a_user_and_password_is_shown_by_its_host_alone(client, viewer, owner, brand_a):
    with Receiver(answer(200)) as receiver:
        url = with_userinfo(f"{receiver.url}/hook")
        account = services.account_connect(
            brand=brand_a, user=owner, network="webhook", data={"name": "Intranet", "url": url}
        )
        account.adapter().publish(text="Hello", media=[], key="k-1")
        [request] = receiver.received
    # Sent with the address as typed: the receiver gets its user and password...
    assert request.header("Authorization") == "Basic " + base64.b64encode(b"hookuser:hookpass").decode()
    # ...which are shown to nobody, and kept only encrypted.
    client.force_login(viewer)
    page = client.get(reverse("networks:list", args=[brand_a.slug])).content.decode()
    assert receiver.url.removeprefix("http://") in page
    assert "hookpass" not in page and "hookuser" not in page
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT config, credentials, handle FROM {NetworkAccount._meta.db_table}")  # noqa: S608
        assert "hookpass" not in str(cursor.fetchall())


def test_a_failing_webhook_names_its_host_without_the_password_in_errors_and_notifications(owner, editor, brand_a):
    with Receiver(answer(400)) as receiver:
        url = with_userinfo(f"{receiver.url}/hook")
        account = services.account_connect(
            brand=brand_a, user=owner, network="webhook", data={"name": "Intranet", "url": url}
        )
        with pytest.raises(PublishError) as caught:
            account.adapter().publish(text="Hello", media=[], key="k-2")
    assert receiver.url.removeprefix("http://") in caught.value.message and "hookpass" not in caught.value.message
    from posts.notices import notify_publish_failed

    target = PostTargetFactory(
        post=PostFactory(brand=brand_a, author=editor), account=account, last_error=caught.value.message
    )
    notify_publish_failed(target=target)
    [note] = Notification.objects.filter(user=editor, kind=NotificationKind.PUBLISH_FAILED)
    assert receiver.url.removeprefix("http://") in note.message and "hookpass" not in note.message


def test_a_mastodon_server_typed_with_a_user_and_password_is_kept_without_them(client, owner, brand_a, mastodon_server):
    client.force_login(owner)
    answered = client.post(
        reverse("networks:connect", args=[brand_a.slug, "mastodon"]),
        {"instance_url": with_userinfo(mastodon_server.url, "me:pw"), "access_token": mastodon_server.token},
    )
    assert answered.status_code == 302
    account = NetworkAccount.objects.get(brand=brand_a, network="mastodon")
    assert account.config["instance_url"] == mastodon_server.url
    assert account.handle == f"@desk@127.0.0.1:{mastodon_server.port}"


def test_existing_rows_lose_the_userinfo_they_kept_in_clear(brand_a, editor):
    """The data migration, run on rows as earlier versions wrote them."""
    scrub = importlib.import_module("posts.migrations.0009_user_typed_urls_without_credentials").scrub
    leak = "user:pw@127.0.0.1:9"
    hook = NetworkAccount.objects.create(
        brand=brand_a,
        network="webhook",
        display_name="Intranet",
        credentials={"url": f"http://{leak}/h", "secret": "s"},
        config={"host": leak},
        last_error=f"The webhook {leak} could not be reached; the post will be tried again.",
    )
    mastodon = NetworkAccount.objects.create(
        brand=brand_a,
        network="mastodon",
        display_name="Masto",
        handle=f"@desk@{leak}",
        credentials={"access_token": "t"},
        config={"instance_url": f"http://{leak}", "max_characters": 500},
    )
    target = PostTargetFactory(post=PostFactory(brand=brand_a, author=editor), account=hook, last_error=hook.last_error)
    note = Notification.objects.create(
        user=editor,
        brand=brand_a,
        kind=NotificationKind.PUBLISH_FAILED,
        message=f"Publishing failed: {hook.last_error}",
    )

    # The registry as the migration saw it (Notification was the posts app's then); same tables.
    scrub(MigrationLoader(connection).project_state(("posts", "0009_user_typed_urls_without_credentials")).apps, None)

    hook.refresh_from_db(), mastodon.refresh_from_db(), target.refresh_from_db(), note.refresh_from_db()
    assert hook.config == {"host": "127.0.0.1:9"} and hook.credentials["url"] == f"http://{leak}/h"
    assert mastodon.config == {"instance_url": "http://127.0.0.1:9", "max_characters": 500}
    assert mastodon.handle == "@desk@127.0.0.1:9"
    for text in (hook.last_error, target.last_error, note.message):
        assert "127.0.0.1:9" in text and "user:pw" not in text
