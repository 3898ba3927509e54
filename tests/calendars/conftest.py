from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from cm_platform.celery import app
from tests.factories import NetworkAccountFactory, PostFactory, PostTargetFactory
from tests.publishing.conftest import Engine


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


@pytest.fixture
def worker(transactional_db, tmp_path, monkeypatch):
    """A `celery worker` process on a queue of its own, reading the broker this process writes to."""
    engine = Engine(tmp_path)
    engine.env["CM_VAR_DIR"] = str(settings.VAR_DIR)
    monkeypatch.setitem(app.conf, "task_default_queue", engine.queue)
    engine.start_worker(concurrency=1)
    yield engine
    engine.stop()
