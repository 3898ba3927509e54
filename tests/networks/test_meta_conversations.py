"""Facebook Page comments, Instagram comments and mentions, Threads replies against the local
Meta servers: the shared contract, then what is Meta's own (the sweep over posts and its cursor,
rate limits with the usage headers' reset, deleted posts, replies without an idempotency key)."""

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from networks import services
from networks.base import Connection, ErrorKind, PublishError
from networks.capabilities.conversations import MessageKind
from tests.networks.conversations_contract import ConversationsContract, ConversationsSetup, read_all, week_ago
from tests.networks.oauth_helpers import oauth_data
from tests.networks.servers.graph import GraphServer, ThreadsServer

SITE = "https://desk.example.com"
PAGE_SIZE = 5


@pytest.fixture
def graph(settings):
    with GraphServer(app_id="fb-app", app_secret="fb-secret-value") as server:
        settings.FACEBOOK_APP_ID, settings.FACEBOOK_APP_SECRET = server.app_id, server.app_secret
        settings.GRAPH_API_URL = server.api_url
        settings.FACEBOOK_DIALOG_URL = server.dialog_url
        settings.SITE_URL = SITE
        server.page_size = PAGE_SIZE
        yield server


@pytest.fixture
def threads(settings):
    with ThreadsServer(app_id="th-app", app_secret="th-secret-value") as server:
        settings.THREADS_APP_ID, settings.THREADS_APP_SECRET = server.app_id, server.app_secret
        settings.THREADS_API_URL = server.api_url
        settings.THREADS_AUTHORIZE_URL = server.authorize_url
        settings.SITE_URL = SITE
        server.page_size = PAGE_SIZE
        server.container_polls = 0  # ready at the first look: no wait between polls
        yield server


def _connect(brand, user, network, credentials, config, handle):
    connection = Connection(display_name=handle, handle=handle, credentials=credentials, config=config)
    return services.account_connect(brand=brand, user=user, network=network, data=oauth_data(connection))


@pytest.fixture
def facebook_account(graph, brand_a, owner):
    page = graph.page("Desk Café")
    return _connect(
        brand_a, owner, "facebook", {"page_token": page["access_token"]}, {"page_id": page["id"]}, page["id"]
    )


@pytest.fixture
def instagram_account(graph, brand_a, owner):
    page = graph.page("Desk Café")
    ig = page["instagram_business_account"]
    config = {"ig_user_id": ig["id"], "page_id": page["id"], "username": ig["username"]}
    return _connect(brand_a, owner, "instagram", {"page_token": page["access_token"]}, config, "@deskcafe")


@pytest.fixture
def threads_account(threads, brand_a, owner):
    credentials = {"access_token": threads.long_lived_token(), "issued_at": timezone.now().isoformat()}
    config = {"user_id": threads.user["id"], "username": threads.user["username"]}
    return _connect(brand_a, owner, "threads", credentials, config, "@desk.threads")


def _epoch(at):
    return at.timestamp() if at else None


def graph_failures(server):
    return {
        ErrorKind.RETRY: lambda: server.throttle_reads(minutes=3),
        ErrorKind.RECONNECT: server.expire_tokens,
    }


class TestFacebookConversations(ConversationsContract):
    network = "facebook"

    @pytest.fixture
    def conversations(self, graph, facebook_account):
        def our_post(text):
            return (
                facebook_account.adapter().publish(text=f"{text} {uuid.uuid4().hex[:6]}", media=[], key="k").remote_id
            )

        def receive(text, in_reply_to="", at=None):
            if not in_reply_to:
                return graph.tag(text=text, network="facebook", at=_epoch(at))
            return graph.comment(on=in_reply_to, text=text, at=_epoch(at))

        return ConversationsSetup(
            account=facebook_account,
            our_post=our_post,
            receive=receive,
            page_size=PAGE_SIZE,
            exists=graph.comment_exists,
            hidden=graph.hidden,
            failures=graph_failures(graph),
            malformed=lambda: graph.garble_next(path="/v21.0/", method="GET"),
            secrets=[graph.page("Desk Café")["access_token"], "fb-secret-value"],
        )


class TestInstagramConversations(ConversationsContract):
    network = "instagram"

    @pytest.fixture
    def conversations(self, graph, instagram_account):
        def receive(text, in_reply_to="", at=None):
            if not in_reply_to:
                return graph.tag(text=text, network="instagram", at=_epoch(at))
            return graph.comment(on=in_reply_to, text=text, who="claire", at=_epoch(at))

        return ConversationsSetup(
            account=instagram_account,
            our_post=graph.media_post,
            receive=receive,
            page_size=PAGE_SIZE,
            exists=graph.comment_exists,
            hidden=graph.hidden,
            failures=graph_failures(graph),
            malformed=lambda: graph.garble_next(path="/v21.0/", method="GET"),
            secrets=[graph.page("Desk Café")["access_token"], "fb-secret-value"],
        )


