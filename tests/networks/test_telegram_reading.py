"""Telegram's comments, read by the bot in the channel's discussion group through getUpdates:
the conversations contract, and what is Telegram's own (offsets that confirm, automatic
forwards, one level of reply_to_message, a channel without a group)."""

import json
import uuid

import pytest

from networks import services
from networks.base import ErrorKind, PublishError
from networks.capabilities.conversations import MessageKind
from tests.networks.conversations_contract import ConversationsContract, ConversationsSetup, read_all, week_ago
from tests.networks.test_telegram import account as account  # noqa: F401 — the connected channel
from tests.networks.test_telegram import telegram as telegram  # noqa: F401 — the local Bot API


def publish(account, text):  # noqa: F811
    return account.adapter().publish(text=text, media=[], key=uuid.uuid4().hex).remote_id


def updates_path(server):
    return f"/bot{server.token}/getUpdates"


class TestTelegramConversations(ConversationsContract):
    network = "telegram"

    @pytest.fixture
    def conversations(self, telegram, account):  # noqa: F811
        def receive(text, in_reply_to="", at=None):
            return telegram.comment_as("claire", text, reply_to=in_reply_to, at=at)

        return ConversationsSetup(
            account=account,
            our_post=lambda text: publish(account, text),
            receive=receive,
            page_size=100,
            exists=telegram.comment_exists,
            failures={
                ErrorKind.RETRY: lambda: telegram.fail_next(
                    429, path=updates_path(telegram), body=telegram.error_body(429)
                ),
                ErrorKind.RECONNECT: telegram.revoke,
            },
            malformed=lambda: telegram.garble_next(path=updates_path(telegram)),
            secrets=[telegram.token],
            thread_has_ours=False,
        )


def test_connecting_keeps_the_linked_discussion_group(account, telegram):  # noqa: F811
    assert account.config["discussion_chat_id"] == telegram.group["id"]


def test_each_read_confirms_the_previous_page_with_its_offset(account, telegram):  # noqa: F811
    post = publish(account, "Nouveau menu")
    telegram.comment_as("claire", "Miam", reply_to=post)
    page = account.adapter().read_messages(cursor="", since=week_ago())
    offset = json.loads(page.cursor)["offset"]
    assert "offset" not in telegram.requests_to("POST", updates_path(telegram))[-1].params()
    assert telegram.updates  # nothing confirmed until the next read
    account.adapter().read_messages(cursor=page.cursor, since=week_ago())
    assert telegram.requests_to("POST", updates_path(telegram))[-1].params()["offset"] == str(offset)
    assert telegram.updates == []


def test_a_comment_answers_the_channel_post_and_a_deeper_one_finds_its_thread(account, telegram):  # noqa: F811
    post = publish(account, "Concert samedi")
    first = telegram.comment_as("claire", "J'y serai", reply_to=post)
    deeper = telegram.comment_as("bob", "Moi aussi", reply_to=first)
    loose = telegram.comment_as("bob", "Bonjour à tous")
    messages = {m.remote_id: m for m in read_all(account.adapter())[0]}
    assert set(messages) == {first, deeper, loose}  # the automatic forward is not a message
    assert (messages[first].in_reply_to, messages[first].root_id) == (post, post)
    assert (messages[deeper].in_reply_to, messages[deeper].root_id) == (first, post)
    assert messages[loose].kind == MessageKind.MENTION and messages[deeper].author.handle == "@bob"
    assert messages[first].url == f"https://t.me/deskchat/{first.rsplit(':', 1)[1]}"


def test_the_forwards_travel_in_the_cursor_for_replies_read_later(account, telegram):  # noqa: F811
    post = publish(account, "Jeu concours")
    first = telegram.comment_as("claire", "Je participe", reply_to=post)
    _messages, cursor = read_all(account.adapter())
    later = telegram.comment_as("bob", "Moi aussi !", reply_to=first)
    (message,) = read_all(account.adapter(), cursor)[0]
    assert message.remote_id == later and message.root_id == post


def test_an_edited_comment_comes_again_with_its_edit_date(account, telegram):  # noqa: F811
    post = publish(account, "Horaires")
    comment = telegram.comment_as("claire", "Ouvert lundi ?", reply_to=post)
    _messages, cursor = read_all(account.adapter())
    telegram.edit_comment(comment, "Ouvert mardi ?")
    (edited,) = read_all(account.adapter(), cursor)[0]
    assert edited.remote_id == comment and edited.text == "Ouvert mardi ?" and edited.edited_at


def test_a_reply_is_sent_in_the_group_under_the_comment(account, telegram):  # noqa: F811
    post = publish(account, "Questions ?")
    comment = telegram.comment_as("claire", "Livrez-vous à Lyon ?", reply_to=post)
    answer = account.adapter().reply(to=comment, text="Oui <3 & partout", key="k")
    sent = telegram.requests_to("POST", f"/bot{telegram.token}/sendMessage")[-1].params()
    assert sent["chat_id"] == str(telegram.group["id"]) and json.loads(sent["reply_parameters"])["message_id"] == int(
        comment.rsplit(":", 1)[1]
    )
    assert telegram.group_messages[int(answer.remote_id.rsplit(":", 1)[1])]["text"] == "Oui <3 & partout"


def test_a_channel_without_a_discussion_group_says_how_to_link_one(telegram, brand_a, owner):  # noqa: F811
    del telegram.channel["linked_chat_id"]
    account = services.account_connect(  # noqa: F811
        brand=brand_a, user=owner, network="telegram", data={"bot_token": telegram.token, "chat": "@deskchannel"}
    )
    with pytest.raises(PublishError) as caught:
        account.adapter().read_messages(cursor="", since=week_ago())
    assert "no discussion group" in caught.value.message and caught.value.kind == ErrorKind.RETRY
    assert telegram.requests_to("POST", updates_path(telegram)) == []


def test_a_rate_limit_says_how_long_to_wait(account, telegram):  # noqa: F811
    telegram.fail_next(429, path=updates_path(telegram), body=telegram.error_body(429))
    with pytest.raises(PublishError) as caught:
        account.adapter().read_messages(cursor="", since=week_ago())
    assert caught.value.kind == ErrorKind.RETRY and caught.value.retry_after == 5
    assert telegram.token not in caught.value.message


def test_threads_asked_in_one_poll_cost_one_call(account, telegram):  # noqa: F811
    posts = [publish(account, f"Post {n}") for n in range(3)]
    for post in posts:
        telegram.comment_as("claire", "Bien vu", reply_to=post)
    adapter = account.adapter()
    threads = [adapter.read_thread(root_id=post) for post in posts]
    assert [len(thread) for thread in threads] == [1, 1, 1]
    assert len(telegram.requests_to("POST", updates_path(telegram))) == 1
