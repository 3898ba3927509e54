"""The inbox's pages as a person uses them: the list and its filters in the URL, a conversation
with its post, thread, notes and reply box, and every action's answer."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inbox import services
from inbox.models import Conversation, ConversationState, Reply, ReplyState
from inbox.states import Move
from networks.capabilities.conversations import MessageKind
from tests.factories import NetworkAccountFactory
from tests.inbox.conftest import inbound, store


def list_url(brand, **query):
    return reverse("inbox:list", kwargs={"brand_slug": brand.slug}) + (f"?{urlencode(query)}" if query else "")


def page_of(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def several(account, target, brand_a, editor):
    """Three conversations: Alice's (new), Bob's (assigned to the editor, tagged), Carla's
    mention (resolved), and one on a Mastodon account."""
    store(account, inbound("Alice demande le prix", remote_id="a", in_reply_to=target.remote_id, author="@alice"))
    store(account, inbound("Bob veut un devis", remote_id="b", kind=MessageKind.MENTION, author="@bob"))
    store(account, inbound("Carla remercie", remote_id="c", kind=MessageKind.MENTION, author="@carla"))
    mastodon = NetworkAccountFactory(brand=brand_a, network="mastodon", config={"instance_url": "http://127.0.0.1:9"})
    store(mastodon, inbound("Dan sur Mastodon", remote_id="d", kind=MessageKind.MENTION, author="@dan@masto.example"))
    bob = Conversation.objects.get(root_remote_id="b")
    services.conversation_assign(conversation=bob, user=editor, assignee=editor)
    services.conversation_set_tags(conversation=bob, user=editor, names=["Devis"])
    services.conversation_move(
        conversation=Conversation.objects.get(root_remote_id="c"), user=editor, move=Move.RESOLVE
    )
    return {c.root_remote_id: c for c in Conversation.objects.all()}


def authors(html: str) -> list[str]:
    return [name for name in ("@alice", "@bob", "@carla", "@dan@masto.example") if f">{name}<" in html]


def test_the_list_shows_what_needs_answering_by_default_and_everything_on_request(client, viewer, brand_a, several):
    assert authors(page_of(client, viewer, list_url(brand_a))) == ["@alice", "@bob", "@dan@masto.example"]
    assert authors(page_of(client, viewer, list_url(brand_a, state=""))) == [
        "@alice",
        "@bob",
        "@carla",
        "@dan@masto.example",
    ]
    assert authors(page_of(client, viewer, list_url(brand_a, state="resolved"))) == ["@carla"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"network": "mastodon"}, ["@dan@masto.example"]),
        ({"assignee": "me"}, ["@bob"]),
        ({"assignee": "nobody"}, ["@alice", "@dan@masto.example"]),
        ({"tag": "devis"}, ["@bob"]),
        ({"q": "prix"}, ["@alice"]),
        ({"q": "@dan"}, ["@dan@masto.example"]),
    ],
)
def test_each_filter_lives_in_the_url(client, editor, brand_a, several, query, expected):
    assert authors(page_of(client, editor, list_url(brand_a, **query))) == expected


def test_a_filter_value_that_does_not_fit_is_named_and_left_out(client, viewer, brand_a, several):
    html = page_of(client, viewer, list_url(brand_a, state="nonsense", network="myspace", assignee="99999999999"))
    assert "is-invalid" in html and "State" in html and "Network" in html
    assert authors(html) == ["@alice", "@bob", "@dan@masto.example"]


def test_the_list_costs_the_same_number_of_queries_whatever_the_page_size(client, editor, brand_a, account, target):
    def count_for(conversations: int) -> int:
        Conversation.objects.all().delete()
        for n in range(conversations):
            store(account, inbound(f"Message {n}", remote_id=f"x{n}", kind=MessageKind.MENTION, author=f"@p{n}"))
        for conversation in Conversation.objects.all()[:3]:
            services.conversation_set_tags(conversation=conversation, user=editor, names=["a", "b"])
        client.force_login(editor)
        client.get(list_url(brand_a))  # a first visit also writes the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(list_url(brand_a, size=100)).status_code == 200
        return len(queries)

    few, many = count_for(3), count_for(60)
    assert few == many, f"{few} queries for 3 conversations, {many} for 60"


def test_the_list_holds_to_its_queries(client, editor, brand_a, several, django_assert_num_queries):
    client.force_login(editor)
    client.get(list_url(brand_a))  # the session is read and refreshed on a first visit
    # session, user, membership; the filters' networks and members; the brand switcher, the bell
    # and the inbox's count in the navigation; the list: count, page, tags.
    with django_assert_num_queries(12):  # with the Today page's navigation
        client.get(list_url(brand_a))


def test_a_conversation_shows_the_post_it_answers_the_thread_and_the_reply_box(client, editor, conversation):
    services.note_add(conversation=conversation, user=editor, text="Je m'en occupe")
    html = page_of(client, editor, reverse("inbox:conversation", args=[conversation.brand.slug, conversation.pk]))
    assert "Notre collection de printemps" in html
    assert "Où est la boutique ?" in html and "Je m&#x27;en occupe" in html
    assert 'id="reply-form"' in html and 'id="assign-me"' in html
    assert "Conversation started" in html


def test_text_is_shown_escaped_and_never_breaks_the_page(client, viewer, account, target):
    store(
        account,
        inbound('<script>alert("x")</script>\u202e' + "y" * 10_000, remote_id="evil", in_reply_to=target.remote_id),
    )
    conversation = Conversation.objects.get()
    html = page_of(client, viewer, reverse("inbox:conversation", args=[conversation.brand.slug, conversation.pk]))
    assert "<script>alert" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<script>alert" not in page_of(client, viewer, list_url(conversation.brand))


def test_a_viewer_reads_without_action_buttons_but_may_write_a_note(client, viewer, conversation):
    html = page_of(client, viewer, reverse("inbox:conversation", args=[conversation.brand.slug, conversation.pk]))
    assert 'id="reply-form"' not in html and 'id="assign-me"' not in html and 'id="moves"' not in html
    assert 'id="id_note"' in html


def test_on_mastodon_the_reply_box_starts_with_the_authors_handle_and_hiding_says_why_not(client, manager, brand_a):
    mastodon = NetworkAccountFactory(brand=brand_a, network="mastodon", config={"instance_url": "http://127.0.0.1:9"})
    store(mastodon, inbound("Bonjour", remote_id="m", kind=MessageKind.MENTION, author="@dan@masto.example"))
    conversation = Conversation.objects.get()
    html = page_of(client, manager, reverse("inbox:conversation", args=[brand_a.slug, conversation.pk]))
    assert ">@dan@masto.example </textarea>" in html
    assert "Mastodon cannot hide a reply" in html and "/hide/" not in html


def test_a_reply_from_the_page_is_created_and_a_refused_one_says_why(client, editor, conversation):
    client.force_login(editor)
    url = reverse("inbox:reply", args=[conversation.brand.slug, conversation.pk])
    response = client.post(url, {"text": "a" * 600}, follow=True)
    assert "Fake network: the text is 600 characters long, the limit is 500." in response.content.decode()
    assert not Reply.objects.exists()
    response = client.post(url, {"text": "Au 12 rue de la Paix."}, follow=True)
    assert "Your reply is on its way." in response.content.decode()
    assert Reply.objects.get().in_reply_to.remote_id == "q1"


def test_a_reply_to_a_message_of_another_conversation_is_refused(client, editor, conversation, account):
    store(account, inbound("Autre", remote_id="other", kind=MessageKind.MENTION))
    other = Conversation.objects.get(root_remote_id="other").messages.get()
    client.force_login(editor)
    url = reverse("inbox:reply", args=[conversation.brand.slug, conversation.pk])
    response = client.post(url, {"text": "Oui", "in_reply_to": other.pk}, follow=True)
    assert "Choose a message of this conversation to answer." in response.content.decode()
    assert not Reply.objects.exists()


def test_with_approval_on_the_editor_submits_and_the_manager_approves_from_the_page(
    client, owner, editor, manager, conversation
):
    services.inbox_settings_update(brand=conversation.brand, user=owner, replies_need_approval=True)
    client.force_login(editor)
    page = client.get(reverse("inbox:conversation", args=[conversation.brand.slug, conversation.pk])).content.decode()
    assert "Submit for approval" in page
    client.post(reverse("inbox:reply", args=[conversation.brand.slug, conversation.pk]), {"text": "Bonjour"})
    reply = Reply.objects.get()
    assert reply.state == ReplyState.AWAITING_APPROVAL
    client.force_login(manager)
    client.post(reverse("inbox:reply_decide", args=[conversation.brand.slug, reply.pk, "approve"]))
    reply.refresh_from_db()
    assert (reply.state, reply.approved_by) == (ReplyState.PENDING, manager)


def test_assign_move_tag_and_prioritise_from_the_page(client, editor, conversation):
    client.force_login(editor)
    slug, pk = conversation.brand.slug, conversation.pk
    client.post(reverse("inbox:assign", args=[slug, pk]), {"assignee": "me"})
    client.post(reverse("inbox:tags", args=[slug, pk]), {"tags": "SAV, Livraison"})
    client.post(reverse("inbox:priority", args=[slug, pk]), {"priority": "3"})
    client.post(reverse("inbox:move", args=[slug, pk, "wait"]))
    conversation.refresh_from_db()
    assert (conversation.assignee, conversation.state, conversation.priority) == (editor, ConversationState.WAITING, 3)
    assert sorted(t.name for t in conversation.tags.all()) == ["Livraison", "SAV"]


@pytest.mark.parametrize(
    ("route", "args", "data"),
    [
        ("inbox:move", ["nonsense"], {}),
        ("inbox:assign", [], {"assignee": "x" * 40}),
        ("inbox:assign", [], {"assignee": "123456789012345678901234"}),
    ],
)
def test_nonsense_in_an_action_is_a_404_not_a_500(client, editor, conversation, route, args, data):
    client.force_login(editor)
    url = reverse(route, args=[conversation.brand.slug, conversation.pk, *args])
    assert client.post(url, data).status_code == 404


def test_bad_values_in_forms_come_back_as_messages_naming_the_field(client, editor, conversation):
    client.force_login(editor)
    slug, pk = conversation.brand.slug, conversation.pk
    response = client.post(reverse("inbox:priority", args=[slug, pk]), {"priority": "99"}, follow=True)
    assert "Choose a priority from the list." in response.content.decode()
    response = client.post(reverse("inbox:tags", args=[slug, pk]), {"tags": "x" * 60}, follow=True)
    assert "A tag has at most 50 characters" in response.content.decode()
    response = client.post(reverse("inbox:move", args=[slug, pk, "reopen"]), follow=True)
    assert "is not possible on a conversation that is new" in response.content.decode()


def test_a_huge_id_is_a_404(client, viewer, brand_a):
    client.force_login(viewer)
    assert client.get(f"/b/{brand_a.slug}/inbox/99999999999999999999999/").status_code == 404


def test_the_navigation_counts_what_waits_for_me(client, editor, brand_a, several):
    html = page_of(client, editor, reverse("calendars:calendar", args=[brand_a.slug]))
    # Alice's and Dan's (new, nobody's) and Bob's (given to this editor).
    assert 'data-unread="3"' in html


def test_owners_set_the_approval_rule_the_response_target_and_business_hours(client, owner, brand_a):
    client.force_login(owner)
    form = {"replies_need_approval": "on", "response_target_minutes": "30", "opens_0": "08:30", "closes_0": "12:00"}
    client.post(reverse("inbox:settings", args=[brand_a.slug]), form)
    rules = services.inbox_settings_for(brand_a)
    assert rules.replies_need_approval and rules.response_target_minutes == 30
    assert rules.business_hours == {"0": ["08:30", "12:00"]}  # Monday mornings only


def test_hours_that_close_before_they_open_are_refused_naming_the_day(client, owner, brand_a):
    client.force_login(owner)
    form = {"response_target_minutes": "30", "opens_2": "18:00", "closes_2": "09:00"}
    html = client.post(reverse("inbox:settings", args=[brand_a.slug]), form).content.decode()
    assert "Wednesday: the closing time must come after the opening time." in html
    assert services.inbox_settings_for(brand_a).pk is None  # nothing saved


def test_another_brands_conversation_is_a_404_even_with_a_valid_id(client, outsider, conversation):
    client.force_login(outsider)
    url = reverse("inbox:conversation", args=["brand-b", conversation.pk])
    assert client.get(url).status_code == 404
