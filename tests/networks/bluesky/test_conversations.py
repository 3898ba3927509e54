"""Bluesky's conversations: the shared contract against the real PDS (replies, hiding and
deleting are records written there) and the local AppView it proxies app.bsky reads to; then
what is particular to Bluesky (reasons skipped, quotes, threadgates, exactly-once replies)."""

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from networks import http
from networks.base import ErrorKind, PublishError
from networks.bluesky.adapter import BlueskyAdapter
from networks.bluesky.records import rkey_for
from networks.capabilities.conversations import MessageKind
from tests.networks.bluesky.people import People
from tests.networks.conversations_contract import ConversationsContract, ConversationsSetup, read_all

pytestmark = [pytest.mark.pds, pytest.mark.django_db]
NOTIFICATIONS = "/xrpc/app.bsky.notification.listNotifications"


@pytest.fixture
def people(pds, appview, bluesky_user) -> People:
    return People(pds, appview, bluesky_user)


@pytest.fixture
def our_post(bluesky_account):
    def post(text: str) -> str:
        return bluesky_account.adapter().publish(text=text, media=[], key=uuid.uuid4().hex).remote_id

    return post


class TestBlueskyConversations(ConversationsContract):
    network = "bluesky"

    @pytest.fixture
    def conversations(self, bluesky_account, app_password, people, appview, our_post, monkeypatch):
        monkeypatch.setattr(BlueskyAdapter, "page_limit", 4)
        return ConversationsSetup(
            account=bluesky_account,
            our_post=our_post,
            receive=lambda text, in_reply_to="", at=None: people.write(text, in_reply_to=in_reply_to, at=at),
            page_size=4,
            exists=people.exists,
            hidden=people.hidden,
            failures={
                ErrorKind.RETRY: lambda: appview.fail_next(429, path=NOTIFICATIONS, reset_in=30),
                ErrorKind.RECONNECT: lambda: appview.fail_next(401, path=NOTIFICATIONS),
            },
            malformed=lambda: appview.garble_next(path=NOTIFICATIONS),
            secrets=[
                app_password,
                bluesky_account.credentials["accessJwt"],
                bluesky_account.credentials["refreshJwt"],
            ],
        )


def test_likes_and_follows_are_skipped_and_a_quote_is_a_mention(bluesky_account, people, appview, our_post):
    post = our_post("Notre nouvelle carte")
    appview.notify(people.brand.did, "like", by=people.bob.did, subject=post)
    appview.notify(people.brand.did, "follow", by=people.bob.did)
    quote = people.write("Regardez ça", quote=post)

    messages, _cursor = read_all(bluesky_account.adapter())

    assert [(m.remote_id, m.kind, m.in_reply_to) for m in messages] == [(quote, MessageKind.MENTION, "")]
    assert messages[0].author.handle == f"@{people.claire.handle}"
    assert messages[0].url.startswith(f"https://bsky.app/profile/{people.claire.handle}/post/")


def test_reads_go_through_the_pds_with_the_session_and_ask_only_for_the_kept_reasons(
    bluesky_account, people, appview, our_post
):
    people.write("Bonjour", in_reply_to=our_post("Salut"))
    read_all(bluesky_account.adapter())
    (request,) = appview.requests_to("GET", NOTIFICATIONS)
    # The PDS's service-auth token, never the account's own session token.
    assert request.bearer and request.bearer != bluesky_account.credentials["accessJwt"]
    assert sorted(parse_qs(urlsplit(request.path).query)["reasons"]) == ["mention", "quote", "reply"]


def test_a_reply_answers_its_parent_in_its_threads_first_post(bluesky_account, people, our_post):
    post = our_post("Qui vient ?")
    first = people.write("Moi", in_reply_to=post)
    deeper = people.write("Et moi ?", in_reply_to=first, by=people.bob)
    answer = bluesky_account.adapter().reply(to=deeper, text="Bienvenue à tous les deux !", key=uuid.uuid4().hex)
    reply = people.record(answer.remote_id)["value"]["reply"]
    assert reply["parent"]["uri"] == deeper and reply["root"]["uri"] == post
    assert reply["parent"]["cid"] == people.record(deeper)["cid"]


