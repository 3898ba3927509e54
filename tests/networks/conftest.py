import pytest

from tests.networks.servers.mastodon import MastodonServer


@pytest.fixture
def mastodon_server():
    """A local Mastodon instance on 127.0.0.1 (see MastodonServer for its knobs and log)."""
    with MastodonServer() as server:
        yield server
