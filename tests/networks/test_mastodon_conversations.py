"""Mastodon's conversations against the local Mastodon server: the shared contract, then what is
particular to Mastodon (notifications paging, HTML content, visibility, scopes, rate limits)."""

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from networks.base import ErrorKind, PublishError
from networks.capabilities.conversations import MalformedPage
from networks.mastodon.adapter import text_from_html
from tests.networks.conversations_contract import ConversationsContract, ConversationsSetup, read_all, week_ago
from tests.networks.servers.mastodon import MastodonServer, mastodon_html
from tests.networks.test_mastodon import connect_account

NOTIFICATIONS = "/api/v1/notifications"


def receive(server: MastodonServer, text: str, in_reply_to: str = "", at=None, who: str = "claire@other.example"):
    """Someone writes: a reply to `in_reply_to`, else a mention of @desk."""
    if not in_reply_to:
        text = f"@desk {text}"
    return server.post_as(who, text, in_reply_to_id=in_reply_to or None, created_at=at)


class TestMastodonConversations(ConversationsContract):
    network = "mastodon"

    @pytest.fixture
    def conversations(self, brand_a, mastodon_server):
        account = connect_account(brand_a, mastodon_server)

        def our_post(text):
            return account.adapter().publish(text=text, media=[], key=uuid.uuid4().hex).remote_id

        def receive_one(text, in_reply_to="", at=None):
            # Deeper replies come from someone else and do not name @desk (no notification).
            who = (
                "bob@third.example"
                if in_reply_to and not mastodon_server_is_desk(in_reply_to)
                else "claire@other.example"
            )
            return receive(mastodon_server, text, in_reply_to, at, who=who)

        def mastodon_server_is_desk(status_id):
            return any(s["id"] == status_id and s["account"]["username"] == "desk" for s in mastodon_server.statuses)

        return ConversationsSetup(
            account=account,
            our_post=our_post,
            receive=receive_one,
            page_size=80,
            exists=mastodon_server.exists,
            failures={
                ErrorKind.RETRY: lambda: mastodon_server.fail_next(503, path=NOTIFICATIONS),
                ErrorKind.RECONNECT: lambda: mastodon_server.fail_next(401, path=NOTIFICATIONS),
            },
            malformed=lambda: mastodon_server.corrupt_next(NOTIFICATIONS, b'[{"id": "1", "type": "menti'),
            secrets=[mastodon_server.token],
        )


@pytest.fixture
def account(brand_a, mastodon_server):
    return connect_account(brand_a, mastodon_server)


@pytest.fixture
def post(account):
    return account.adapter().publish(text="Nos horaires d'été", media=[], key=uuid.uuid4().hex).remote_id


def test_reading_goes_forward_with_min_id_so_a_burst_larger_than_a_page_leaves_no_gap(account, mastodon_server, post):
    receive(mastodon_server, "Première", post)
    messages, cursor = read_all(account.adapter())
    assert list(json.loads(cursor)) == ["min_id"]
    burst = [receive(mastodon_server, f"Réponse {n}", post) for n in range(175)]
    page = account.adapter().read_messages(cursor=cursor, since=week_ago())
    asked = mastodon_server.requests_to("GET", NOTIFICATIONS)[-1].query
    assert asked["min_id"] == json.loads(cursor)["min_id"] and asked["types[]"] == "mention"
    assert [m.remote_id for m in page.messages][::-1] == burst[:80] and page.more
    rest, _cursor = read_all(account.adapter(), page.cursor)
    assert sorted(m.remote_id for m in rest) == sorted(burst[80:])


def test_the_first_read_pages_back_with_the_link_headers_max_id_until_the_backfill_date(account, mastodon_server, post):
    old = receive(mastodon_server, "Vieux", post, at=timezone.now() - timedelta(days=10))
    recent = [
        receive(mastodon_server, f"Récent {n}", post, at=timezone.now() - timedelta(minutes=900 - n))
        for n in range(165)
    ]
    messages, cursor = read_all(account.adapter())
    assert sorted(m.remote_id for m in messages) == sorted(recent) and old not in {m.remote_id for m in messages}
    max_ids = [r.query.get("max_id") for r in mastodon_server.requests_to("GET", NOTIFICATIONS)]
    assert max_ids[0] is None and all(max_ids[1:])  # then each page older than the last one
    assert json.loads(cursor) == {"min_id": max(mastodon_server_notification_ids(mastodon_server))}


