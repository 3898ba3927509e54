"""Mastodon as a network search source (listening/network_search.py) against the local Mastodon
server: the saved search's mentions stored once from the cursors on, the hashtag timeline for a
hashtag alternative, the account's budget spent, and the answer sent through the account that found it."""

import json

import pytest
from django.urls import reverse

from inbox.models import Conversation
from listening.models import Mention, SavedSearch, Source, SourceKind
from networks import budget
from tests.listening.conftest import poll
from tests.networks.servers.mastodon import MastodonServer
from tests.networks.test_mastodon import connect_account

pytestmark = pytest.mark.django_db
SEARCH = "/api/v2/search"
SOMEONE = "lea@other.example"


@pytest.fixture
def mastodon_server():
    with MastodonServer() as server:
        yield server


@pytest.fixture
def account(brand_a, mastodon_server):
    return connect_account(brand_a, mastodon_server)


def _source(brand, account, expression="acme") -> Source:
    search = SavedSearch.objects.create(brand=brand, name=expression, expression=expression)
    return Source.objects.create(
        brand=brand, name="Mastodon", kind=SourceKind.NETWORK_SEARCH, account=account, search=search
    )


def test_a_mastodon_source_stores_the_saved_searchs_mentions_once_from_its_cursors(brand_a, account, mastodon_server):
    first = mastodon_server.post_as(SOMEONE, "Acme a encore raté ma livraison")
    tagged = mastodon_server.post_as(SOMEONE, "Vu au salon #acmelampes")
    mastodon_server.post_as(SOMEONE, "Rien à voir")
    source = _source(brand_a, account, expression="acme OR #acmelampes")
    assert poll(source) == "stored"
    assert sorted(Mention.objects.values_list("remote_id", flat=True)) == sorted([first, tagged])
    assert set(Mention.objects.values_list("network", flat=True)) == {"mastodon"}
    assert mastodon_server.requests_to("GET", "/api/v1/timelines/tag/acmelampes")
    second = mastodon_server.post_as("paul@third.example", "Bravo Acme")
    assert poll(source) == "stored"
    assert Mention.objects.filter(remote_id=second).count() == 1 and Mention.objects.count() == 3
    assert mastodon_server.requests_to("GET", SEARCH)[-1].query["min_id"] == first
    assert json.loads(source.cursor)


def test_the_search_spends_the_account_budget(brand_a, account, mastodon_server):
    mastodon_server.post_as(SOMEONE, "Acme")
    poll(_source(brand_a, account))
    (use,) = [u for u in budget.uses([account])[account.pk] if u.kind == budget.CALLS]
    assert use.used == len(mastodon_server.requests_to("GET", SEARCH))


def test_a_reply_goes_through_the_account_that_found_the_mention(client, brand_a, editor, account, mastodon_server):
    finder = connect_account(brand_a, mastodon_server)  # a second account: the older one is not the finder
    status = mastodon_server.post_as(SOMEONE, "Acme ne répond pas")
    poll(_source(brand_a, finder))
    mention = Mention.objects.get()
    client.force_login(editor)
    url = reverse("listening:mention_reply", kwargs={"brand_slug": brand_a.slug, "pk": mention.pk})
    client.post(url, {"text": "Nous regardons, Léa."})
    client.post(url, {"text": "C'est réglé."})  # the second answer goes to the same conversation
    mention.refresh_from_db()
    assert mention.conversation.account_id == finder.pk != account.pk
    assert mention.conversation.messages.get().remote_id == status
    assert Conversation.objects.count() == 1
    assert list(mention.conversation.replies.order_by("pk").values_list("text", flat=True)) == [
        "Nous regardons, Léa.",
        "C'est réglé.",
    ]
