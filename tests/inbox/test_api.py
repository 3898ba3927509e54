"""The inbox over the REST API: the same services as the pages, the same rules and answers."""

import pytest
from django.core.cache import cache

from inbox import services
from inbox.models import Conversation, ConversationState, Reply, ReplyState
from networks.capabilities.conversations import MessageKind
from tests.api.conftest import client_with_token
from tests.factories import NetworkAccountFactory
from tests.inbox.conftest import inbound, store
from tests.inbox.matrix import rule_kwargs


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()


def url(conversation, route=""):
    return f"/api/brands/{conversation.brand.slug}/conversations/{conversation.pk}/{route}"


def test_conversations_are_listed_with_the_pages_filters(conversation, account, editor):
    store(account, inbound("Autre chose", remote_id="m", kind=MessageKind.MENTION, author="@bob"))
    api = client_with_token(editor)
    everything = api.get(f"/api/brands/{conversation.brand.slug}/conversations/").json()
    assert everything["count"] == 2
    found = api.get(f"/api/brands/{conversation.brand.slug}/conversations/", {"q": "boutique"}).json()
    assert [c["id"] for c in found["results"]] == [conversation.pk]
    assert found["results"][0]["post"] == conversation.root_target.post_id
    blank = api.get(f"/api/brands/{conversation.brand.slug}/conversations/", {"assignee": "", "sentiment": ""})
    assert blank.status_code == 200 and blank.json()["count"] == 2  # an empty filter filters nothing
    refused = api.get(f"/api/brands/{conversation.brand.slug}/conversations/", {"state": "nonsense"})
    assert refused.status_code == 400 and "state" in refused.json()["errors"]


def test_an_editor_takes_a_conversation_answers_it_and_resolves_it(conversation, editor):
    api = client_with_token(editor)
    taken = api.post(url(conversation, "assign/"), {"assignee": editor.pk}, format="json").json()
    assert (taken["assignee"], taken["state"]) == (editor.pk, ConversationState.ASSIGNED)
    reply = api.post(url(conversation, "replies/"), {"text": "Au 12 rue de la Paix."}, format="json")
    assert reply.status_code == 201 and reply.json()["state"] == ReplyState.PENDING
    assert reply.json()["in_reply_to"] == conversation.messages.get().pk
    resolved = api.post(url(conversation, "move/"), {"move": "resolve"}, format="json").json()
    assert resolved["state"] == ConversationState.RESOLVED


def test_a_move_that_does_not_apply_is_a_conflict(conversation, editor):
    answer = client_with_token(editor).post(url(conversation, "move/"), {"move": "reopen"}, format="json")
    assert answer.status_code == 409 and answer.json()["code"] == "workflow"


def test_a_reply_too_long_for_the_network_is_a_400_naming_the_field(conversation, editor):
    answer = client_with_token(editor).post(url(conversation, "replies/"), {"text": "a" * 501}, format="json")
    assert answer.status_code == 400 and "Fake network" in answer.json()["errors"]["text"][0]
    assert not Reply.objects.exists()


def test_a_reply_to_another_conversations_message_is_refused(conversation, account, editor):
    store(account, inbound("Ailleurs", remote_id="else", kind=MessageKind.MENTION))
    other = Conversation.objects.get(root_remote_id="else").messages.get()
    answer = client_with_token(editor).post(
        url(conversation, "replies/"), {"text": "Oui", "in_reply_to": other.pk}, format="json"
    )
    assert answer.status_code == 400 and "in_reply_to" in answer.json()["errors"]


def test_giving_a_conversation_to_someone_outside_the_brand_is_refused(conversation, manager, outsider):
    answer = client_with_token(manager).post(url(conversation, "assign/"), {"assignee": outsider.pk}, format="json")
    assert answer.status_code == 400 and "assignee" in answer.json()["errors"]


def test_messages_come_as_received_with_their_author(conversation, viewer):
    [message] = client_with_token(viewer).get(url(conversation, "messages/")).json()["results"]
    assert message["text"] == "Où est la boutique ?"
    assert message["author"]["handle"] == "@claire@fake.invalid" and message["ours"] is False


def test_notes_and_approval_through_the_api(conversation, owner, editor, manager):
    services.inbox_settings_update(brand=conversation.brand, user=owner, replies_need_approval=True)
    waiting = client_with_token(editor).post(url(conversation, "replies/"), {"text": "Bonjour"}, format="json").json()
    assert waiting["state"] == ReplyState.AWAITING_APPROVAL
    approved = client_with_token(manager).post(
        f"/api/brands/{conversation.brand.slug}/replies/{waiting['id']}/approve/"
    )
    assert approved.json()["state"] == ReplyState.PENDING and approved.json()["approved_by"] == str(manager)
    note = client_with_token(editor).post(url(conversation, "notes/"), {"text": "@manager merci"}, format="json")
    assert note.status_code == 201 and note.json()["author"] == str(editor)