def mastodon_server_notification_ids(server):
    with server.lock:
        return [n["id"] for n in server._state.notifications]


def test_status_html_comes_back_as_the_text_people_typed():
    typed = (
        "Bonjour @desk, voyez https://example.com/une/tres/longue/adresse/de/page?x=1&y=2\nMerci !"
        "\n\n<b>Fin</b> & « voilà »"
    )
    assert text_from_html(mastodon_html(typed, "http://127.0.0.1")) == typed


def test_a_reply_keeps_the_parents_visibility_and_sends_its_key(account, mastodon_server, post):
    private = mastodon_server.post_as("claire@other.example", "@desk c'est privé", visibility="direct")
    result = account.adapter().reply(to=private, text="@claire@other.example Bien reçu", key="k-123")
    sent = mastodon_server.requests_to("POST", "/api/v1/statuses")[-1]
    assert sent.json["visibility"] == "direct" and sent.json["in_reply_to_id"] == private
    assert sent.header("Idempotency-Key") == "k-123"
    assert [s["id"] for s in mastodon_server.replies_to(private)] == [result.remote_id]


def test_a_reply_that_times_out_after_it_was_sent_is_an_unknown_outcome(account, mastodon_server, post, settings):
    settings.HTTP_TIMEOUT = (2.0, 0.5)
    question = receive(mastodon_server, "Vous êtes ouverts ?", post)
    mastodon_server.fail_next(200, path="/api/v1/statuses", method="POST", delay=1.5)
    with pytest.raises(PublishError) as caught:
        account.adapter().reply(to=question, text="Oui", key="same")
    assert caught.value.kind == ErrorKind.UNKNOWN
    account.adapter().reply(to=question, text="Oui", key="same")  # the retry, with the same key
    assert len(mastodon_server.replies_to(question)) == 1


def test_a_rate_limited_read_says_when_to_come_back(account, mastodon_server):
    mastodon_server.fail_next(429, path=NOTIFICATIONS, reset_in=120)
    with pytest.raises(PublishError) as caught:
        account.adapter().read_messages(cursor="", since=week_ago())
    assert caught.value.kind == ErrorKind.RETRY and 100 < caught.value.retry_after <= 121


def test_a_token_without_the_read_scopes_asks_to_reconnect(brand_a, mastodon_server):
    account = connect_account(
        brand_a, mastodon_server, token=mastodon_server.new_token("write:statuses write:media read:accounts")
    )
    with pytest.raises(PublishError) as caught:
        account.adapter().read_messages(cursor="", since=week_ago())
    assert caught.value.kind == ErrorKind.RECONNECT and "reconnect" in caught.value.message


def test_an_answer_that_is_not_a_page_of_mentions_is_malformed(account, mastodon_server):
    mastodon_server.corrupt_next(NOTIFICATIONS, b'{"error": "oops"}')
    with pytest.raises(MalformedPage):
        account.adapter().read_messages(cursor="", since=week_ago())


def test_an_edited_status_brings_its_new_words_and_a_deleted_post_has_an_empty_thread(account, mastodon_server, post):
    reply = receive(mastodon_server, "Prix : 10 €", post)
    mastodon_server.edit(reply, "Prix : 12 €")
    [message] = account.adapter().read_thread(root_id=post)
    assert message.text == "Prix : 12 €" and message.edited_at is not None
    mastodon_server.delete(post)
    assert account.adapter().read_thread(root_id=post) == []


def test_mastodon_cannot_hide_nor_delete_others_and_says_so(account):
    adapter = account.adapter()
    with pytest.raises(NotImplementedError):
        adapter.hide_message(remote_id="1")
    with pytest.raises(NotImplementedError):
        adapter.delete_message(remote_id="1", ours=False)
