"""The inbox with a Bluesky account (inbox/collect.py, inbox/sending.py): people write on the real
PDS, the poll reads through it (the local AppView behind), replies are written there once."""

import pytest
import requests
from django.utils import timezone

from inbox import sending, services
from inbox.models import Message, Reply, ReplyState
from networks import http
from networks.budget import CALLS
from networks.models import RateBudget, ReadState
from tests.inbox.conftest import published_target
from tests.inbox.test_collect import poll_now, read_state
from tests.networks.bluesky.people import People

pytestmark = [pytest.mark.pds, pytest.mark.django_db]
NOTIFICATIONS = "/xrpc/app.bsky.notification.listNotifications"


@pytest.fixture(autouse=True)
def _no_task_messages(monkeypatch):
    """The dispatcher enqueues after commit; these tests run the polls themselves."""
    monkeypatch.setattr("inbox.collect._enqueue_polls", lambda claimed, claim: None)
    monkeypatch.setattr("inbox.collect._enqueue_replies", lambda ids: None)


@pytest.fixture
def people(pds, appview, bluesky_user) -> People:
    return People(pds, appview, bluesky_user)


@pytest.fixture
def post(bluesky_account) -> str:
    """A post the desk published: the inbox knows it as ours."""
    result = bluesky_account.adapter().publish(text="Notre carte d'hiver", media=[], key="winter-menu")
    published_target(bluesky_account, remote_id=result.remote_id)
    return result.remote_id


def test_replies_and_mentions_are_collected_once_even_when_the_same_page_is_read_twice(bluesky_account, people, post):
    question = people.write("Des plats végétariens ?", in_reply_to=post)
    deeper = people.write("Je me posais la même question", in_reply_to=question, by=people.bob)
    mention = people.write("Quelqu'un connaît ce restaurant ?")

    assert poll_now(bluesky_account) == "read"
    ReadState.objects.filter(account=bluesky_account).update(cursor="")  # as if the cursor had not moved
    assert poll_now(bluesky_account) == "read"

    assert sorted(Message.objects.values_list("remote_id", flat=True)) == sorted([question, deeper, mention])
    assert Message.objects.get(remote_id=question).conversation.message_count == 2


def test_reads_take_from_the_accounts_budget_and_bluesky_slowing_down_pauses_it(bluesky_account, people, appview, post):
    people.write("Bonjour", in_reply_to=post)
    assert poll_now(bluesky_account) == "read"
    # Every read the PDS proxied (notifications, then the thread) took one call of the budget.
    assert RateBudget.objects.get(account=bluesky_account, kind=CALLS).used == len(appview.requests) == 2

    appview.fail_next(429, path=NOTIFICATIONS, reset_in=120)
    assert poll_now(bluesky_account) == "failed"

    paused = RateBudget.objects.get(account=bluesky_account, kind=CALLS).paused_until
    assert paused is not None and paused > timezone.now()
    assert "Bluesky asks to slow down" in read_state(bluesky_account).last_error


def test_a_reply_whose_answer_was_lost_is_sent_again_with_its_key_and_is_on_the_pds_once(
    bluesky_account, people, post, editor, monkeypatch
):
    question = people.write("Ouvert le lundi ?", in_reply_to=post)
    poll_now(bluesky_account)
    reply = services.reply_create(
        conversation=Message.objects.get(remote_id=question).conversation, user=editor, text="Oui, dès midi."
    )
    real_request = http.request

    def answer_lost(method, url, **kwargs):
        response = real_request(method, url, **kwargs)
        if url.endswith("com.atproto.repo.createRecord"):
            raise requests.ReadTimeout("no answer", request=response.request)
        return response

    monkeypatch.setattr(http, "request", answer_lost)
    assert sending.reply_send(reply_id=reply.pk) == ReplyState.PENDING  # sent, the outcome unknown
    monkeypatch.setattr(http, "request", real_request)
    Reply.objects.filter(pk=reply.pk).update(next_attempt_at=timezone.now())
    assert sending.reply_send(reply_id=reply.pk) == ReplyState.SENT

    assert [r["value"]["text"] for r in people.replies_by_brand()] == ["Oui, dès midi."]
    reply.refresh_from_db()
    poll_now(bluesky_account)  # the thread brings our reply back: stored once, as ours
    assert list(Message.objects.filter(ours=True).values_list("pk", flat=True)) == [reply.message_id]
