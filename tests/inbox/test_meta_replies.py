"""Answering a Facebook comment from the inbox (inbox/sending.py with the Graph API's local server):
Meta has no idempotency key, so a reply whose answer was lost is never sent again blindly."""

from datetime import timedelta

import pytest

from inbox import sending, services
from inbox.models import Message, ReplyState
from networks.models import ReadState
from tests.inbox.conftest import poll_now


@pytest.fixture(autouse=True)
def _no_task_messages(monkeypatch):
    monkeypatch.setattr("inbox.collect._enqueue_polls", lambda claimed, claim: None)
    monkeypatch.setattr("inbox.collect._enqueue_replies", lambda ids: None)
    monkeypatch.setattr("inbox.services._enqueue_send", lambda reply: None, raising=False)


@pytest.fixture
def question(graph, facebook):
    post = facebook.adapter().publish(text="Nos horaires d'hiver", media=[], key="k").remote_id
    remote_id = graph.comment(on=post, text="Ouvert le 24 ?")
    assert poll_now(facebook) == "read"
    return Message.objects.get(account=facebook, remote_id=remote_id)


def page_comments(graph, facebook_page):
    return [c for c in graph.comments.values() if c["from"]["id"] == facebook_page["id"]]


def test_a_reply_is_sent_once_and_read_back_as_ours_without_a_copy(graph, facebook, facebook_page, question, editor):
    reply = services.reply_create(conversation=question.conversation, user=editor, text="Oui, jusqu'à 17 h.")
    assert sending.reply_send(reply_id=reply.pk) == ReplyState.SENT
    assert poll_now(facebook) == "read"
    ours = Message.objects.filter(account=facebook, ours=True)
    assert [(m.text, m.in_reply_to) for m in ours] == [("Oui, jusqu'à 17 h.", question.remote_id)]
    assert len(page_comments(graph, facebook_page)) == 1


def test_a_reply_whose_answer_was_lost_needs_checking_and_is_not_sent_again(
    graph, facebook, facebook_page, question, editor
):
    reply = services.reply_create(conversation=question.conversation, user=editor, text="Oui !")
    graph.drop_next(path=f"/v21.0/{question.remote_id}/comments", method="POST")
    assert sending.reply_send(reply_id=reply.pk) == ReplyState.NEEDS_CHECKING
    assert sending.reply_send(reply_id=reply.pk) == "skipped"
    assert sending.replies_due(reply.created_at.replace(year=2100)) == []
    # The connection closed after the request left: the desk cannot tell, so it waits for a person.
    assert page_comments(graph, facebook_page) == []
    assert len(graph.requests_to("POST", f"/v21.0/{question.remote_id}/comments")) == 1


def test_a_poll_reads_no_thread_again_for_its_sweep_brought_every_depth(graph, facebook, question):
    comments = f"/v21.0/{question.in_reply_to}/comments"
    graph.comment(on=question.remote_id, text="Moi aussi je me demandais")
    before = len(graph.requests_to("GET", comments))
    assert poll_now(facebook) == "read"
    assert len(graph.requests_to("GET", comments)) == before + 1  # the sweep's read, no second one
    assert Message.objects.filter(account=facebook).count() == 2


def test_a_manager_hides_then_deletes_a_facebook_comment_on_the_page(graph, question, manager):
    services.message_hide(message=question, user=manager, reason="Insultes")
    assert graph.hidden(question.remote_id)
    services.message_delete(message=Message.objects.get(pk=question.pk), user=manager, reason="Spam")
    assert not graph.comment_exists(question.remote_id)
    question.refresh_from_db()
    assert question.hidden_at and question.deleted_at


def test_a_page_is_polled_at_most_every_three_minutes_to_spare_its_calls(facebook, question):
    state = ReadState.objects.get(account=facebook)
    assert state.next_read_at - state.last_success_at >= timedelta(seconds=180)
