"""URLs that come from a network are kept, and shown as links, only when they are http(s).

A local Mastodon server answers `javascript:` where the status's address and the avatar go;
the post's page must not turn it into a link, and nothing of it is stored.
"""

from typing import Any

import pytest
from django.urls import reverse

from networks import services as network_services
from posts.models import PostTarget, TargetState
from publishing import decisions, dispatcher, engine
from tests.factories import NetworkAccountFactory, PostFactory, PostTargetFactory
from tests.networks.servers.mastodon import MastodonServer
from tests.publishing.conftest import approved_post, mastodon_account_for

pytestmark = pytest.mark.django_db

SCRIPT = "javascript:alert(document.domain)"


class HostileMastodon(MastodonServer):
    """A Mastodon whose answers put a script where a link goes."""

    def _new_status(self, params: dict[str, Any]) -> dict[str, Any]:
        return {**super()._new_status(params), "url": SCRIPT, "uri": SCRIPT}

    def _account(self) -> dict[str, Any]:
        return {**super()._account(), "avatar": SCRIPT}


def published_through(server, brand) -> PostTarget:
    post = approved_post(brand, [mastodon_account_for(brand, server)])
    dispatcher.dispatch_due()
    target = PostTarget.objects.get(post=post)
    assert engine.target_publish(target_id=target.pk, claim=target.claim_id) == TargetState.PUBLISHED
    target.refresh_from_db()
    return target


def post_page(client, user, target) -> str:
    client.force_login(user)
    url = reverse("posts:detail", kwargs={"brand_slug": target.post.brand.slug, "pk": target.post.pk})
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_script_url_from_the_network_is_not_stored_nor_shown_as_a_link(client, brand_a, owner):
    with HostileMastodon() as server:
        target = published_through(server, brand_a)
    assert target.remote_url == ""
    page = post_page(client, owner, target)
    assert "javascript:" not in page
    assert "See it on the network" not in page


def test_an_http_url_from_the_network_is_kept_and_linked(client, brand_a, owner):
    with MastodonServer() as server:
        target = published_through(server, brand_a)
        assert target.remote_url.startswith(f"{server.url}/@")
    assert f'href="{target.remote_url}"' in post_page(client, owner, target)


def test_an_avatar_that_is_not_http_is_not_kept(brand_a, owner):
    with HostileMastodon() as server:
        account = network_services.account_connect(
            brand=brand_a,
            user=owner,
            network="mastodon",
            data={"instance_url": server.url, "access_token": server.token},
        )
    assert account.avatar_url == ""


def test_links_stored_before_the_check_are_not_rendered(client, brand_a, owner):
    """Defence in depth: a row written before the check still gives no script link."""
    target = PostTargetFactory(
        post=PostFactory(brand=brand_a), state=TargetState.PUBLISHED, remote_url="JavaScript:alert(1)"
    )
    NetworkAccountFactory(brand=brand_a, avatar_url=" javascript:alert(2)")
    assert "javascript:" not in post_page(client, owner, target).lower()
    networks_page = client.get(reverse("networks:list", kwargs={"brand_slug": brand_a.slug})).content.decode()
    assert "javascript:" not in networks_page.lower()


def test_a_person_cannot_record_a_script_as_the_posts_address(client, brand_a, owner):
    target = PostTargetFactory(post=PostFactory(brand=brand_a), state=TargetState.NEEDS_CHECKING)
    client.force_login(owner)
    url = reverse("publishing:target_resolve", kwargs={"brand_slug": brand_a.slug, "pk": target.pk})
    for address in (SCRIPT, "data:text/html,<script>alert(1)</script>", "ftp://files.example.org/post"):
        client.post(url, {"published": "yes", "url": address})
        target.refresh_from_db()
        assert target.state == TargetState.NEEDS_CHECKING, address
    assert decisions.target_resolve(target=target, user=owner, published=True, url=SCRIPT).remote_url == ""
