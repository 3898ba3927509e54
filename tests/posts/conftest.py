"""Fixtures of the posts tests: brand A's network accounts and a way to write a post as someone."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from posts import services
from posts.content import PostContent
from tests.factories import NetworkAccountFactory


@pytest.fixture
def account(brand_a):
    return NetworkAccountFactory(brand=brand_a, network="fake", display_name="Fake A")


@pytest.fixture
def second_account(brand_a):
    return NetworkAccountFactory(brand=brand_a, network="fake", display_name="Fake B")


@pytest.fixture
def tomorrow():
    return (timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)


@pytest.fixture
def write_post(account, tomorrow):
    def _write(author, *, text="Bonjour le monde", accounts=None, **extra):
        content = PostContent(
            text=text, accounts=accounts or [account], scheduled_at=extra.pop("scheduled_at", tomorrow), **extra
        )
        return services.post_create(brand=account.brand, author=author, content=content)

    return _write


@pytest.fixture
def client(client):
    """Pages in English unless a test asks for French (the site's default language is French)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def english():
    """Services called directly speak English here (the site's default language is French)."""
    with translation.override("en"):
        yield