def test_hiding_on_a_network_that_cannot_is_a_conflict_with_the_reason(brand_a, manager):
    mastodon = NetworkAccountFactory(brand=brand_a, network="mastodon", config={"instance_url": "http://127.0.0.1:9"})
    store(mastodon, inbound("Nul", remote_id="rude", kind=MessageKind.MENTION))
    message = Conversation.objects.get().messages.get()
    answer = client_with_token(manager).post(
        f"/api/brands/{brand_a.slug}/messages/{message.pk}/hide/", {"reason": "Insulte"}, format="json"
    )
    assert answer.status_code == 409 and "Mastodon cannot hide" in answer.json()["detail"]


def test_sentiment_is_read_filtered_and_corrected_through_the_api(conversation, editor, viewer):
    message = conversation.messages.get()
    brand = conversation.brand.slug
    listed = client_with_token(viewer).get(url(conversation, "messages/")).json()["results"]
    assert listed[0]["sentiment"] == message.sentiment
    api = client_with_token(editor)
    corrected = api.post(
        f"/api/brands/{brand}/messages/{message.pk}/sentiment/", {"sentiment": "negative"}, format="json"
    )
    assert corrected.status_code == 200 and corrected.json()["sentiment"] == "negative"
    negative = api.get(f"/api/brands/{brand}/conversations/", {"sentiment": "negative"}).json()["results"]
    assert [(c["id"], c["sentiment"]) for c in negative] == [(conversation.pk, "negative")]
    assert not api.get(f"/api/brands/{brand}/conversations/", {"sentiment": "positive"}).json()["results"]
    refused = api.post(f"/api/brands/{brand}/messages/{message.pk}/sentiment/", {"sentiment": "furious"}, format="json")
    assert refused.status_code == 400 and "sentiment" in refused.json()["errors"]
    refused_to_viewer = client_with_token(viewer).post(
        f"/api/brands/{brand}/messages/{message.pk}/sentiment/", {"sentiment": "positive"}, format="json"
    )
    assert refused_to_viewer.status_code == 403
    assert Conversation.objects.get(pk=conversation.pk).sentiment == "negative"


def test_triage_rules_are_written_changed_and_deleted_through_the_api(brand_a, manager, editor, account):
    api = client_with_token(manager)
    rules = f"/api/brands/{brand_a.slug}/triage-rules/"
    body = {"name": "Devis", "keyword": "devis", "tag": "Ventes", "assignee": editor.pk, "priority": 2}
    created = api.post(rules, body, format="json")
    assert created.status_code == 201, created.json()
    rule = created.json()
    assert (rule["tag"], rule["assignee"], rule["priority"], rule["mark_spam"]) == ("Ventes", editor.pk, 2, False)
    changed = api.patch(f"{rules}{rule['id']}/", {"keyword": "tarif"}, format="json").json()
    assert (changed["keyword"], changed["tag"], changed["assignee"]) == ("tarif", "Ventes", editor.pk)
    store(account, inbound("Quel tarif pour 10 ?", remote_id="t", kind=MessageKind.MENTION))
    triaged = Conversation.objects.get(root_remote_id="t")
    assert (triaged.assignee, [t.name for t in triaged.tags.all()]) == (editor, ["Ventes"])
    assert api.delete(f"{rules}{rule['id']}/").status_code == 204
    assert api.get(rules).json()["count"] == 0


def test_a_triage_rule_without_a_condition_is_refused_and_nothing_saved(brand_a, manager, outsider):
    api = client_with_token(manager)
    rules = f"/api/brands/{brand_a.slug}/triage-rules/"
    refused = api.post(rules, {"name": "Tout", "tag": "x"}, format="json")
    assert refused.status_code == 400 and "keyword" in refused.json()["errors"]
    unknown = api.post(rules, {"name": "Myspace", "network": "myspace", "tag": "x"}, format="json")
    assert unknown.status_code == 400 and "network" in unknown.json()["errors"]
    nameless = api.post(rules, {"name": "", "keyword": "x", "tag": "x"}, format="json")
    assert nameless.status_code == 400 and "name" in nameless.json()["errors"]
    assert api.get(rules).json()["count"] == 0


def test_another_brands_triage_rule_is_a_404(brand_a, brand_b, manager):
    theirs = rule_kwargs(brand_b, {})["pk"]
    api = client_with_token(manager)
    assert api.get(f"/api/brands/{brand_a.slug}/triage-rules/{theirs}/").status_code == 404
    assert api.delete(f"/api/brands/{brand_a.slug}/triage-rules/{theirs}/").status_code == 404
