"""X's read side against the local API v2: mentions and threads (the conversations contract),
public metrics (the metrics contract), and every read billed against the month's read budget."""

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from networks import budget
from networks.base import ErrorKind, PublishError
from networks.capabilities.metrics import Metric
from networks.models import RateBudget
from networks.x.adapter import X_METRICS, XAdapter
from tests.networks.conversations_contract import ConversationsContract, ConversationsSetup, read_all, week_ago
from tests.networks.metrics_contract import MetricsContract, MetricsSetup
from tests.networks.test_x import account as account  # noqa: F401 — the connected account fixture
from tests.networks.test_x import x_server as x_server  # noqa: F401 — the local X fixture

MENTIONS = "/2/users/"
TWEETS = "/2/tweets"


@pytest.fixture
def reader(account):  # noqa: F811
    account.monthly_read_budget = 10_000
    account.save(update_fields=["monthly_read_budget"])
    return account


def receive(server, text, in_reply_to="", at=None, who="claire"):
    """Someone writes: a reply to `in_reply_to`, else a post naming @thedesk."""
    if not in_reply_to:
        text = f"@thedesk {text}"
    return server.post_as(who, text, in_reply_to=in_reply_to, created_at=at)


def publish(account, text):  # noqa: F811
    return account.adapter().publish(text=text, media=[], key=uuid.uuid4().hex).remote_id


class TestXConversations(ConversationsContract):
    network = "x"

    @pytest.fixture
    def conversations(self, reader, x_server):  # noqa: F811
        def receive_one(text, in_reply_to="", at=None):
            ours = in_reply_to and x_server.all_tweets[in_reply_to]["author_id"] == x_server.user["id"]
            return receive(x_server, text, in_reply_to, at, who="claire" if not in_reply_to or ours else "bob")

        return ConversationsSetup(
            account=reader,
            our_post=lambda text: publish(reader, text),
            receive=receive_one,
            page_size=100,
            exists=x_server.exists,
            hidden=x_server.hidden,
            failures={
                ErrorKind.RETRY: lambda: x_server.rate_limit_reads(MENTIONS),
                ErrorKind.RECONNECT: x_server.revoke_all,
            },
            malformed=lambda: x_server.garble_next(path=MENTIONS),
            secrets=[reader.credentials["access_token"], reader.credentials["refresh_token"], "desk-secret-value"],
        )


class TestXMetrics(MetricsContract):
    network = "x"

    @pytest.fixture
    def metrics(self, reader, x_server):  # noqa: F811
        def post(counts):
            remote_id = publish(reader, f"Compté {uuid.uuid4().hex[:8]}")
            x_server.set_metrics(remote_id, **{X_METRICS[metric]: value for metric, value in counts.items()})
            return remote_id

        def rename(metric):
            x_server.renamed_metrics[X_METRICS[metric]] = f"{X_METRICS[metric]}_v3"

        def set_followers(count):
            x_server.followers_count = count

        return MetricsSetup(
            account=reader,
            post=post,
            delete=x_server.forget,
            set_followers=set_followers,
            rename=rename,
            garble_next=lambda: x_server.garble_next(path=TWEETS, method="GET"),
            failures={
                ErrorKind.RETRY: lambda: x_server.rate_limit_reads(TWEETS),
                ErrorKind.RECONNECT: x_server.revoke_all,
            },
            secrets=[reader.credentials["access_token"], reader.credentials["refresh_token"], "desk-secret-value"],
        )


# --- the read budget ---------------------------------------------------------------------------
def reads_used(account):  # noqa: F811
    row = RateBudget.objects.filter(account=account, kind=budget.READS).first()
    return row.used if row else 0


def test_reads_are_off_until_the_owner_sets_a_budget_and_nothing_is_sent(account, x_server):  # noqa: F811
    assert account.monthly_read_budget == 0
    for read in (
        lambda: account.adapter().read_messages(cursor="", since=week_ago()),
        lambda: account.adapter().read_post_metrics(remote_ids=["1"]),
        lambda: account.adapter().read_account_metrics(),
    ):
        with pytest.raises(PublishError) as caught:
            read()
        assert "monthly read budget on the Networks page" in caught.value.message
        assert caught.value.kind == ErrorKind.RETRY and caught.value.retry_after == 3600
    assert x_server.requests_to("GET", MENTIONS) == [] and x_server.requests_to("GET", TWEETS) == []


