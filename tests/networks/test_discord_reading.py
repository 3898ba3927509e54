"""Discord's channel read by the account's bot: the conversations contract, and what is
Discord's own (snowflake cursors, replies by reference, nonces, a webhook-only account)."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from networks import services
from networks.base import ConnectError, ErrorKind, PublishError
from networks.discord.adapter import snowflake_at
from tests.networks.conversations_contract import ConversationsContract, ConversationsSetup, read_all, week_ago
from tests.networks.test_discord import account as webhook_only  # noqa: F401 — an account without a bot
from tests.networks.test_discord import discord as discord  # noqa: F401 — the local Discord

CHANNEL = "/api/channels/"


@pytest.fixture
def account(discord, brand_a, owner):  # noqa: F811
    data = {"webhook_url": discord.webhook_url, "bot_token": discord.bot_token}
    return services.account_connect(brand=brand_a, user=owner, network="discord", data=data)


def publish(account, text):
    return account.adapter().publish(text=text, media=[], key=uuid.uuid4().hex).remote_id


class TestDiscordConversations(ConversationsContract):
    network = "discord"

    @pytest.fixture
    def conversations(self, discord, account):  # noqa: F811
        def receive(text, in_reply_to="", at=None):
            return discord.post_as("claire", text, reply_to=in_reply_to, at=at)

        return ConversationsSetup(
            account=account,
            our_post=lambda text: publish(account, text),
            receive=receive,
            page_size=100,
            exists=discord.exists_message,
            failures={
                ErrorKind.RETRY: discord.rate_limit_reads,
                ErrorKind.RECONNECT: lambda: discord.fail_next(401, path=CHANNEL),
            },
            malformed=lambda: discord.garble_next(path=CHANNEL),
            secrets=[discord.token, discord.bot_token],
        )


def test_connecting_with_a_bot_checks_it_sees_the_channel(discord, brand_a, owner):  # noqa: F811
    data = {"webhook_url": discord.webhook_url, "bot_token": "not-the-token"}
    with pytest.raises(ConnectError) as caught:
        services.account_connect(brand=brand_a, user=owner, network="discord", data=data)
    assert caught.value.field == "bot_token" and "not-the-token" not in caught.value.message


def test_a_webhook_only_account_is_told_to_add_a_bot_and_sends_nothing(discord, webhook_only):  # noqa: F811
    with pytest.raises(PublishError) as caught:
        webhook_only.adapter().read_messages(cursor="", since=week_ago())
    assert "Reconnect it with a bot token" in caught.value.message and caught.value.kind == ErrorKind.RETRY
    assert discord.requests_to("GET", CHANNEL) == []


def test_the_first_read_starts_at_the_snowflake_of_the_backfill_date(discord, account):  # noqa: F811
    since = timezone.now() - timedelta(days=7)
    account.adapter().read_messages(cursor="", since=since)
    asked = discord.requests_to("GET", CHANNEL)[-1].query
    assert asked == {"after": snowflake_at(since), "limit": "100"}
    assert discord.requests_to("GET", CHANNEL)[-1].header("Authorization") == f"Bot {discord.bot_token}"


def test_a_burst_is_read_in_pages_of_100_after_the_newest_id(discord, account):  # noqa: F811
    first = discord.post_as("claire", "Premier")
    _messages, cursor = read_all(account.adapter())
    assert cursor == first
    burst = [discord.post_as("claire", f"Message {n}") for n in range(150)]
    page = account.adapter().read_messages(cursor=cursor, since=week_ago())
    assert page.more and page.cursor == burst[99]
    rest, end = read_all(account.adapter(), page.cursor)
    assert sorted(m.remote_id for m in page.messages + tuple(rest)) == sorted(burst) and end == burst[-1]


def test_a_reply_references_the_message_and_a_repeat_with_its_nonce_is_made_once(discord, account):  # noqa: F811
    question = discord.post_as("claire", "Vous ouvrez quand ?")
    first = account.adapter().reply(to=question, text="À 9 h !", key="reply-key-1")
    again = account.adapter().reply(to=question, text="À 9 h !", key="reply-key-1")
    assert first.remote_id == again.remote_id
    sent = discord.requests_to("POST", CHANNEL)[-1].json
    assert sent["message_reference"]["message_id"] == question and sent["enforce_nonce"] is True


def test_an_edited_message_says_when(discord, account):  # noqa: F811
    message = discord.post_as("claire", "Brouillon")
    discord.edit(message, "Texte final")
    (read,) = read_all(account.adapter())[0]
    assert read.text == "Texte final" and read.edited_at is not None


def test_a_rate_limit_says_how_long_to_wait(discord, account):  # noqa: F811
    discord.rate_limit_reads(reset_after=3)
    with pytest.raises(PublishError) as caught:
        account.adapter().read_messages(cursor="", since=week_ago())
    assert caught.value.kind == ErrorKind.RETRY and caught.value.retry_after == 3
    assert "slow down" in caught.value.message and discord.bot_token not in caught.value.message