class TestThreadsConversations(ConversationsContract):
    network = "threads"

    @pytest.fixture
    def conversations(self, threads, threads_account):
        def our_post(text):
            return threads_account.adapter().publish(text=text, media=[], key="k").remote_id

        def receive(text, in_reply_to="", at=None):
            return threads.receive(text, reply_to=in_reply_to, at=_epoch(at))

        return ConversationsSetup(
            account=threads_account,
            our_post=our_post,
            receive=receive,
            page_size=PAGE_SIZE,
            exists=threads.exists,
            hidden=threads.hidden,
            failures={ErrorKind.RETRY: threads.throttle_reads, ErrorKind.RECONNECT: threads.expire_tokens},
            malformed=lambda: threads.garble_next(path="/v1.0/", method="GET"),
            secrets=[threads_account.credentials["access_token"], "th-secret-value"],
        )


# --- the sweep ---------------------------------------------------------------------------------------
@pytest.fixture
def page_post(facebook_account):
    return facebook_account.adapter().publish(text="Nos horaires", media=[], key="k").remote_id


def test_a_throttle_waits_for_the_reset_the_business_usage_header_gives(graph, facebook_account, page_post):
    graph.throttle_reads(minutes=7, status=403, code=32)
    with pytest.raises(PublishError) as caught:
        facebook_account.adapter().read_messages(cursor="", since=week_ago())
    assert caught.value.kind == ErrorKind.RETRY and caught.value.retry_after == 7 * 60
    assert "Facebook" in caught.value.message


def test_a_sweep_killed_half_way_resumes_from_its_cursor_without_a_gap_or_a_repeat(graph, facebook_account):
    posts = [facebook_account.adapter().publish(text=f"Post {n}", media=[], key="k").remote_id for n in range(3)]
    sent = [graph.comment(on=post, text=f"Commentaire {n}") for n, post in enumerate(posts * 3)]
    first = facebook_account.adapter().read_messages(cursor="", since=week_ago())  # the posts' listing
    second = facebook_account.adapter().read_messages(cursor=first.cursor, since=week_ago())
    assert first.more and second.more and json.loads(second.cursor)["sweep"]["queue"]
    # the worker dies here: the stored cursor is `second.cursor`, and a new one goes on from it
    rest, cursor = read_all(facebook_account.adapter(), second.cursor)
    assert sorted(m.remote_id for m in [*second.messages, *rest]) == sorted(sent)
    late = graph.comment(on=posts[0], text="En retard")
    assert [m.remote_id for m in read_all(facebook_account.adapter(), cursor)[0]] == [late]


def test_a_post_deleted_during_the_sweep_is_skipped_and_the_others_are_read(graph, facebook_account):
    kept, gone = (facebook_account.adapter().publish(text=t, media=[], key="k").remote_id for t in ("Un", "Deux"))
    wanted = graph.comment(on=kept, text="Toujours là")
    graph.comment(on=gone, text="Bientôt parti")
    listing = facebook_account.adapter().read_messages(cursor="", since=week_ago())
    graph.delete_post(gone)
    messages, _cursor = read_all(facebook_account.adapter(), listing.cursor)
    assert [m.remote_id for m in messages] == [wanted]
    assert facebook_account.adapter().read_thread(root_id=gone) == []


def test_a_comment_written_during_a_sweep_on_a_post_already_read_comes_with_the_next_sweep(graph, facebook_account):
    older, newer = (facebook_account.adapter().publish(text=t, media=[], key="k").remote_id for t in ("A", "B"))
    listing = facebook_account.adapter().read_messages(cursor="", since=week_ago())
    assert json.loads(listing.cursor)["sweep"]["queue"] == [f"p:{newer}", f"p:{older}", "mentions"]
    newer_read = facebook_account.adapter().read_messages(cursor=listing.cursor, since=week_ago())
    meanwhile = graph.comment(on=newer, text="Pendant la lecture")
    rest, cursor = read_all(facebook_account.adapter(), newer_read.cursor)
    assert rest == []
    assert [m.remote_id for m in read_all(facebook_account.adapter(), cursor)[0]] == [meanwhile]
    assert read_all(facebook_account.adapter(), read_all(facebook_account.adapter(), cursor)[1])[0] == []


def test_facebook_replies_name_their_parent_and_the_pages_own_are_ours(graph, facebook_account, page_post):
    question = graph.comment(on=page_post, text="Ouvert dimanche ?")
    answer = facebook_account.adapter().reply(to=question, text="Oui, de 10 h à 18 h.", key="k")
    thread = {m.remote_id: m for m in facebook_account.adapter().read_thread(root_id=page_post)}
    assert thread[answer.remote_id].ours and thread[answer.remote_id].in_reply_to == question
    assert not thread[question].ours and thread[question].in_reply_to == page_post
    sent = graph.requests_to("POST", f"/v21.0/{question}/comments")[-1]
    assert sent.params()["message"] == "Oui, de 10 h à 18 h."


