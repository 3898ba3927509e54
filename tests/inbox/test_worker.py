"""Collection with the real thing: `celery worker` and `celery beat` subprocesses on the suite's
database and broker, a worker SIGKILLed in the middle of reading and started again."""

from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from inbox.models import Conversation, Message
from networks.models import ReadState
from tests.factories import NetworkAccountFactory
from tests.publishing.conftest import engine, wait_for  # noqa: F401 - the engine fixture

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Read often, and take back a dead worker's claim quickly.
FAST = {"INBOX_DISPATCH_INTERVAL": "0.5", "INBOX_POLL_INTERVAL": "0.5", "INBOX_POLL_LEASE_SECONDS": "3"}


def stored() -> int:
    return Message.objects.count()


def test_a_poller_killed_mid_page_and_restarted_loses_nothing_and_duplicates_nothing(engine, brand_a):  # noqa: F811
    total = 2000
    account = NetworkAccountFactory(
        brand=brand_a,
        network="fake",
        config={
            "inbox_generated": total,
            "inbox_generated_at": (timezone.now() - timedelta(hours=2)).isoformat(),
            "page_size": 25,
            "read_delay": 0.05,  # each page takes a moment: the kill lands inside a read or a store
        },
    )
    engine.start_worker(**FAST)
    engine.start_beat(**FAST)
    wait_for(lambda: stored() >= 400, timeout=60, message=lambda: engine.log("worker"))
    engine.kill("worker")
    at_the_kill = stored()
    assert 0 < at_the_kill < total and at_the_kill % 25 == 0, "a page is stored whole or not at all"
    engine.start_worker(**FAST)
    wait_for(lambda: stored() >= total, timeout=90, message=lambda: engine.log("worker"))
    wait_for(lambda: ReadState.objects.get(account=account).cursor == str(total), timeout=30)

    per_id = Message.objects.values("remote_id").annotate(n=Count("pk"))
    assert per_id.count() == total, "a message is missing"
    assert max(row["n"] for row in per_id) == 1, "a message was stored twice"
    assert Conversation.objects.filter(account=account).count() == total
    assert ReadState.objects.get(account=account).last_success_at is not None


def test_a_mastodon_reply_arrives_and_our_answer_goes_out_once_although_its_first_call_timed_out(
    engine,  # noqa: F811
    brand_a,
    editor,
):
    from inbox import services
    from inbox.models import Reply, ReplyState
    from tests.networks.servers.mastodon import MastodonServer
    from tests.publishing.conftest import mastodon_account_for

    with MastodonServer() as server:
        account = mastodon_account_for(brand_a, server)
        ours = server.post_as("desk", "Notre nouvelle boutique ouvre samedi !")  # already published
        question = server.post_as("claire@other.example", "À quelle heure ?", in_reply_to_id=ours)
        engine.start_worker(**FAST)
        engine.start_beat(**FAST)
        wait_for(
            lambda: Message.objects.filter(remote_id=question).exists(),
            timeout=30,
            message=lambda: engine.log("worker"),
        )
        conversation = Message.objects.get(remote_id=question).conversation
        assert conversation.account == account

        # The answer is made, but it comes after the worker stopped waiting (HTTP_READ_TIMEOUT 3 s).
        server.fail_next(200, path="/api/v1/statuses", method="POST", delay=4)
        reply = services.reply_create(conversation=conversation, user=editor, text="@claire De 10 h à 19 h.")
        wait_for(
            lambda: Reply.objects.get(pk=reply.pk).state == ReplyState.SENT,
            timeout=45,
            message=lambda: engine.log("worker"),
        )
        reply.refresh_from_db()
        assert reply.attempts == 2
        assert [s["text"] for s in server.replies_to(question)] == ["@claire De 10 h à 19 h."]
        keys = {r.header("Idempotency-Key") for r in server.requests_to("POST", "/api/v1/statuses")}
        assert keys == {reply.key}
