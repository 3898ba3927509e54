"""The `search` contract as tests (networks/capabilities/search.py): every adapter declaring it
mixes `SearchContract` into a test class, as every adapter mixes AdapterContract for publishing.

A test class names its `network` and provides one fixture, `search`, returning a `SearchSetup`:

    class TestFakeSearch(SearchContract):
        network = "fake"  # the meta-test (test_registry.py) finds each network's contract by it

        @pytest.fixture
        def search(self, brand_a):
            account = ...  # a saved, connected NetworkAccount whose network is reachable
            return SearchSetup(
                account=account,
                post=lambda text, at=None: ...,  # someone posts publicly; its remote id
                page_size=4,
                failures={ErrorKind.RETRY: ..., ErrorKind.RECONNECT: ...},  # the NEXT search fails
                malformed=lambda: ...,  # the NEXT search answers a broken page
                secrets=[token],
            )
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from networks.base import Adapter, Capability, ErrorKind, PublishError
from networks.capabilities.conversations import web_address
from networks.capabilities.search import InboundMessage, MalformedPage, MessageKind
from networks.models import NetworkAccount


@dataclass
class SearchSetup:
    account: NetworkAccount
    post: Callable[..., str]
    page_size: int
    failures: dict[ErrorKind, Callable[[], None]] = field(default_factory=dict)
    malformed: Callable[[], None] | None = None
    secrets: list[str] = field(default_factory=list)


def week_ago() -> datetime:
    return timezone.now() - timedelta(days=7)


def search_all(adapter: Adapter, query: str, cursor: str = "") -> tuple[list[InboundMessage], str]:
    """Follow the pages from `cursor` until the network says nothing more is waiting."""
    found: list[InboundMessage] = []
    for _page in range(100):
        page = adapter.search(query=query, cursor=cursor, since=week_ago())
        found += page.messages
        cursor = page.cursor
        if not page.more:
            return found, cursor
    pytest.fail("the pages never ended")


def ids(messages: list[InboundMessage]) -> list[str]:
    return [m.remote_id for m in messages]


class SearchContract:
    """Mixin: the assertions every `search` adapter passes (see the module docstring)."""

    network: str  # the adapter slug under test

    @pytest.fixture
    def searcher(self, search: SearchSetup) -> Adapter:
        return search.account.adapter()

    def test_declares_the_capability(self, searcher):
        assert searcher.slug == self.network
        assert searcher.has(Capability.SEARCH)

    def test_finds_the_posts_with_the_words_as_mention_like_items(self, searcher, search):
        match = search.post("Les croissants de Lyon sont les meilleurs")
        search.post("Rien à voir ici")
        found = {m.remote_id: m for m in search_all(searcher, "croissants lyon")[0]}
        assert list(found) == [match]
        message = found[match]
        assert message.text == "Les croissants de Lyon sont les meilleurs"
        assert message.kind == MessageKind.MENTION
        assert message.author.handle.strip()
        assert message.created_at.tzinfo is not None
        assert message.url == web_address(message.url)
        assert not message.ours

    def test_the_first_search_goes_back_to_since_and_no_further(self, searcher, search):
        old = search.post("Soldes d'hiver", at=timezone.now() - timedelta(days=9))
        recent = search.post("Soldes d'été", at=timezone.now() - timedelta(days=2))
        found = ids(search_all(searcher, "soldes")[0])
        assert recent in found
        assert old not in found

    def test_searching_from_the_cursor_returns_only_what_came_after(self, searcher, search):
        first = search.post("Concert ce soir")
        found, cursor = search_all(searcher, "concert")
        assert ids(found) == [first]
        assert search_all(searcher, "concert", cursor)[0] == []
        second = search.post("Le concert était super")
        again, _cursor = search_all(searcher, "concert", cursor)
        assert ids(again) == [second]

    def test_pages_follow_each_other_with_no_gap_and_no_repeat(self, searcher, search):
        posted = [search.post(f"Jeu concours {n}") for n in range(search.page_size * 2 + 1)]
        pages, cursor = [], ""
        for _page in range(10):
            page = searcher.search(query="concours", cursor=cursor, since=week_ago())
            pages.append(ids(list(page.messages)))
            cursor = page.cursor
            if not page.more:
                break
        assert sorted(remote_id for page in pages for remote_id in page) == sorted(posted)
        assert len(pages) >= 3, "a page holds at most page_size posts"

    def test_failures_map_onto_error_kinds_with_a_message_and_no_secret(self, searcher, search):
        if not search.failures:
            pytest.skip("this network has no failure a test can provoke")
        for kind, provoke in search.failures.items():
            provoke()
            with pytest.raises(PublishError) as caught:
                searcher.search(query="marque", cursor="", since=week_ago())
            assert caught.value.kind == kind, caught.value.message
            assert caught.value.message.strip()
            for secret in search.secrets:
                assert secret not in str(caught.value) and secret not in caught.value.message

    def test_a_malformed_page_is_refused_whole_and_searched_again_later(self, searcher, search):
        assert search.malformed is not None, "every network can answer a broken page"
        waiting = search.post("La marque répond-elle ?")
        search.malformed()
        with pytest.raises(MalformedPage):
            searcher.search(query="marque", cursor="", since=week_ago())
        assert ids(search_all(searcher, "marque")[0]) == [waiting]
