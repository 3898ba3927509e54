"""Account services: the revoked-token flow, checking, disconnecting, networks not configured."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from networks import services
from networks.base import ErrorKind, PublishError
from networks.models import AccountStatus, NetworkAccount
from networks.selectors import targets_at_risk
from networks.webfeed.adapter import WebFeedAdapter
from posts.models import TargetState
from tests.factories import NetworkAccountFactory, PostTargetFactory
from tests.networks.test_mastodon import connect_account


@pytest.fixture
def mastodon_account(brand_a, mastodon_server):
    return connect_account(brand_a, mastodon_server)


def test_a_revoked_token_flags_the_account_its_pending_posts_and_tells_the_owners(
    brand_a, owner, manager, mastodon_account, mastodon_server, django_capture_on_commit_callbacks
):
    pending = PostTargetFactory(post__brand=brand_a, account=mastodon_account)
    PostTargetFactory(post__brand=brand_a, account=mastodon_account, state=TargetState.PUBLISHED)
    assert not targets_at_risk(mastodon_account).exists()
    mastodon_server.revoke(mastodon_server.token)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PublishError) as caught:
        services.account_check(account=mastodon_account, user=owner)

    assert caught.value.kind == ErrorKind.RECONNECT
    mastodon_account.refresh_from_db()
    assert mastodon_account.status == AccountStatus.NEEDS_RECONNECT
    assert "reconnect" in mastodon_account.last_error and mastodon_account.last_error_at
    assert list(targets_at_risk(mastodon_account)) == [pending]
    (message,) = mail.outbox
    assert message.to == [owner.email]
    assert "1" in message.body and mastodon_server.token not in message.body


def test_owners_are_told_once_while_the_account_stays_flagged(brand_a, owner, django_capture_on_commit_callbacks):
    account = NetworkAccountFactory(brand=brand_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.account_mark_needs_reconnect(account=account, message="Token revoked")
        services.account_mark_needs_reconnect(account=account, message="Token revoked again")
    assert len(mail.outbox) == 1
    account.refresh_from_db()
    assert account.last_error == "Token revoked again"


def test_reconnecting_clears_the_flag(brand_a, owner, mastodon_account, mastodon_server):
    services.account_mark_needs_reconnect(account=mastodon_account, message="Token revoked")
    fresh = mastodon_server.new_token()
    services.account_reconnect(
        account=mastodon_account, user=owner, data={"instance_url": mastodon_server.url, "access_token": fresh}
    )
    mastodon_account.refresh_from_db()
    assert (mastodon_account.status, mastodon_account.last_error) == (AccountStatus.CONNECTED, "")
    assert mastodon_account.credentials["access_token"] == fresh
    assert not targets_at_risk(mastodon_account).exists()


def test_a_check_that_works_names_the_account(owner, mastodon_account, mastodon_server):
    assert services.account_check(account=mastodon_account, user=owner) == f"@desk@127.0.0.1:{mastodon_server.port}"


def test_only_owners_connect_check_and_disconnect(brand_a, manager, mastodon_account):
    with pytest.raises(PermissionDenied):
        services.account_connect(brand=brand_a, user=manager, network="webfeed", data={"title": "News"})
    with pytest.raises(PermissionDenied):
        services.account_check(account=mastodon_account, user=manager)
    with pytest.raises(PermissionDenied):
        services.account_disconnect(account=mastodon_account, user=manager)


def test_disconnecting_an_account_with_posts_keeps_it_disabled_without_credentials(brand_a, owner):
    used = NetworkAccountFactory(brand=brand_a, credentials={"token": "x"})
    PostTargetFactory(post__brand=brand_a, account=used)
    unused = NetworkAccountFactory(brand=brand_a)

    services.account_disconnect(account=used, user=owner)
    services.account_disconnect(account=unused, user=owner)

    used.refresh_from_db()
    assert (used.status, used.credentials) == (AccountStatus.DISABLED, {})
    assert not NetworkAccount.objects.filter(pk=unused.pk).exists()
    assert targets_at_risk(used).count() == 1


def test_a_network_without_its_app_credentials_is_unavailable_naming_the_setting(
    client, brand_a, owner, monkeypatch, settings
):
    monkeypatch.setattr(WebFeedAdapter, "required_settings", ("FAKE_APP_SECRET",))
    client.force_login(owner)
    page = client.get(reverse("networks:list", args=[brand_a.slug])).content.decode()
    assert "FAKE_APP_SECRET" in page
    answer = client.post(reverse("networks:connect", args=[brand_a.slug, "webfeed"]), {"title": "News"})
    assert "FAKE_APP_SECRET" in answer.content.decode()
    assert not NetworkAccount.objects.exists()

    settings.FAKE_APP_SECRET = "configured"
    page = client.get(reverse("networks:list", args=[brand_a.slug])).content.decode()
    assert "FAKE_APP_SECRET" not in page


def test_everyone_sees_status_and_last_error_but_only_owners_see_the_buttons(client, brand_a, viewer, owner):
    account = NetworkAccountFactory(brand=brand_a, display_name="Our Mastodon")
    services.account_mark_needs_reconnect(account=account, message="The access token is invalid")
    client.force_login(viewer)
    page = client.get(reverse("networks:list", args=[brand_a.slug])).content.decode()
    assert "Our Mastodon" in page and "The access token is invalid" in page
    assert reverse("networks:disconnect", args=[brand_a.slug, account.pk]) not in page
    client.force_login(owner)
    page = client.get(reverse("networks:list", args=[brand_a.slug])).content.decode()
    assert reverse("networks:disconnect", args=[brand_a.slug, account.pk]) in page


def test_the_check_button_reports_a_refusal_in_words(client, brand_a, owner, mastodon_account, mastodon_server):
    mastodon_server.revoke(mastodon_server.token)
    client.force_login(owner)
    answer = client.post(reverse("networks:check", args=[brand_a.slug, mastodon_account.pk]), follow=True)
    assert "reconnect the account" in answer.content.decode()


def test_a_working_check_does_not_bring_back_a_disconnected_account(brand_a, owner):
    account = NetworkAccountFactory(brand=brand_a, status=AccountStatus.DISABLED)
    services.account_check(account=account, user=owner)
    account.refresh_from_db()
    assert account.status == AccountStatus.DISABLED
