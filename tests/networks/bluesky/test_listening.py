"""A Bluesky account as a listening source: a saved search's expression becomes searchPosts
queries, run through the PDS (the local AppView behind it), and the expression still judges
every result before it is stored as a mention, once."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from listening.models import Mention, SavedSearch, Source, SourceKind
from networks.budget import CALLS
from networks.models import RateBudget
from tests.factories import NetworkAccountFactory
from tests.listening.conftest import poll
from tests.networks.bluesky.people import People

pytestmark = [pytest.mark.pds, pytest.mark.django_db]
SEARCH = "/xrpc/app.bsky.feed.searchPosts"


@pytest.fixture
def people(pds, appview, bluesky_user) -> People:
    return People(pds, appview, bluesky_user)


@pytest.fixture
def pastries(brand_a):
    return SavedSearch.objects.create(brand=brand_a, name="Viennoiseries", expression="(croissant OR brioche) NOT pain")


@pytest.fixture
def source(brand_a, bluesky_account, pastries):
    kind = SourceKind.NETWORK_SEARCH
    return Source.objects.create(brand=brand_a, name="Bluesky", kind=kind, account=bluesky_account, search=pastries)


def test_the_expression_becomes_the_queries_and_still_judges_each_result(people, appview, source):
    croissant = people.write("Le meilleur croissant de Lyon", plain=True)
    brioche = people.write("Une brioche parfaite", plain=True, by=people.bob)
    people.write("Croissant ou pain au chocolat ?", plain=True)  # the network finds it, NOT pain refuses it

    assert poll(source) == "stored"

    stored = Mention.objects.order_by("remote_id")
    assert sorted(stored.values_list("remote_id", flat=True)) == sorted([croissant, brioche])
    assert set(stored.values_list("network", flat=True)) == {"bluesky"}
    assert Mention.objects.get(remote_id=brioche).author == f"@{people.bob.handle}"
    queries = sorted(parse_qs(urlsplit(r.path).query)["q"][0] for r in appview.requests_to("GET", SEARCH))
    assert queries == ["brioche", "croissant"]
    assert sorted(json.loads(source.cursor)) == ["brioche", "croissant"]


def test_each_poll_reads_from_its_cursors_and_stores_nothing_twice(people, source, bluesky_account):
    people.write("Un croissant", plain=True)
    poll(source)
    later = people.write("Encore un croissant", plain=True)

    assert poll(source) == "stored"
    assert Mention.objects.count() == 2 and Mention.objects.filter(remote_id=later).exists()
    Source.objects.filter(pk=source.pk).update(cursor="")  # as if the cursors had not moved
    poll(source)
    assert Mention.objects.count() == 2
    # Every search went through the account's budget.
    assert RateBudget.objects.get(account=bluesky_account, kind=CALLS).used == 6  # 3 polls x 2 queries


def test_a_failing_search_is_said_on_the_source_and_the_cursors_stay(people, appview, source):
    people.write("Un croissant", plain=True)
    poll(source)
    cursors = source.cursor
    appview.fail_next(503, path=SEARCH)

    assert poll(source) == "failed"
    assert "Bluesky" in source.last_error and source.cursor == cursors


def test_an_editor_adds_a_network_search_among_the_accounts_that_can_search(client, editor, brand_a, bluesky_account):
    search = SavedSearch.objects.create(brand=brand_a, name="Marque", expression="maison")
    telegram = NetworkAccountFactory(brand=brand_a, network="telegram")
    client.force_login(editor)
    url = reverse("listening:network_search_create", kwargs={"brand_slug": brand_a.slug})
    form = {"name": "Bluesky", "search": search.pk, "interval": 300, "active": "on"}

    refused = client.post(url, {**form, "account": telegram.pk})
    assert refused.status_code == 200 and not Source.objects.exists()
    assert client.post(url, {**form, "account": bluesky_account.pk}).status_code == 302

    source = Source.objects.get()
    assert (source.kind, source.account, source.search) == (SourceKind.NETWORK_SEARCH, bluesky_account, search)


def test_a_saved_search_with_too_many_alternatives_for_a_network_is_refused_in_words(
    client, editor, brand_a, bluesky_account
):
    search = SavedSearch.objects.create(brand=brand_a, name="Large", expression="(a OR b OR c OR d) (e OR f OR g)")
    client.force_login(editor)
    url = reverse("listening:network_search_create", kwargs={"brand_slug": brand_a.slug})
    form = {"name": "Bluesky", "search": search.pk, "account": bluesky_account.pk, "interval": 300, "active": "on"}

    page = client.post(url, form).content.decode()

    assert "asks for 12 alternatives" in page and not Source.objects.exists()
