"""What a publish task does with each answer of the network (in-process, through adapters)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from networks.adapters import ADAPTERS
from networks.adapters.fake import FakeAdapter
from networks.models import AccountStatus
from notifications.models import Notification
from posts.models import PostEvent, PostTarget, TargetState
from posts.publishing import dispatcher, services
from tests.factories import NetworkAccountFactory
from tests.publishing.adapters import BlindAdapter, LookingAdapter
from tests.publishing.conftest import approved_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def test_networks(monkeypatch):
    monkeypatch.setitem(ADAPTERS, "blind", "tests.publishing.adapters.BlindAdapter")
    monkeypatch.setitem(ADAPTERS, "looking", "tests.publishing.adapters.LookingAdapter")
    monkeypatch.setattr(BlindAdapter, "calls", [])
    monkeypatch.setattr(BlindAdapter, "published", {})
    monkeypatch.setattr(FakeAdapter, "outbox", {})


def claimed_target(brand, account, **post_fields):
    post = approved_post(brand, [account], **post_fields)
    dispatcher.dispatch_due()
    return PostTarget.objects.get(post=post)


def publish(target):
    return services.target_publish(target_id=target.pk, claim=target.claim_id)


def test_success_records_remote_id_url_time_and_lateness(brand_a, fake_account):
    target = claimed_target(brand_a, fake_account, at=timezone.now() - timedelta(seconds=3))
    assert publish(target) == TargetState.PUBLISHED
    target.refresh_from_db()
    assert target.remote_id == target.key and target.remote_url.endswith(target.key)
    assert target.attempts == 1 and target.claim_id == ""
    assert 3 <= target.lateness_seconds < 10
    assert FakeAdapter.outbox[target.key]["text"] == target.post.text
    kinds = list(PostEvent.objects.filter(post=target.post).values_list("from_state", "to_state"))
    assert kinds == [("pending", "publishing"), ("publishing", "published")]


def test_a_text_post_is_published_in_a_fixed_handful_of_statements(brand_a, fake_account, editor):
    """The hot path of a burst: read, start (pause lock on PostgreSQL), result, event, webhooks,
    then whether the post is all out (its targets, author and membership in one query) and the
    author's notice."""
    target = claimed_target(brand_a, fake_account, author=editor)
    with CaptureQueriesContext(connection) as queries:
        assert publish(target) == TargetState.PUBLISHED
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT")) and "cm_platform_heartbeat" not in q["sql"]
    ]
    assert len(statements) == (8 if connection.vendor == "postgresql" else 7), statements
    assert Notification.objects.get(user=editor).kind == "published"


def test_a_stale_claim_does_nothing(brand_a, fake_account):
    target = claimed_target(brand_a, fake_account)
    assert services.target_publish(target_id=target.pk, claim="someone-else") == "skipped"
    assert FakeAdapter.outbox == {}


def test_a_second_delivery_of_the_same_task_does_not_publish_again(brand_a, fake_account):
    target = claimed_target(brand_a, fake_account)
    publish(target)
    assert publish(target) == "skipped"
    assert PostEvent.objects.filter(post=target.post, to_state="published").count() == 1


def test_a_brand_paused_after_the_claim_holds_the_target_back_unsent(brand_a, manager, fake_account):
    target = claimed_target(brand_a, fake_account)
    services.brand_pause(brand=brand_a, user=manager, reason="Crisis")
    assert publish(target) == "skipped"
    target.refresh_from_db()
    assert (target.state, target.attempts) == (TargetState.PENDING, 0)
    assert FakeAdapter.outbox == {}


def test_retryable_errors_back_off_then_fail_after_the_maximum(brand_a, settings, editor):
    settings.PUBLISH_MAX_ATTEMPTS = 2
    account = NetworkAccountFactory(brand=brand_a, config={"fail": "retry"})
    target = claimed_target(brand_a, account, author=editor)  # a member: people who left hear nothing
    assert publish(target) == TargetState.PENDING
    target.refresh_from_db()
    assert target.next_attempt_at > timezone.now() and target.error_kind == "retry"
    target.next_attempt_at = timezone.now()
    target.save()
    dispatcher.dispatch_due()
    target.refresh_from_db()
    assert publish(target) == TargetState.FAILED
    target.refresh_from_db()
    assert "2" in target.last_error and target.attempts == 2
    assert Notification.objects.filter(post=target.post, kind="publish_failed").exists()


