import pytest
from django.utils import translation

from tests.networks.servers.mastodon import MastodonServer


@pytest.fixture(autouse=True)
def english(settings):
    """The site's default language is French; these tests read messages in English (pages and
    code outside requests alike). test_french.py checks the French side."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def mastodon_server():
    """A local Mastodon instance on 127.0.0.1 (see MastodonServer for its knobs and log)."""
    with MastodonServer() as server:
        yield server
