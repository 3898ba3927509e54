from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import NetworkAccountFactory, PostFactory, PostTargetFactory


@pytest.fixture
def account(brand_a):
    return NetworkAccountFactory(brand=brand_a, display_name="Brand A on Mastodon", handle="@branda", network="fake")


@pytest.fixture
def make_post(brand_a, editor, account):
    """A post of brand A on `accounts` (default: the `account` fixture) at `at` (default: in a day)."""

    def _make(at=None, accounts=None, **fields):
        fields.setdefault("author", editor)
        post = PostFactory(brand=brand_a, scheduled_at=at or timezone.now() + timedelta(days=1), **fields)
        for target_account in accounts or [account]:
            PostTargetFactory(post=post, account=target_account)
        return post

    return _make


@pytest.fixture
def client():
    """A browser asking for English (the site's default is French); French has its own tests."""
    from django.test import Client

    return Client(headers={"accept-language": "en"})
