"""The inbox's poller (inbox/collect.py) over the networks read since this round: X's billed
reads (off until the owner sets a budget, said on the Networks page), and Telegram's offsets
(a page is confirmed only by the read after it was stored: nothing twice, nothing lost)."""

import uuid

from inbox.models import Conversation, Message
from networks.models import ReadState
from tests.inbox.conftest import published_target
from tests.inbox.test_collect import poll_now, read_state
from tests.networks.test_telegram import account as telegram_account  # noqa: F401 — a connected channel
from tests.networks.test_telegram import telegram as telegram  # noqa: F401 — the local Bot API
from tests.networks.test_x import account as x_account  # noqa: F401 — a connected X account
from tests.networks.test_x import x_server as x_server  # noqa: F401 — the local X


def test_x_reads_nothing_until_the_owner_sets_a_read_budget_and_the_networks_page_says_why(
    client,
    owner,
    x_account,  # noqa: F811
    x_server,  # noqa: F811
):
    assert poll_now(x_account) == "failed"
    assert "X reads are off for this account" in read_state(x_account).last_error
    assert x_server.requests_to("GET", "/2/users/") == []
    client.force_login(owner)
    page = client.get(f"/b/{x_account.brand.slug}/networks/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "X reads are off for this account" in page and "Reads are off" in page


def test_x_mentions_are_stored_once_under_the_post_they_answer(x_account, x_server):  # noqa: F811
    x_account.monthly_read_budget = 100
    x_account.save(update_fields=["monthly_read_budget"])
    tweet = x_account.adapter().publish(text="Printemps", media=[], key=uuid.uuid4().hex).remote_id
    published_target(x_account, remote_id=tweet)
    reply = x_server.post_as("claire", "Superbe !", in_reply_to=tweet)
    assert poll_now(x_account) == "read"
    assert poll_now(x_account) == "read"
    stored = Message.objects.get(account=x_account, remote_id=reply)
    assert stored.text == "Superbe !" and Message.objects.filter(account=x_account).count() == 1
    assert Conversation.objects.filter(account=x_account).count() == 1


def test_telegram_comments_are_stored_once_and_none_is_lost_across_polls(telegram_account, telegram):  # noqa: F811
    post = telegram_account.adapter().publish(text="Nouveautés", media=[], key="k").remote_id
    published_target(telegram_account, remote_id=post)
    first = [telegram.comment_as("claire", f"Commentaire {n}", reply_to=post) for n in range(3)]
    assert poll_now(telegram_account) == "read"
    cursor_after_first = ReadState.objects.get(account=telegram_account).cursor
    assert telegram.updates  # the last page waits to be confirmed by the next read
    later = telegram.comment_as("bob", "Et la livraison ?", reply_to=first[0])
    assert poll_now(telegram_account) == "read"
    assert ReadState.objects.get(account=telegram_account).cursor != cursor_after_first
    stored = sorted(Message.objects.filter(account=telegram_account).values_list("remote_id", flat=True))
    assert stored == sorted([*first, later])
