"""Fixtures of the home page tests: a pinned instant, and posts placed around it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from tests.factories import NetworkAccountFactory, PostFactory, PostTargetFactory

PARIS = ZoneInfo("Europe/Paris")
# Wednesday 5 June 2030, 10:00 in Paris: every test reads the desk at this instant, so none
# depends on the time of day it runs at.
NOW = datetime(2030, 6, 5, 10, 0, tzinfo=PARIS)


@pytest.fixture
def account(brand_a):
    return NetworkAccountFactory(brand=brand_a, network="fake", display_name="Fake A")


@pytest.fixture
def make_post(brand_a, editor, account):
    """A post with one target; brand A and the editor unless told otherwise."""

    def _make(*, brand=None, author=None, at=None, accounts=None, **fields):
        brand = brand or brand_a
        post = PostFactory(brand=brand, author=author or editor, scheduled_at=at, **fields)
        for target_account in accounts if accounts is not None else [account if brand == brand_a else None]:
            PostTargetFactory(post=post, **({"account": target_account} if target_account else {}))
        return post

    return _make


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def fill_desk(make_post, manager, editor):
    """`count` posts of a brand for every card of the manager's desk (dated around NOW)."""
    from datetime import timedelta

    from posts.models import PostState, TargetState
    from publishing.models import OverdueHold

    def _fill(brand, count, now=NOW):
        account = NetworkAccountFactory(brand=brand)
        for i in range(count):
            soon = now + timedelta(days=i % 7, minutes=5)
            make_post(brand=brand, author=editor, at=soon, state=PostState.IN_REVIEW, accounts=[account])
            make_post(brand=brand, author=manager, at=None, accounts=[account])
            make_post(brand=brand, author=manager, at=None, state=PostState.CHANGES_REQUESTED, accounts=[account])
            unsure = make_post(brand=brand, at=now - timedelta(days=1), accounts=[account])
            unsure.targets.update(state=TargetState.NEEDS_CHECKING)
            held = make_post(brand=brand, at=now - timedelta(hours=2), state=PostState.APPROVED, accounts=[account])
            OverdueHold.objects.create(post=held)

    return _fill
