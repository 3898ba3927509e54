"""messages_store: what the networks say goes into conversations, each message once."""

from datetime import timedelta

from django.utils import timezone

from inbox.models import Conversation, ConversationState, Event, EventKind, Message
from inbox.services import conversation_assign, conversation_move
from inbox.states import Move
from networks.capabilities.conversations import MessageKind
from tests.inbox.conftest import inbound, published_target, store


def test_a_reply_to_our_post_opens_a_new_conversation_under_that_post(account, target):
    result = store(account, inbound("J'adore !", remote_id="r1", in_reply_to=target.remote_id))

    conversation = Conversation.objects.get()
    assert result.created == 1 and result.post_roots == {target.remote_id}
    assert conversation.kind == Conversation.Kind.POST and conversation.root_target == target
    assert conversation.state == ConversationState.NEW and conversation.brand == account.brand
    assert (conversation.message_count, conversation.last_message_text, conversation.last_author) == (
        1,
        "J'adore !",
        "@claire@fake.invalid",
    )
    assert list(conversation.events.values_list("kind", flat=True)) == [EventKind.OPENED]


def test_the_same_page_stored_twice_keeps_each_message_once(account, target):
    page = [inbound(f"Message {n}", remote_id=f"r{n}", in_reply_to=target.remote_id) for n in range(5)]
    store(account, *page)
    again = store(account, *page)

    assert again.created == 0
    assert Message.objects.count() == 5
    assert Conversation.objects.get().message_count == 5
    assert Event.objects.count() == 1  # opened once


def test_a_message_repeated_inside_one_page_is_stored_once(account, target):
    message = inbound("Deux fois", remote_id="dup", in_reply_to=target.remote_id)
    store(account, message, message)
    assert Message.objects.filter(remote_id="dup").count() == 1


def test_replies_at_every_depth_join_the_conversation_of_the_post_even_out_of_order(account, target):
    deep = inbound("Moi aussi", remote_id="b", in_reply_to="a", at=timezone.now() - timedelta(minutes=1))
    first = inbound("Moi !", remote_id="a", in_reply_to=target.remote_id, at=timezone.now() - timedelta(minutes=2))
    store(account, deep, first)  # the page lists the deeper reply first
    later = inbound("Et moi", remote_id="c", in_reply_to="b", at=timezone.now())
    store(account, later)

    conversation = Conversation.objects.get()
    assert sorted(conversation.messages.values_list("remote_id", flat=True)) == ["a", "b", "c"]
    assert conversation.last_message_text == "Et moi"


def test_a_reply_stored_before_the_message_it_answers_is_adopted_by_the_post_conversation(account, target):
    store(account, inbound("Moi aussi", remote_id="b", in_reply_to="a"))  # "a" has not arrived
    store(account, inbound("Et moi", remote_id="b2", in_reply_to="a"))
    assert Conversation.objects.get().root_remote_id == "a"
    an_hour_ago = timezone.now() - timedelta(hours=1)
    store(account, inbound("Moi !", remote_id="a", in_reply_to=target.remote_id, at=an_hour_ago))

    conversation = Conversation.objects.get()
    assert conversation.root_target == target
    assert sorted(conversation.messages.values_list("remote_id", flat=True)) == ["a", "b", "b2"]
    assert conversation.message_count == 3


def test_a_mention_starts_its_own_conversation_and_replies_to_it_join_it(account):
    store(account, inbound("Vous connaissez @maisona ?", remote_id="m1", kind=MessageKind.MENTION))
    store(account, inbound("Oui, super marque", remote_id="m2", in_reply_to="m1"))

    conversation = Conversation.objects.get()
    assert conversation.kind == Conversation.Kind.MENTION and conversation.root_remote_id == "m1"
    assert conversation.root_target is None and conversation.message_count == 2


def test_messages_of_two_posts_make_two_conversations(account, target):
    other = published_target(account)
    store(account, inbound(in_reply_to=target.remote_id), inbound(in_reply_to=other.remote_id))
    assert Conversation.objects.count() == 2


def test_a_new_message_reopens_a_resolved_conversation_and_says_so(conversation, account, editor):
    conversation_move(conversation=conversation, user=editor, move=Move.RESOLVE)
    store(account, inbound("En fait, encore une question", in_reply_to="q1"))

    conversation.refresh_from_db()
    assert conversation.state == ConversationState.NEW and conversation.resolved_at is None
    reopened = conversation.events.get(kind=EventKind.REOPENED)
    assert (reopened.before, reopened.after, reopened.actor) == ("resolved", "new", None)


def test_a_reopened_conversation_goes_back_to_its_assignee(conversation, account, editor):
    conversation_assign(conversation=conversation, user=editor, assignee=editor)
    conversation_move(conversation=conversation, user=editor, move=Move.WAIT)
    store(account, inbound("Merci, et pour la livraison ?", in_reply_to="q1"))
    conversation.refresh_from_db()
    assert (conversation.state, conversation.assignee) == (ConversationState.ASSIGNED, editor)


def test_spam_stays_spam_when_the_spammer_writes_again(conversation, account, editor):
    conversation_move(conversation=conversation, user=editor, move=Move.SPAM)
    store(account, inbound("Gagnez un iPhone !!!", in_reply_to="q1"))
    conversation.refresh_from_db()
    assert conversation.state == ConversationState.SPAM


def test_our_own_message_read_back_does_not_reopen_and_counts_as_the_first_response(conversation, account, editor):
    conversation_move(conversation=conversation, user=editor, move=Move.RESOLVE)
    answered_at = timezone.now() - timedelta(minutes=1)
    store(account, inbound("Rue de la Paix", in_reply_to="q1", ours=True, author="@maisona", at=answered_at))
    conversation.refresh_from_db()
    assert conversation.state == ConversationState.RESOLVED
    assert conversation.first_response_at == answered_at


def test_text_is_stored_exactly_as_received_and_unsafe_addresses_are_dropped(account, target):
    text = "<img src=x onerror=alert(1)> \u202ebidi\u202c 👩\u200d🔧 " + "x" * 10_000
    store(
        account,
        inbound(
            text,
            remote_id="weird",
            in_reply_to=target.remote_id,
            url="javascript:alert(1)",
        ),
    )
    message = Message.objects.get(remote_id="weird")
    assert message.text == text
    assert message.url == ""


def test_an_edited_message_keeps_its_latest_words(account, target):
    store(account, inbound("Prix : 10 €", remote_id="e1", in_reply_to=target.remote_id))
    store(account, inbound("Prix : 12 €", remote_id="e1", in_reply_to=target.remote_id, edited_at=timezone.now()))
    message = Message.objects.get(remote_id="e1")
    assert message.text == "Prix : 12 €" and message.edited_at is not None


def test_the_same_remote_id_on_two_accounts_is_two_messages(account, brand_a, target):
    from tests.factories import NetworkAccountFactory

    other = NetworkAccountFactory(brand=brand_a, network="fake")
    store(account, inbound(remote_id="same", in_reply_to=target.remote_id))
    store(other, inbound(remote_id="same"))
    assert Message.objects.filter(remote_id="same").count() == 2
