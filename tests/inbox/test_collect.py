"""Collecting (inbox/collect.py) with the fake network, in this process: claims, cursors,
backfill, failures. tests/inbox/test_worker.py runs the same with real Celery processes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.collect import CONVERSATIONS, account_poll, inbox_dispatch
from inbox.models import Conversation, Message
from networks import budget
from networks.fake.adapter import FakeAdapter
from networks.models import AccountStatus, ReadState
from tests.factories import NetworkAccountFactory


def poll_now(account) -> str:
    """What beat and a worker would do: dispatch, then run the poll it enqueued."""
    ReadState.objects.filter(account=account).update(next_read_at=None)
    inbox_dispatch()
    state = ReadState.objects.get(account=account, capability=CONVERSATIONS)
    return account_poll(read_state_id=state.pk, claim=state.claim_id)


def read_state(account) -> ReadState:
    return ReadState.objects.get(account=account, capability=CONVERSATIONS)


def test_a_new_account_gets_a_read_state_and_is_claimed_once(account):
    claimed = inbox_dispatch()
    state = read_state(account)
    assert claimed == [state.pk] and state.claim_id and state.lease_expires_at
    assert inbox_dispatch() == []  # claimed: nobody else takes it


def test_accounts_of_networks_without_conversations_or_disconnected_are_not_read(brand_a):
    NetworkAccountFactory(brand=brand_a, network="webfeed")
    NetworkAccountFactory(brand=brand_a, network="fake", status=AccountStatus.NEEDS_RECONNECT)
    assert inbox_dispatch() == []


def test_the_first_read_backfills_seven_days_and_no_more(account, target):
    eight_days_ago = timezone.now() - timedelta(days=8)
    old = FakeAdapter.receive(account, "Il y a huit jours", at=eight_days_ago, kind="mention")
    recent = FakeAdapter.receive(account, "Hier", in_reply_to=target.remote_id, at=timezone.now() - timedelta(days=1))
    assert poll_now(account) == "read"
    assert list(Message.objects.values_list("remote_id", flat=True)) == [recent]
    state = read_state(account)
    assert state.cursor and state.last_success_at and state.claim_id == "" and state.next_read_at > timezone.now()
    assert not Message.objects.filter(remote_id=old).exists()


def test_each_poll_reads_only_what_came_after_the_cursor(account, target):
    FakeAdapter.receive(account, "Un", in_reply_to=target.remote_id)
    poll_now(account)
    FakeAdapter.receive(account, "Deux", in_reply_to=target.remote_id)
    poll_now(account)
    assert sorted(Message.objects.values_list("text", flat=True)) == ["Deux", "Un"]
    assert Conversation.objects.get().message_count == 2


def test_many_pages_are_read_in_one_poll_each_with_its_cursor(account, target):
    account.config["page_size"] = 3
    account.save()
    for n in range(10):
        FakeAdapter.receive(account, f"Message {n}", in_reply_to=target.remote_id)
    poll_now(account)
    assert Message.objects.count() == 10
    assert read_state(account).cursor == "10"


def test_the_same_page_read_twice_stores_nothing_twice(account, target):
    for n in range(5):
        FakeAdapter.receive(account, f"Message {n}", in_reply_to=target.remote_id)
    poll_now(account)
    ReadState.objects.filter(account=account).update(cursor="")  # as if the cursor had not moved
    poll_now(account)
    assert Message.objects.count() == 5 and Conversation.objects.get().message_count == 5


def test_a_failure_keeps_the_cursor_records_the_error_and_waits_before_trying_again(account, target):
    FakeAdapter.receive(account, "Un", in_reply_to=target.remote_id)
    poll_now(account)
    cursor = read_state(account).cursor
    FakeAdapter.receive(account, "Deux", in_reply_to=target.remote_id)
    account.config["read_fail"] = "retry"
    account.save()

    assert poll_now(account) == "failed"
    state = read_state(account)
    assert state.cursor == cursor and "told to fail" in state.last_error and state.failures == 1
    assert state.next_read_at > timezone.now() + timedelta(seconds=30)
    assert Message.objects.count() == 1

    account.config.pop("read_fail")
    account.save()
    assert poll_now(account) == "read"
    state = read_state(account)
    assert (state.last_error, state.failures, Message.objects.count()) == ("", 0, 2)


def test_a_malformed_page_stores_nothing_of_it_and_is_read_again_next_time(account, target):
    FakeAdapter.receive(account, "Un", in_reply_to=target.remote_id)
    account.config["read_fail"] = "malformed"
    account.save()
    assert poll_now(account) == "failed"
    assert "could not be read" in read_state(account).last_error and read_state(account).cursor == ""
    assert not Message.objects.exists()
    account.config.pop("read_fail")
    account.save()
    poll_now(account)
    assert Message.objects.count() == 1


def test_refused_credentials_flag_the_account_which_is_then_left_alone(account):
    account.config["read_fail"] = "reconnect"
    account.save()
    poll_now(account)
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_RECONNECT
    ReadState.objects.filter(account=account).update(next_read_at=None)
    assert inbox_dispatch() == []


def test_a_poll_whose_claim_was_taken_back_writes_nothing(account, target):
    FakeAdapter.receive(account, "Un", in_reply_to=target.remote_id)
    inbox_dispatch()
    state = read_state(account)
    ReadState.objects.filter(pk=state.pk).update(claim_id="someone-else")
    assert account_poll(read_state_id=state.pk, claim=state.claim_id) == "skipped"
    assert not Message.objects.exists() and read_state(account).cursor == ""


def test_an_expired_claim_is_taken_by_the_next_dispatch(account):
    inbox_dispatch()
    ReadState.objects.filter(account=account).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1), next_read_at=None
    )
    assert inbox_dispatch() == [read_state(account).pk]


def test_a_reply_under_one_of_our_posts_brings_its_whole_thread(account, target):
    first = FakeAdapter.receive(account, "Moi !", in_reply_to=target.remote_id)
    poll_now(account)
    # A deeper reply to someone else's message: notifications would not bring it on most networks.
    FakeAdapter.receive(account, "Moi aussi", in_reply_to=first)
    FakeAdapter.receive(account, "Et nous ?", in_reply_to=target.remote_id)
    poll_now(account)
    assert Conversation.objects.get().message_count == 3


def test_healthz_reports_how_reading_goes_without_naming_anyone(client, account, brand_a):
    other = NetworkAccountFactory(brand=brand_a, network="fake", config={"read_fail": "retry"})
    poll_now(account)
    poll_now(other)
    report = client.get("/healthz").json()["inbox"]
    assert report["ok"] is True
    assert (report["accounts"], report["failing"], report["never_read"]) == (2, 1, 1)
    assert report["oldest_success_age_seconds"] is not None and report["last_dispatch_age_seconds"] is not None
    assert "fake" not in str(report) and "@" not in str(report)


def test_the_networks_page_shows_the_last_read_and_the_last_error(client, owner, account, brand_a):
    failing = NetworkAccountFactory(brand=brand_a, network="fake", display_name="Broken", config={"read_fail": "retry"})
    poll_now(account)
    poll_now(failing)
    client.force_login(owner)
    page = client.get(f"/b/{brand_a.slug}/networks/").content.decode()
    assert "Inbox read" in page
    assert "Reading the inbox failed:" in page and "The fake network was told to fail." in page


@pytest.fixture(autouse=True)
def _no_task_messages(monkeypatch):
    """The dispatcher enqueues after commit; these tests run the polls themselves."""
    monkeypatch.setattr("inbox.collect._enqueue_polls", lambda claimed, claim: None)
    monkeypatch.setattr("inbox.collect._enqueue_replies", lambda ids: None)


def test_an_account_out_of_budget_is_read_again_when_it_refills_not_later_each_time(facebook):
    until = timezone.now() + timedelta(seconds=90)
    budget.pause(facebook, until)  # as after a 429: every call waits until then
    assert poll_now(facebook) == "waiting"
    assert poll_now(facebook) == "waiting"
    state = read_state(facebook)
    assert state.failures == 0  # a wait for the budget is not a failure: no growing backoff
    assert until <= state.next_read_at <= until + timedelta(seconds=2)
    assert not state.claim_id
