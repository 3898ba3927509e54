"""Mastodon's search against the local Mastodon server: the shared contract, then what is
particular to Mastodon (the requests it sends, hashtag timelines, the read:search scope, the budget)."""

from urllib.parse import parse_qs

import pytest

from networks import budget
from networks.base import ErrorKind, PublishError
from networks.capabilities.search import MessageKind
from networks.mastodon.adapter import SEARCH_LIMIT
from tests.networks.search_contract import SearchContract, SearchSetup, search_all, week_ago
from tests.networks.servers.mastodon import MastodonServer
from tests.networks.test_mastodon import connect_account

pytestmark = pytest.mark.django_db
SEARCH = "/api/v2/search"
SOMEONE = "lea@other.example"


def _query(request) -> dict[str, list[str]]:
    return parse_qs(request.path.partition("?")[2])


class TestMastodonSearch(SearchContract):
    network = "mastodon"

    @pytest.fixture
    def search(self, brand_a, mastodon_server):
        account = connect_account(brand_a, mastodon_server)
        return SearchSetup(
            account=account,
            post=lambda text, at=None: mastodon_server.post_as(SOMEONE, text, created_at=at),
            page_size=SEARCH_LIMIT,
            failures={
                ErrorKind.RETRY: lambda: mastodon_server.fail_next(429, path=SEARCH, reset_in=30),
                ErrorKind.RECONNECT: lambda: mastodon_server.fail_next(401, path=SEARCH),
            },
            malformed=lambda: mastodon_server.corrupt_next(SEARCH, b'{"statuses": [{"id": "12'),
            secrets=[mastodon_server.token],
        )


@pytest.fixture
def account(brand_a, mastodon_server):
    return connect_account(brand_a, mastodon_server)


def test_search_asks_for_statuses_only_without_a_remote_lookup(account, mastodon_server):
    mastodon_server.post_as(SOMEONE, "Maison Lumière déçoit")
    found, cursor = search_all(account.adapter(), "maison lumière")
    assert [m.text for m in found] == ["Maison Lumière déçoit"]
    (request,) = mastodon_server.requests_to("GET", SEARCH)
    query = _query(request)
    assert query["q"] == ["maison lumière"] and query["type"] == ["statuses"] and query["resolve"] == ["false"]
    assert query["limit"] == [str(SEARCH_LIMIT)]
    search_all(account.adapter(), "maison lumière", cursor)
    assert _query(mastodon_server.requests_to("GET", SEARCH)[-1])["min_id"] == [found[0].remote_id]


def test_a_query_of_hashtags_reads_their_timeline(account, mastodon_server):
    tagged = mastodon_server.post_as(SOMEONE, "Bravo #MaisonLumiere !")
    other = mastodon_server.post_as(SOMEONE, "Vu au salon #lampes")
    mastodon_server.post_as(SOMEONE, "Maison Lumière sans hashtag")
    found, cursor = search_all(account.adapter(), "#maisonlumiere #lampes")
    assert sorted(m.remote_id for m in found) == sorted([tagged, other])
    assert all(m.kind == MessageKind.MENTION for m in found)
    assert mastodon_server.requests_to("GET", SEARCH) == []
    (request, *_rest) = mastodon_server.requests_to("GET", "/api/v1/timelines/tag/maisonlumiere")
    assert _query(request)["any[]"] == ["lampes"]
    newer = mastodon_server.post_as(SOMEONE, "Encore #maisonlumiere")
    assert [m.remote_id for m in search_all(account.adapter(), "#maisonlumiere #lampes", cursor)[0]] == [newer]


def test_a_reply_found_by_a_search_is_a_mention_like_item(account, mastodon_server):
    parent = mastodon_server.post_as(SOMEONE, "Une question")
    mastodon_server.post_as("paul@third.example", "Maison Lumière répond vite", in_reply_to_id=parent)
    (found,) = search_all(account.adapter(), "répond")[0]
    assert found.kind == MessageKind.MENTION


def test_a_token_without_read_search_asks_to_reconnect(brand_a, mastodon_server):
    token = mastodon_server.new_token("write:statuses write:media read:accounts read:statuses read:notifications")
    account = connect_account(brand_a, mastodon_server, token=token)
    with pytest.raises(PublishError) as caught:
        account.adapter().search(query="marque", cursor="", since=week_ago())
    assert caught.value.kind == ErrorKind.RECONNECT


def test_each_search_call_takes_from_the_account_budget(account, mastodon_server):
    for n in range(SEARCH_LIMIT + 1):
        mastodon_server.post_as(SOMEONE, f"Concours {n}")
    with budget.spending(account, budget.Priority.BACKGROUND):
        search_all(account.adapter(), "concours")
    calls = len(mastodon_server.requests_to("GET", SEARCH))
    assert calls == 2
    (use,) = [u for u in budget.uses([account])[account.pk] if u.kind == budget.CALLS]
    assert use.used == calls


def test_a_private_status_is_not_found(account, mastodon_server: MastodonServer):
    mastodon_server.post_as(SOMEONE, "Secret Maison Lumière", visibility="private")
    assert search_all(account.adapter(), "secret")[0] == []