def test_backoff_grows_and_honours_retry_after(settings):
    settings.PUBLISH_BACKOFF_BASE, settings.PUBLISH_BACKOFF_MAX = 10, 1000
    assert 5 <= services.backoff_delay(1) <= 10
    assert 40 <= services.backoff_delay(4) <= 80
    assert services.backoff_delay(1, retry_after=300) == 300


def test_rejected_fails_with_the_networks_reason(brand_a):
    account = NetworkAccountFactory(brand=brand_a, config={"fail": "rejected"})
    target = claimed_target(brand_a, account)
    assert publish(target) == TargetState.FAILED
    target.refresh_from_db()
    assert (target.error_kind, target.attempts) == ("rejected", 1)
    assert target.last_error  # the network's own words, shown on the post


def test_reconnect_flags_the_account_and_the_target_waits(brand_a):
    account = NetworkAccountFactory(brand=brand_a, config={"fail": "reconnect"})
    target = claimed_target(brand_a, account)
    assert publish(target) == TargetState.PENDING
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_RECONNECT
    assert dispatcher.dispatch_due() == []  # it waits for someone to reconnect


def test_unknown_on_a_network_that_recognises_repeats_retries_with_the_same_key(brand_a):
    account = NetworkAccountFactory(brand=brand_a, config={"fail": "unknown"})
    target = claimed_target(brand_a, account)
    assert publish(target) == TargetState.PENDING
    assert PostTarget.objects.get(pk=target.pk).key == target.key


def test_unknown_without_repeats_or_lookup_needs_a_persons_check(brand_a, editor):
    account = NetworkAccountFactory(brand=brand_a, network="blind", config={"lose_answer": True})
    target = claimed_target(brand_a, account, author=editor)
    assert publish(target) == TargetState.NEEDS_CHECKING
    assert BlindAdapter.calls == [target.key]  # sent once, never again blindly
    assert dispatcher.dispatch_due() == []
    target.refresh_from_db()
    assert target.error_kind == "unknown" and target.key in BlindAdapter.published
    assert Notification.objects.filter(user=target.post.author).exists()


def test_unknown_with_lookup_finds_the_post_and_marks_it_published(brand_a):
    account = NetworkAccountFactory(brand=brand_a, network="looking", config={"lose_answer": True})
    target = claimed_target(brand_a, account)
    assert publish(target) == TargetState.PUBLISHED
    assert LookingAdapter.calls == [target.key]


def test_unknown_with_lookup_that_finds_nothing_sends_again(brand_a):
    account = NetworkAccountFactory(brand=brand_a, network="looking", config={"lose_request": True})
    target = claimed_target(brand_a, account)
    assert publish(target) == TargetState.PENDING


def test_recovery_after_a_dead_worker_uses_the_same_logic(brand_a):
    account = NetworkAccountFactory(brand=brand_a, network="blind")
    target = claimed_target(brand_a, account)
    claim = dispatcher.called(dispatcher.new_claim())
    PostTarget.objects.filter(pk=target.pk).update(claim_id=claim)
    assert services.target_recover(target_id=target.pk, claim=claim) == TargetState.NEEDS_CHECKING
    assert BlindAdapter.calls == []


def test_rotated_credentials_are_saved(brand_a, monkeypatch):
    account = NetworkAccountFactory(brand=brand_a, credentials={"refresh_token": "old"})
    original = FakeAdapter.publish

    def rotating_publish(self, **kwargs):
        self.updated_credentials = {"refresh_token": "new"}
        return original(self, **kwargs)

    monkeypatch.setattr(FakeAdapter, "publish", rotating_publish)
    publish(claimed_target(brand_a, account))
    account.refresh_from_db()
    assert account.credentials == {"refresh_token": "new"}
