"""The `conversations` contract as tests: every adapter declaring it mixes `ConversationsContract`
into a test class (as every adapter mixes AdapterContract for publishing).

A test class provides one fixture, `conversations`, returning a `ConversationsSetup`:

    class TestMastodonConversations(ConversationsContract):
        network = "mastodon"  # the meta-test finds each declaring network's contract by it

        @pytest.fixture
        def conversations(self, mastodon_server, brand_a):
            account = ...  # a saved, connected NetworkAccount whose network is reachable
            return ConversationsSetup(
                account=account,
                our_post=lambda text: ...,                 # the account posts; its remote id
                receive=lambda text, in_reply_to="", at=None: ...,  # someone writes; its id
                page_size=5,
                exists=lambda remote_id: ...,
                hidden=lambda remote_id: ...,              # or None when the network cannot hide
                failures={ErrorKind.RETRY: ..., ErrorKind.RECONNECT: ...},  # the NEXT read fails
                malformed=lambda: ...,                      # the NEXT read answers a broken page
                secrets=[token],
            )

`receive(text)` is a mention; `receive(text, in_reply_to=<id>)` a reply to that post or message.
A network whose read side brings no mentions (LinkedIn: only comments on the page's posts) sets
`reads_mentions=False`; one that calls an answer to a post a comment sets `reply_kind`; one that
never shows the account its own messages (Telegram's bots) sets `thread_has_ours=False` (the
inbox stores each reply it sends, so nothing is lost).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from networks.base import Adapter, Capability, ErrorKind, PublishError
from networks.capabilities.conversations import InboundMessage, MalformedPage, MessageAction, MessageKind, web_address
from networks.models import NetworkAccount

# What people type: markup, right-to-left marks, a family emoji joined by zero-width joiners.
AWKWARD = '<b>bold</b> & <script>alert("x")</script> \u200fשלום\u200f 👨\u200d👩\u200d👧 « guillemets »'


@dataclass
class ConversationsSetup:
    account: NetworkAccount
    our_post: Callable[[str], str]
    receive: Callable[..., str]
    page_size: int
    exists: Callable[[str], bool]
    hidden: Callable[[str], bool] | None = None
    failures: dict[ErrorKind, Callable[[], None]] = field(default_factory=dict)
    malformed: Callable[[], None] | None = None
    secrets: list[str] = field(default_factory=list)
    reads_mentions: bool = True
    reply_kind: MessageKind = MessageKind.REPLY  # what an answer to one of the account's posts is
    thread_has_ours: bool = True


def week_ago() -> datetime:
    return timezone.now() - timedelta(days=7)


def read_all(adapter: Adapter, cursor: str = "", since: datetime | None = None) -> tuple[list[InboundMessage], str]:
    """Follow the pages from `cursor` until the network says nothing more is waiting."""
    messages: list[InboundMessage] = []
    for _page in range(100):
        page = adapter.read_messages(cursor=cursor, since=since or week_ago())
        messages += page.messages
        cursor = page.cursor
        if not page.more:
            return messages, cursor
    pytest.fail("the pages never ended")


def ids(messages: list[InboundMessage]) -> list[str]:
    return [m.remote_id for m in messages]


class ConversationsContract:
    """Mixin: the assertions every `conversations` adapter passes (see the module docstring)."""

    network: str  # the adapter slug under test

    @pytest.fixture
    def reader(self, conversations: ConversationsSetup) -> Adapter:
        return conversations.account.adapter()

    def test_declares_the_capability_and_explains_each_action_it_does_not_offer(self, reader):
        assert reader.slug == self.network
        assert reader.has(Capability.CONVERSATIONS)
        assert MessageAction.REPLY in reader.message_actions
        for action in MessageAction:
            if action not in reader.message_actions:
                reason = str(reader.actions_not_offered.get(action, "")).strip()
                assert reason, f"{reader.name} neither offers {action} nor says why"

    def test_the_first_read_goes_back_to_since_and_no_further(self, reader, conversations):
        post = conversations.our_post("Notre nouvelle collection")
        old = conversations.receive("Trop vieux", in_reply_to=post, at=timezone.now() - timedelta(days=9))
        recent = conversations.receive("Bravo !", in_reply_to=post, at=timezone.now() - timedelta(days=2))
        messages, _cursor = read_all(reader)
        assert recent in ids(messages)
        assert old not in ids(messages)

    def test_messages_are_normalised_with_the_text_as_typed(self, reader, conversations):
        post = conversations.our_post("Une question ?")
        reply = conversations.receive(AWKWARD, in_reply_to=post)
        if conversations.reads_mentions:
            mention = conversations.receive("Vous connaissez cette marque ? " + "a" * 400)
        messages = {m.remote_id: m for m in read_all(reader)[0]}
        assert messages[reply].text == AWKWARD
        assert messages[reply].in_reply_to == post
        assert messages[reply].kind == conversations.reply_kind
        if conversations.reads_mentions:
            assert messages[mention].kind == MessageKind.MENTION
        for message in messages.values():
            assert message.author.handle.strip()
            assert message.created_at.tzinfo is not None
            assert message.url == web_address(message.url)
            assert message.author.avatar_url == web_address(message.author.avatar_url)
            assert not message.ours

    def test_reading_from_the_cursor_returns_only_what_came_after(self, reader, conversations):
        post = conversations.our_post("Bonjour")
        first = conversations.receive("Premier", in_reply_to=post)
        messages, cursor = read_all(reader)
        assert ids(messages) == [first]
        assert read_all(reader, cursor)[0] == []
        second = conversations.receive("Second", in_reply_to=post)
        again, cursor_after = read_all(reader, cursor)
        assert ids(again) == [second]
        assert read_all(reader, cursor_after)[0] == []

    def test_pages_follow_each_other_with_no_gap_and_no_repeat(self, reader, conversations):
        post = conversations.our_post("Concours !")
        count = conversations.page_size * 2 + 1
        sent = [conversations.receive(f"Participation {n}", in_reply_to=post) for n in range(count)]
        pages, cursor = [], ""
        for _page in range(10):
            page = reader.read_messages(cursor=cursor, since=week_ago())
            pages.append(ids(list(page.messages)))
            cursor = page.cursor
            if not page.more:
                break
        received = [remote_id for page in pages for remote_id in page]
        assert sorted(received) == sorted(sent)
        assert len(pages) >= 3, "a page holds at most page_size messages"

    def test_the_thread_holds_replies_at_every_depth(self, reader, conversations):
        post = conversations.our_post("Qui vient samedi ?")
        first = conversations.receive("Moi !", in_reply_to=post)
        deeper = conversations.receive("Moi aussi, on y va ensemble ?", in_reply_to=first)
        thread = {m.remote_id: m for m in reader.read_thread(root_id=post)}
        assert {first, deeper} <= set(thread)
        assert thread[deeper].in_reply_to == first

    def test_a_reply_is_threaded_and_a_repeat_with_the_same_key_is_made_once(self, reader, conversations):
        post = conversations.our_post("Des questions ?")
        question = conversations.receive("Livrez-vous en Belgique ?", in_reply_to=post)
        key = uuid.uuid4().hex
        answer = reader.reply(to=question, text="Oui, partout en Belgique !", key=key)
        assert answer.remote_id and conversations.exists(answer.remote_id)
        assert answer.url == web_address(answer.url)
        if reader.recognises_repeats:
            again = conversations.account.adapter().reply(to=question, text="Oui, partout en Belgique !", key=key)
            assert again.remote_id == answer.remote_id
        ours = [m for m in reader.read_thread(root_id=post) if m.ours]
        expected = [(answer.remote_id, question)] if conversations.thread_has_ours else []
        assert [(m.remote_id, m.in_reply_to) for m in ours] == expected

    def test_hide_and_delete_do_what_is_declared(self, reader, conversations):
        post = conversations.our_post("Avis ?")
        rude = conversations.receive("Nul !", in_reply_to=post)
        if reader.offers(MessageAction.HIDE):
            assert conversations.hidden is not None
            reader.hide_message(remote_id=rude)
            assert conversations.hidden(rude)
        else:
            with pytest.raises(NotImplementedError):
                reader.hide_message(remote_id=rude)
        if reader.offers(MessageAction.DELETE):
            reader.delete_message(remote_id=rude, ours=False)
            assert not conversations.exists(rude)
        if reader.offers(MessageAction.DELETE_OWN):
            # Not under `rude`: a network that deleted it takes no reply to it any more.
            fair = conversations.receive("Pas terrible.", in_reply_to=post)
            answer = reader.reply(to=fair, text="Dites-nous ce qui ne va pas.", key=uuid.uuid4().hex)
            reader.delete_message(remote_id=answer.remote_id, ours=True)
            assert not conversations.exists(answer.remote_id)

    def test_read_failures_map_onto_error_kinds_with_a_message_and_no_secret(self, reader, conversations):
        if not conversations.failures:
            pytest.skip("this network has no failure a test can provoke")
        for kind, provoke in conversations.failures.items():
            provoke()
            with pytest.raises(PublishError) as caught:
                reader.read_messages(cursor="", since=week_ago())
            assert caught.value.kind == kind, caught.value.message
            assert caught.value.message.strip()
            for secret in conversations.secrets:
                assert secret not in str(caught.value) and secret not in caught.value.message

    def test_a_malformed_page_is_refused_whole_and_read_again_later(self, reader, conversations):
        assert conversations.malformed is not None, "every network can answer a broken page"
        post = conversations.our_post("Soldes")
        waiting = conversations.receive("Jusqu'à quand ?", in_reply_to=post)
        conversations.malformed()
        with pytest.raises(MalformedPage) as caught:
            reader.read_messages(cursor="", since=week_ago())
        assert caught.value.kind == ErrorKind.RETRY
        assert ids(read_all(reader)[0]) == [waiting]
