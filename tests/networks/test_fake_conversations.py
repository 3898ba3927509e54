"""The fake network's conversations pass the shared contract (tests above adapters rely on it)."""

import uuid
from datetime import UTC, datetime

import pytest

from networks.base import ErrorKind
from networks.fake.adapter import FakeAdapter
from tests.factories import NetworkAccountFactory
from tests.networks.conversations_contract import ConversationsContract, ConversationsSetup


@pytest.fixture(autouse=True)
def empty_fake_network():
    for store in (FakeAdapter.outbox, FakeAdapter.replies, FakeAdapter.hidden, FakeAdapter.deleted):
        store.clear()


class TestFakeConversations(ConversationsContract):
    network = "fake"

    @pytest.fixture
    def conversations(self, brand_a):
        account = NetworkAccountFactory(brand=brand_a, network="fake", config={"page_size": 4})

        def our_post(text):
            return account.adapter().publish(text=text, media=[], key=uuid.uuid4().hex).remote_id

        def receive(text, in_reply_to="", at=None):
            kind = "reply" if in_reply_to else "mention"
            return FakeAdapter.receive(account, text, in_reply_to=in_reply_to, at=at, kind=kind)

        def fail_next(kind):
            return lambda: account.config.update(read_fail=str(kind))

        def exists(remote_id):
            known = {m["id"] for m in account.config.get("inbox", [])} | {r["id"] for r in FakeAdapter.replies.values()}
            return remote_id in known and remote_id not in FakeAdapter.deleted

        return ConversationsSetup(
            account=account,
            our_post=our_post,
            receive=receive,
            page_size=4,
            exists=exists,
            hidden=lambda remote_id: remote_id in FakeAdapter.hidden,
            failures={ErrorKind.RETRY: fail_next(ErrorKind.RETRY), ErrorKind.RECONNECT: fail_next(ErrorKind.RECONNECT)},
            malformed=fail_next("malformed"),
        )


def test_generated_messages_come_in_pages_across_processes_without_any_state(brand_a):
    account = NetworkAccountFactory(
        brand=brand_a, network="fake", config={"inbox_generated": 45, "inbox_generated_at": "2026-03-01T00:00:00+00:00"}
    )
    adapter = account.adapter()
    since = datetime(2026, 2, 1, tzinfo=UTC)
    first = adapter.read_messages(cursor="", since=since)
    assert len(first.messages) == 20 and first.more
    rest = adapter.read_messages(cursor=first.cursor, since=since)
    last = adapter.read_messages(cursor=rest.cursor, since=since)
    assert len(last.messages) == 5 and not last.more
    assert len({m.remote_id for m in first.messages + rest.messages + last.messages}) == 45