def test_a_reply_whose_first_call_timed_out_after_the_write_is_on_the_pds_once(
    bluesky_account, people, our_post, monkeypatch
):
    """The PDS wrote the record but its answer never came: the retry with the same key finds
    the reply under its rkey instead of writing a second one."""
    question = people.write("Livrez-vous le dimanche ?", in_reply_to=our_post("Nos horaires"))
    real_request = http.request

    def answer_lost(method, url, **kwargs):
        response = real_request(method, url, **kwargs)
        if url.endswith("com.atproto.repo.createRecord"):
            raise requests.ReadTimeout("no answer", request=response.request)
        return response

    key = uuid.uuid4().hex
    monkeypatch.setattr(http, "request", answer_lost)
    with pytest.raises(PublishError) as caught:
        bluesky_account.adapter().reply(to=question, text="Oui, le dimanche matin.", key=key)
    assert caught.value.kind == ErrorKind.UNKNOWN
    monkeypatch.setattr(http, "request", real_request)

    again = bluesky_account.adapter().reply(to=question, text="Oui, le dimanche matin.", key=key)

    assert again.remote_id.endswith(f"/{rkey_for(key)}")
    assert [r["value"]["text"] for r in people.replies_by_brand()] == ["Oui, le dimanche matin."]


def test_the_pds_refuses_a_second_record_under_the_same_rkey(bluesky_account, people, pds, bluesky_user):
    """What exactly-once rests on: createRecord with an rkey already used writes nothing."""
    record = {"$type": "app.bsky.feed.post", "text": "Une fois", "createdAt": "2026-01-01T00:00:00.000Z"}
    body = {"repo": bluesky_user.did, "collection": "app.bsky.feed.post", "rkey": rkey_for("once"), "record": record}
    first = pds.xrpc("POST", "com.atproto.repo.createRecord", token=bluesky_user.access_jwt, json=body)
    second = pds.xrpc("POST", "com.atproto.repo.createRecord", token=bluesky_user.access_jwt, json=body)
    assert first.status_code == 200 and second.status_code >= 400
    assert pds.post_count(bluesky_user.did) == 1


def test_a_repeat_whose_look_up_failed_is_refused_by_the_pds_and_taken_as_the_first_reply(
    bluesky_account, people, our_post, monkeypatch
):
    question = people.write("Un menu enfant ?", in_reply_to=our_post("La carte"))
    first = bluesky_account.adapter().reply(to=question, text="Oui, à 9 €.", key="menu-enfant")
    monkeypatch.setattr(BlueskyAdapter, "_lookup_before_posting", lambda self, rkey: None)

    again = bluesky_account.adapter().reply(to=question, text="Oui, à 9 €.", key="menu-enfant")

    assert again == first
    assert len(people.replies_by_brand()) == 1


def test_hiding_a_reply_outside_our_threads_is_refused_in_words(bluesky_account, people):
    theirs = people.write("Mon propre fil", by=people.bob, mention=people.claire)
    reply = people.write("Réponse", in_reply_to=theirs)
    with pytest.raises(PublishError) as caught:
        bluesky_account.adapter().hide_message(remote_id=reply)
    assert caught.value.kind == ErrorKind.REJECTED
    assert "hides replies only in threads" in caught.value.message


def test_hiding_twice_keeps_one_entry_and_other_hidden_replies(bluesky_account, people, our_post):
    post = our_post("Avis ?")
    rude, ruder = people.write("Nul", in_reply_to=post), people.write("Très nul", in_reply_to=post, by=people.bob)
    adapter = bluesky_account.adapter()
    for uri in (rude, ruder, rude):
        adapter.hide_message(remote_id=uri)
    gate = people.record(f"{post.replace('app.bsky.feed.post', 'app.bsky.feed.threadgate')}")["value"]
    assert gate["hiddenReplies"] == [rude, ruder] and gate["post"] == post
