"""Bluesky's search for listening (app.bsky.feed.searchPosts): the shared contract, people posting
on the real PDS and the local AppView searching what it indexed from it, through the PDS."""

from urllib.parse import parse_qs, urlsplit

import pytest

from networks.base import ErrorKind
from networks.bluesky.adapter import BlueskyAdapter
from tests.networks.bluesky.people import People
from tests.networks.search_contract import SearchContract, SearchSetup, search_all

pytestmark = [pytest.mark.pds, pytest.mark.django_db]
SEARCH = "/xrpc/app.bsky.feed.searchPosts"


@pytest.fixture
def people(pds, appview, bluesky_user) -> People:
    return People(pds, appview, bluesky_user)


class TestBlueskySearch(SearchContract):
    network = "bluesky"

    @pytest.fixture
    def search(self, bluesky_account, app_password, people, appview, monkeypatch):
        monkeypatch.setattr(BlueskyAdapter, "page_limit", 4)
        return SearchSetup(
            account=bluesky_account,
            post=lambda text, at=None: people.write(text, plain=True, at=at),
            page_size=4,
            failures={
                ErrorKind.RETRY: lambda: appview.fail_next(429, path=SEARCH, reset_in=30),
                ErrorKind.RECONNECT: lambda: appview.fail_next(401, path=SEARCH),
            },
            malformed=lambda: appview.garble_next(path=SEARCH),
            secrets=[
                app_password,
                bluesky_account.credentials["accessJwt"],
                bluesky_account.credentials["refreshJwt"],
            ],
        )


def test_the_search_asks_for_the_latest_posts_since_the_last_one_seen(bluesky_account, people, appview):
    people.write("Salon du chocolat", plain=True)
    found, cursor = search_all(bluesky_account.adapter(), "chocolat")
    search_all(bluesky_account.adapter(), "chocolat", cursor)
    first, second = (parse_qs(urlsplit(r.path).query) for r in appview.requests_to("GET", SEARCH))
    assert first["sort"] == ["latest"] and first["q"] == ["chocolat"]
    # The second search starts at the newest post seen (inclusive: the same post is left out by id).
    assert second["since"] == [found[0].created_at.isoformat(timespec="milliseconds").replace("+00:00", "Z")]
