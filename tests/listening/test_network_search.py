"""A network's search as a listening source, against the local Mastodon server: mentions stored
once from the cursor on, failures said on the source, the account's budget spent, the form."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from inbox.models import Conversation
from listening import selectors
from listening.models import Mention, Source, SourceKind
from networks import budget
from tests.factories import NetworkAccountFactory
from tests.listening.conftest import poll
from tests.networks.servers.mastodon import MastodonServer
from tests.networks.test_mastodon import connect_account

pytestmark = pytest.mark.django_db
SEARCH = "/api/v2/search"


@pytest.fixture
def mastodon_server():
    with MastodonServer() as server:
        yield server


@pytest.fixture
def account(brand_a, mastodon_server):
    return connect_account(brand_a, mastodon_server)


def _search_source(brand, account, query="acme", name="Mastodon") -> Source:
    return Source.objects.create(brand=brand, name=name, kind=SourceKind.NETWORK_SEARCH, account=account, query=query)


def test_a_mastodon_search_stores_what_the_saved_search_finds_once(brand_a, acme, account, mastodon_server):
    first = mastodon_server.post_as("lea@other.example", "Acme a encore raté ma livraison")
    other = mastodon_server.post_as("lea@other.example", "Ma livraison est arrivée")  # Mastodon's, not "acme"
    source = _search_source(brand_a, account, query="livraison")
    assert poll(source) == "stored"
    (mention,) = Mention.objects.all()
    assert (mention.network, mention.remote_id, mention.author) == ("mastodon", first, "@lea@other.example")
    assert mention.sentiment and mention.url.startswith(mastodon_server.url)
    assert json.loads(source.cursor) == {"min_id": other}  # the newest the network gave
    second = mastodon_server.post_as("paul@third.example", "Bravo Acme pour la livraison")
    assert poll(source) == "stored"
    assert sorted(Mention.objects.values_list("remote_id", flat=True)) == sorted([first, second])
    assert mastodon_server.requests_to("GET", SEARCH)[-1].query["min_id"] == other


def test_two_sources_finding_the_same_post_store_it_once(brand_a, acme, account, mastodon_server):
    mastodon_server.post_as("lea@other.example", "Acme #acme")
    poll(_search_source(brand_a, account, name="Words"))
    poll(_search_source(brand_a, account, query="#acme", name="Hashtag"))
    assert Mention.objects.count() == 1


def test_a_refused_search_is_said_on_the_source_and_the_cursor_stays(brand_a, acme, account, mastodon_server):
    mastodon_server.post_as("lea@other.example", "Acme")
    source = _search_source(brand_a, account)
    poll(source)
    cursor = source.cursor
    mastodon_server.fail_next(401, path=SEARCH)
    with translation.override("en"):
        assert poll(source) == "failed"
    assert "Mastodon" in source.last_error and source.cursor == cursor and source.failing_since


def test_a_search_through_a_disconnected_account_fails_in_words(brand_a, acme, account):
    account.status = "needs_reconnect"
    account.save(update_fields=["status"])
    source = _search_source(brand_a, account)
    with translation.override("en"):
        assert poll(source) == "failed"
    assert "not connected" in source.last_error


def test_the_search_spends_the_account_budget_after_publishing(brand_a, acme, account, mastodon_server):
    mastodon_server.post_as("lea@other.example", "Acme")
    poll(_search_source(brand_a, account))
    (use,) = [u for u in budget.uses([account])[account.pk] if u.kind == budget.CALLS]
    assert use.used == len(mastodon_server.requests_to("GET", SEARCH))


def test_a_mention_found_on_mastodon_can_be_answered_from_the_desk(brand_a, acme, account, mastodon_server):
    mastodon_server.post_as("lea@other.example", "Acme ne répond pas")
    poll(_search_source(brand_a, account))
    mention = Mention.objects.get()
    assert selectors.answerable_mentions(brand_a, [mention]) == {mention.pk}


def test_the_form_offers_only_the_brands_accounts_that_can_search(client, brand_a, brand_b, editor, account):
    NetworkAccountFactory(brand=brand_a, network="webhook", display_name="Hook")
    elsewhere = NetworkAccountFactory(brand=brand_b, network="fake", display_name="Other brand")
    client.force_login(editor)
    url = reverse("listening:source_search_create", kwargs={"brand_slug": brand_a.slug})
    page = client.get(url).content.decode()
    assert f'value="{account.pk}"' in page and "Hook" not in page and "Other brand" not in page
    refused = client.post(url, {"name": "X", "account": elsewhere.pk, "query": "acme", "interval": 300})
    assert refused.status_code == 200 and not Source.objects.exists()
    client.post(url, {"name": "Mastodon", "account": account.pk, "query": "  acme   lumière ", "interval": 300})
    source = Source.objects.get()
    assert (source.kind, source.account, source.query) == (SourceKind.NETWORK_SEARCH, account, "acme lumière")
    sources = client.get(reverse("listening:sources", kwargs={"brand_slug": brand_a.slug})).content.decode()
    assert "acme lumière" in sources


def test_a_reply_from_the_mentions_page_goes_once_through_the_account_that_found_it(
    client, brand_a, editor, acme, account, mastodon_server
):
    finder = connect_account(brand_a, mastodon_server)  # a second account: the older one is not the finder
    status = mastodon_server.post_as("lea@other.example", "Acme ne répond pas")
    poll(_search_source(brand_a, finder))
    mention = Mention.objects.get()
    client.force_login(editor)
    url = reverse("listening:mention_reply", kwargs={"brand_slug": brand_a.slug, "pk": mention.pk})
    client.post(url, {"text": "Nous regardons, Léa."})
    client.post(url, {"text": "C'est réglé."})  # the second answer goes to the same conversation
    mention.refresh_from_db()
    assert mention.conversation.account_id == finder.pk != account.pk
    assert mention.conversation.messages.get().remote_id == status
    assert Conversation.objects.count() == 1
    assert list(mention.conversation.replies.values_list("text", flat=True).order_by("pk")) == [
        "Nous regardons, Léa.",
        "C'est réglé.",
    ]
