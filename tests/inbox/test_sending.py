"""Sending a reply (inbox/sending.py) with the fake network: once, whatever happens."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox import sending, services
from inbox.models import ConversationState, EventKind, Message, Reply, ReplyState
from networks.fake.adapter import FakeAdapter
from networks.models import AccountStatus
from tests.inbox.conftest import store


@pytest.fixture
def reply(conversation, editor):
    return services.reply_create(conversation=conversation, user=editor, text="Rue de la Paix, à Paris.")


def fail_next(account, kind):
    account.config["fail"] = kind
    account.save()


def test_a_sent_reply_is_stored_as_ours_and_the_conversation_waits_for_them(reply, conversation, editor):
    assert sending.reply_send(reply_id=reply.pk) == ReplyState.SENT

    reply.refresh_from_db()
    conversation.refresh_from_db()
    assert reply.state == ReplyState.SENT and reply.attempts == 1
    assert [(r["to"], r["text"]) for r in FakeAdapter.replies.values()] == [("q1", "Rue de la Paix, à Paris.")]
    ours = reply.message
    assert (ours.ours, ours.sent_by, ours.in_reply_to, ours.conversation) == (True, editor, "q1", conversation)
    assert conversation.state == ConversationState.WAITING
    assert conversation.first_response_at is not None and conversation.message_count == 2
    assert conversation.events.filter(kind=EventKind.REPLY_SENT, actor=editor).exists()


def test_a_second_task_for_the_same_reply_sends_nothing(reply):
    sending.reply_send(reply_id=reply.pk)
    assert sending.reply_send(reply_id=reply.pk) == "skipped"
    assert len(FakeAdapter.replies) == 1


def test_a_reply_waiting_for_approval_is_not_sent(conversation, editor, owner):
    services.inbox_settings_update(brand=conversation.brand, user=owner, replies_need_approval=True)
    waiting = services.reply_create(conversation=conversation, user=editor, text="Bonjour")
    assert sending.reply_send(reply_id=waiting.pk) == "skipped"
    assert FakeAdapter.replies == {}


def test_our_reply_read_back_from_the_network_is_not_stored_twice(account, target, editor):
    question = FakeAdapter.receive(account, "Ouvert dimanche ?", in_reply_to=target.remote_id)
    store(account, *account.adapter().read_messages(cursor="", since=timezone.now() - timedelta(days=1)).messages)
    conversation = Message.objects.get(remote_id=question).conversation
    reply = services.reply_create(conversation=conversation, user=editor, text="Oui, de 10 h à 13 h.")
    sending.reply_send(reply_id=reply.pk)

    thread = account.adapter().read_thread(root_id=target.remote_id)
    assert [m.ours for m in thread] == [False, True]
    store(account, *thread)
    assert Message.objects.filter(ours=True).count() == 1
    assert conversation.messages.count() == 2


def test_a_retryable_failure_waits_and_the_next_try_sends_once(reply, account):
    fail_next(account, "retry")
    assert sending.reply_send(reply_id=reply.pk) == ReplyState.PENDING
    reply.refresh_from_db()
    assert reply.next_attempt_at > timezone.now() and "told to fail" in reply.last_error
    assert sending.reply_send(reply_id=reply.pk) == "skipped"  # not before its time
    fail_next(account, "")
    Reply.objects.filter(pk=reply.pk).update(next_attempt_at=timezone.now())
    assert sending.reply_send(reply_id=reply.pk) == ReplyState.SENT
    assert len(FakeAdapter.replies) == 1


def test_an_unknown_outcome_is_retried_with_the_same_key_where_the_network_recognises_it(reply, account):
    key = reply.key
    FakeAdapter.replies[key] = {"id": f"reply-{key}", "to": "q1", "text": reply.text, "at": timezone.now().isoformat()}
    fail_next(account, "unknown")  # it went out, the answer was lost
    assert sending.reply_send(reply_id=reply.pk) == ReplyState.PENDING
    fail_next(account, "")
    Reply.objects.filter(pk=reply.pk).update(next_attempt_at=timezone.now())
    assert sending.reply_send(reply_id=reply.pk) == ReplyState.SENT
    assert list(FakeAdapter.replies) == [key]


def test_an_unknown_outcome_needs_a_person_where_the_network_cannot_recognise_a_repeat(reply, account, monkeypatch):
    monkeypatch.setattr(FakeAdapter, "recognises_repeats", False)
    fail_next(account, "unknown")
    assert sending.reply_send(reply_id=reply.pk) == ReplyState.NEEDS_CHECKING
    reply.refresh_from_db()
    assert "cannot tell" in reply.last_error
    assert reply.conversation.events.filter(kind=EventKind.REPLY_FAILED).exists()


def test_a_refused_reply_fails_with_the_networks_reason(reply, account):
    fail_next(account, "rejected")
    assert sending.reply_send(reply_id=reply.pk) == ReplyState.FAILED
    reply.refresh_from_db()
    assert reply.state == ReplyState.FAILED and reply.last_error


def test_refused_credentials_flag_the_account_and_the_reply_waits_for_it(reply, account):
    fail_next(account, "reconnect")
    assert sending.reply_send(reply_id=reply.pk) == ReplyState.PENDING
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_RECONNECT
    assert sending.replies_due(timezone.now() + timedelta(hours=1)) == []


def test_a_claim_whose_worker_died_after_the_call_is_settled_by_the_same_key(reply):
    Reply.objects.filter(pk=reply.pk).update(
        state=ReplyState.SENDING, claim_id="dead", called=True, attempts=1, lease_expires_at=timezone.now()
    )
    sending.replies_recover(timezone.now() + timedelta(seconds=1))
    reply.refresh_from_db()
    assert reply.state == ReplyState.PENDING and reply.claim_id == ""


def test_a_claim_whose_worker_died_before_the_call_goes_back_at_once(reply):
    Reply.objects.filter(pk=reply.pk).update(state=ReplyState.SENDING, claim_id="dead", lease_expires_at=timezone.now())
    sending.replies_recover(timezone.now() + timedelta(seconds=1))
    reply.refresh_from_db()
    assert (reply.state, reply.attempts, reply.next_attempt_at) == (ReplyState.PENDING, 0, None)


def test_pending_replies_whose_message_was_lost_are_handed_over_after_the_grace(reply, settings):
    now = timezone.now()
    assert sending.replies_due(now) == []
    later = now + timedelta(seconds=settings.INBOX_REPLY_GRACE_SECONDS + 1)
    assert sending.replies_due(later) == [reply.pk]