def test_each_read_counts_and_reading_stops_when_the_months_budget_is_spent(account, x_server):  # noqa: F811
    account.monthly_read_budget = 3
    account.save(update_fields=["monthly_read_budget"])
    post = publish(account, "Bonjour")
    receive(x_server, "Salut", post)
    account.adapter().read_messages(cursor="", since=week_ago())
    account.adapter().read_thread(root_id=post)
    account.adapter().read_account_metrics()
    assert reads_used(account) == 3
    with pytest.raises(PublishError) as caught:
        account.adapter().read_post_metrics(remote_ids=[post])
    first_of_next_month = (timezone.now().replace(day=28) + timedelta(days=4)).replace(day=1)
    assert f"reading resumes on {first_of_next_month:%Y-%m-%d}" in caught.value.message
    assert len(x_server.requests_to("GET", TWEETS)) == 1  # the search; no lookup was sent


def test_the_networks_page_says_when_reads_are_off(client, owner, account):  # noqa: F811
    client.force_login(owner)
    page = client.get(f"/b/{account.brand.slug}/networks/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Reads are off" in page


# --- what is particular to X -------------------------------------------------------------------
def test_a_burst_is_followed_with_the_pagination_token_under_the_same_since_id(reader, x_server):
    post = publish(reader, "Concours")
    receive(x_server, "Premier", post)
    _messages, cursor = read_all(reader.adapter())
    since_id = json.loads(cursor)["since_id"]
    burst = [receive(x_server, f"Réponse {n}", post) for n in range(150)]
    page = reader.adapter().read_messages(cursor=cursor, since=week_ago())
    assert page.more and len(page.messages) == 100
    following = reader.adapter().read_messages(cursor=page.cursor, since=week_ago())
    asked = x_server.requests_to("GET", MENTIONS)[-1].query
    assert asked["since_id"] == since_id and asked["pagination_token"]
    assert not following.more and json.loads(following.cursor) == {"since_id": max(burst, key=int)}
    assert sorted(m.remote_id for m in page.messages + following.messages) == sorted(burst)


def test_a_reply_loses_the_handles_x_puts_before_it_and_keeps_its_author(reader, x_server):
    post = publish(reader, "Nouveautés")
    reply = receive(x_server, "@thedesk aussi tapé", post)  # "@thedesk @thedesk aussi tapé" on X
    message = next(m for m in read_all(reader.adapter())[0] if m.remote_id == reply)
    assert message.text == "aussi tapé" and message.author.handle == "@claire"
    assert message.url == f"https://x.com/claire/status/{reply}" and message.root_id == post


def test_a_reply_is_sent_in_reply_to_the_message_and_a_lost_answer_is_unknown(reader, x_server):
    post = publish(reader, "Questions ?")
    question = receive(x_server, "Ouvert dimanche ?", post)
    reader.adapter().reply(to=question, text="Oui, de 10 h à 18 h.", key="k")
    assert x_server.requests_to("POST", TWEETS)[-1].json["reply"] == {"in_reply_to_tweet_id": question}
    x_server.drop_next(path=TWEETS, method="POST")
    with pytest.raises(PublishError) as caught:
        reader.adapter().reply(to=question, text="Et le lundi aussi.", key="k2")
    assert caught.value.kind == ErrorKind.UNKNOWN
    assert not XAdapter.recognises_repeats  # the inbox marks it "needs checking" (inbox/sending.py)


def test_views_and_bookmarks_are_read_as_x_names_them_today(reader, x_server):
    remote_id = publish(reader, "Vu ?")
    x_server.set_metrics(remote_id, impression_count=1200, bookmark_count=4)
    counters = reader.adapter().read_post_metrics(remote_ids=[remote_id])[remote_id]
    assert counters.values[Metric.VIEWS] == 1200 and counters.values[Metric.SAVES] == 4
    asked = x_server.requests_to("GET", TWEETS)[-1].query
    assert asked == {"ids": remote_id, "tweet.fields": "public_metrics"}


def test_an_edited_mention_keeps_the_original_id_and_says_it_was_edited(reader, x_server):
    post = publish(reader, "Soldes")
    original = receive(x_server, "Jusqu'à quand ?", post)
    _messages, cursor = read_all(reader.adapter())
    x_server.edit(original, "@thedesk Jusqu'à quand exactement ?")
    (edited,) = read_all(reader.adapter(), cursor)[0]
    assert edited.remote_id == original and edited.text == "Jusqu'à quand exactement ?"
    assert edited.edited_at is not None
