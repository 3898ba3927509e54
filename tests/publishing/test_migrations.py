"""The engine's state moved out of other apps' columns: a database migrated to the previous
release keeps its paused brands paused and its calls in flight recognised as called."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import Brand
from posts.models import PostTarget, TargetState
from publishing import dispatcher
from publishing.pause import pause_of
from tests.factories import NetworkAccountFactory
from tests.publishing.conftest import approved_post

BEFORE = [
    ("accounts", "0005_brand_approval_stages"),
    ("posts", "0013_history_notes_as_codes"),
    ("publishing", "0001_overdue_hold"),
]


@pytest.fixture
def previous_release(transactional_db):
    """The schema as the previous release left it (list it after the fixtures making rows: they
    write with today's models); the latest again afterwards, whatever happens."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        yield executor.loader.project_state(BEFORE).apps
    finally:
        executor = MigrationExecutor(connection)  # a fresh one reads the migrations now applied
        executor.migrate(executor.loader.graph.leaf_nodes())


def _upgrade() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_brand_paused_before_the_upgrade_is_still_paused_after_it(brand_a, brand_b, manager, previous_release):
    old_brand = previous_release.get_model("accounts", "Brand")
    paused_at, resume_at = datetime(2026, 11, 30, 9, 0, tzinfo=UTC), datetime(2099, 1, 2, 8, 30, tzinfo=UTC)
    old_brand.objects.filter(pk=brand_a.pk).update(
        paused_at=paused_at, paused_by_id=manager.pk, pause_reason="Bad buzz on the new ad", resume_at=resume_at
    )
    _upgrade()
    pause = pause_of(Brand.objects.get(pk=brand_a.pk))
    assert pause is not None
    assert (pause.paused_at, pause.paused_by, pause.reason, pause.resume_at) == (
        paused_at,
        manager,
        "Bad buzz on the new ad",
        resume_at,
    )
    assert pause_of(Brand.objects.get(pk=brand_b.pk)) is None


@pytest.fixture
def due_post(brand_a, fake_account):
    return approved_post(brand_a, [fake_account], at=timezone.now() - timedelta(minutes=1))


@pytest.fixture
def target(brand_a):
    return approved_post(brand_a, [NetworkAccountFactory(brand=brand_a)]).targets.get()


def test_a_paused_brands_due_post_stays_unsent_across_the_upgrade(brand_a, due_post, previous_release):
    previous_release.get_model("accounts", "Brand").objects.filter(pk=brand_a.pk).update(
        paused_at=timezone.now(), pause_reason="Crisis"
    )
    _upgrade()
    assert dispatcher.dispatch_due() == []
    assert due_post.targets.get().state == TargetState.PENDING


def test_a_call_in_flight_during_the_upgrade_is_still_known_as_called(target, previous_release):
    lease = timezone.now() + timedelta(seconds=10)
    old_target = previous_release.get_model("posts", "PostTarget")
    old_target.objects.filter(pk=target.pk).update(
        state=TargetState.PUBLISHING, claim_id="c0ffee:called", lease_expires_at=lease
    )
    _upgrade()
    target = PostTarget.objects.get(pk=target.pk)
    assert (target.claim_id, target.called_at) == ("c0ffee", lease)