def test_a_reply_whose_answer_is_lost_is_an_unknown_outcome_for_meta_has_no_key(graph, facebook_account, page_post):
    question = graph.comment(on=page_post, text="Livrez-vous ?")
    graph.drop_next(path=f"/v21.0/{question}/comments", method="POST")
    with pytest.raises(PublishError) as caught:
        facebook_account.adapter().reply(to=question, text="Oui", key="k")
    assert caught.value.kind == ErrorKind.UNKNOWN
    assert not facebook_account.adapter_class.recognises_repeats  # inbox/sending.py: "needs checking"


def test_instagram_replies_nest_one_level_and_a_mention_is_answered_on_the_media(graph, instagram_account):
    media = graph.media_post("Nouvelle carte")
    top = graph.comment(on=media, text="Miam", who="claire")
    deeper = graph.comment(on=top, text="Oui !", who="bob")
    deepest = graph.comment(on=deeper, text="Moi aussi", who="zoe")
    thread = {m.remote_id: m for m in instagram_account.adapter().read_thread(root_id=media)}
    assert thread[deeper].in_reply_to == top and thread[deepest].in_reply_to == top
    tagged = graph.tag(text="Chez @deskcafe", network="instagram")
    mention = next(m for m in read_all(instagram_account.adapter())[0] if m.remote_id == tagged)
    assert mention.kind == MessageKind.MENTION and mention.text == "Chez @deskcafe"
    instagram_account.adapter().reply(to=tagged, text="Merci !", key="k")
    assert graph.requests_to("POST", f"/v21.0/{graph.page('Desk Café')['instagram_business_account']['id']}/mentions")


def test_threads_reads_replies_at_every_depth_and_hides_with_manage_reply(threads, threads_account):
    post = threads_account.adapter().publish(text="Sondage", media=[], key="k").remote_id
    first = threads.receive("Oui", reply_to=post)
    deeper = threads.receive("Non", reply_to=first, who="bob")
    messages = {m.remote_id: m for m in read_all(threads_account.adapter())[0]}
    assert messages[deeper].in_reply_to == first and messages[deeper].root_id == post
    threads_account.adapter().hide_message(remote_id=deeper)
    assert threads.hidden(deeper)
    with pytest.raises(NotImplementedError):
        threads_account.adapter().delete_message(remote_id=deeper, ours=False)
    asked = threads.requests_to("GET", f"/v1.0/{post}/conversation")[-1].query
    assert asked["reverse"] == "false"


def test_the_first_read_of_threads_mentions_goes_back_to_since(threads, threads_account):
    old = threads.receive("ancien", at=(timezone.now() - timedelta(days=9)).timestamp())
    new = threads.receive("récent")
    found = [m.remote_id for m in read_all(threads_account.adapter())[0]]
    assert new in found and old not in found


def test_a_post_nobody_commented_since_the_last_sweep_is_not_read_again(graph, facebook_account):
    post = facebook_account.adapter().publish(text="Calme plat", media=[], key="k").remote_id
    an_hour_ago = timezone.now().timestamp() - 3600
    next(p for p in graph.posts if p["id"] == post)["created"] = an_hour_ago
    graph.comment(on=post, text="Premier", at=an_hour_ago)
    comments = f"/v21.0/{post}/comments"
    _messages, cursor = read_all(facebook_account.adapter())
    _messages, cursor = read_all(facebook_account.adapter(), cursor)
    assert len(graph.requests_to("GET", comments)) == 1  # its updated_time has not moved
    late = graph.comment(on=post, text="Enfin quelqu'un")
    assert [m.remote_id for m in read_all(facebook_account.adapter(), cursor)[0]] == [late]
    assert len(graph.requests_to("GET", comments)) == 2


@pytest.mark.parametrize(("status", "code"), [(400, 4), (400, 17), (403, 32), (400, 613), (400, 80001)])
def test_every_throttle_code_is_a_retry_after_the_reset(graph, facebook_account, status, code):
    graph.throttle_reads(minutes=2, status=status, code=code)
    with pytest.raises(PublishError) as caught:
        facebook_account.adapter().read_messages(cursor="", since=week_ago())
    assert (caught.value.kind, caught.value.retry_after) == (ErrorKind.RETRY, 120)


def test_an_app_usage_header_alone_waits_out_part_of_the_hour(graph, facebook_account):
    body = {"error": {"message": "(#4) Application request limit reached", "type": "OAuthException", "code": 4}}
    graph.fail_next(400, path="/v21.0/", method="GET", body=body, headers={"X-App-Usage": '{"call_count": 100}'})
    with pytest.raises(PublishError) as caught:
        facebook_account.adapter().read_messages(cursor="", since=week_ago())
    assert caught.value.retry_after == 300


def test_a_published_post_whose_permalink_cannot_be_read_is_not_published_again(threads, threads_account):
    published = f"/v1.0/{18100000000000001}"
    threads.fail_next(500, path=published, method="GET")
    result = threads_account.adapter().publish(text="Une fois", media=[], key="k")
    assert result.remote_id == "18100000000000001" and result.url == "https://www.threads.net/@desk.threads"
    assert len(threads.threads) == 1
