"""Token health: beat renews OAuth tokens before they expire (against the local X and Threads
servers), flags the accounts whose renewal is refused, and warns the owners of tokens that
cannot be renewed (LinkedIn), listing the posts at risk, by email and on the Networks page."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cm_platform.celery import app
from networks import services
from networks.base import Connection
from networks.models import AccountStatus, NetworkAccount
from networks.tasks import refresh_tokens
from networks.tokens import token_health_check
from networks.x.adapter import _tokens_from
from tests.factories import PostFactory, PostTargetFactory
from tests.networks.oauth_helpers import oauth_data
from tests.networks.servers.graph import ThreadsServer
from tests.networks.servers.x import XServer


def _connect(brand, user, network, **fields) -> NetworkAccount:
    return services.account_connect(brand=brand, user=user, network=network, data=oauth_data(Connection(**fields)))


@pytest.fixture
def x_server(settings):
    with XServer(client_id="c", client_secret="s") as server:
        settings.X_CLIENT_ID, settings.X_CLIENT_SECRET, settings.X_API_URL = "c", "s", server.url
        yield server


@pytest.fixture
def x_account(x_server, brand_a, owner):
    tokens = _tokens_from(x_server.issue_tokens(expires_in=600))  # ten minutes left
    config = {"user_id": "1", "username": "thedesk"}
    return _connect(brand_a, owner, "x", display_name="Desk", handle="@thedesk", credentials=tokens, config=config)


@pytest.fixture
def linkedin_account(brand_a, owner, settings):
    settings.LINKEDIN_CLIENT_ID, settings.LINKEDIN_CLIENT_SECRET = "c", "s"
    return _connect(
        brand_a,
        owner,
        "linkedin",
        display_name="Desk Corp",
        handle="urn:li:organization:1",
        credentials={"access_token": "no-refresh-token-here"},
        config={"author": "urn:li:organization:1"},
        token_expires_at=timezone.now() + timedelta(days=5),
    )


def test_beat_runs_the_refresh_task():
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-network-tokens"]
    assert entry["task"] == "networks.refresh_tokens" and entry["schedule"] <= 3600
    app.loader.import_default_modules()
    assert "networks.refresh_tokens" in app.tasks


def test_an_x_token_about_to_expire_is_renewed_and_the_rotated_refresh_token_saved(x_account, x_server):
    old = dict(x_account.credentials)
    assert refresh_tokens()["refreshed"] == 1
    x_account.refresh_from_db()
    assert x_account.credentials["refresh_token"] != old["refresh_token"]
    assert x_account.credentials["refresh_token"] in x_server.refresh_tokens
    assert old["refresh_token"] not in x_server.refresh_tokens  # used once, gone
    assert x_account.adapter().check_connection() == "@thedesk"
    assert token_health_check().refreshed == 0  # fresh for two hours now


def test_a_refused_renewal_flags_the_account_and_tells_the_owners(
    x_account, x_server, owner, django_capture_on_commit_callbacks
):
    x_server.revoke_all()
    with django_capture_on_commit_callbacks(execute=True):
        report = token_health_check()
    assert report.failed == 1
    x_account.refresh_from_db()
    assert x_account.status == AccountStatus.NEEDS_RECONNECT
    assert "Value passed for the token was invalid" in x_account.last_error
    assert [m.to for m in mail.outbox] == [[owner.email]]


def test_a_token_that_cannot_be_renewed_is_announced_once_with_the_posts_at_risk(
    linkedin_account, brand_a, owner, client, django_capture_on_commit_callbacks
):
    later = PostFactory(brand=brand_a, text="Lancement du printemps", scheduled_at=timezone.now() + timedelta(days=10))
    sooner = PostFactory(brand=brand_a, text="Demain matin", scheduled_at=timezone.now() + timedelta(days=1))
    for post in (later, sooner):
        PostTargetFactory(post=post, account=linkedin_account)

    with django_capture_on_commit_callbacks(execute=True):
        assert token_health_check().warned == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert token_health_check().warned == 0  # once per expiry date

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Lancement du printemps" in body and "Demain matin" not in body
    assert "cannot be renewed automatically" in body
    client.force_login(owner)
    page = client.get(reverse("networks:list", args=[brand_a.slug])).content.decode()
    assert "The access to this account ends in" in page
    assert reverse("posts:detail", args=[brand_a.slug, later.pk]) in page
    assert reverse("posts:detail", args=[brand_a.slug, sooner.pk]) not in page


def test_an_expired_token_flags_the_account(linkedin_account):
    NetworkAccount.objects.filter(pk=linkedin_account.pk).update(token_expires_at=timezone.now() - timedelta(hours=1))
    assert token_health_check().expired == 1
    linkedin_account.refresh_from_db()
    assert linkedin_account.status == AccountStatus.NEEDS_RECONNECT
    assert "ended on" in linkedin_account.last_error


def test_a_threads_token_within_the_warning_window_gets_60_more_days(brand_a, owner, settings):
    with ThreadsServer(app_id="a", app_secret="b") as threads:
        settings.THREADS_APP_ID, settings.THREADS_APP_SECRET, settings.THREADS_API_URL = "a", "b", threads.api_url
        account = _connect(
            brand_a,
            owner,
            "threads",
            display_name="Desk",
            handle="@desk",
            credentials={"access_token": threads.long_lived_token(), "issued_at": "2026-01-01T00:00:00+00:00"},
            config={"user_id": threads.user["id"], "username": "desk"},
            token_expires_at=timezone.now() + timedelta(days=3),
        )
        assert token_health_check().refreshed == 1
    account.refresh_from_db()
    assert account.token_expires_at - timezone.now() > timedelta(days=59)
    assert "token_expires_at" not in account.credentials
    assert mail.outbox == []
