"""Triage rules per brand: a message from them that meets a rule's conditions (keyword, author,
network, sentiment) tags, assigns, raises the priority of or puts aside as spam its
conversation, once when it is stored, even when the same message is delivered twice; managers
write the rules, and a rule that cannot work is refused with a message naming the field."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from inbox import services
from inbox.models import Conversation, ConversationState, EventKind, Priority, TriageRule
from inbox.triage import RuleSpec
from networks.capabilities.conversations import MessageKind
from tests.inbox.conftest import inbound, store

UNHAPPY = "Votre service est nul, je suis très déçue"


def rule(brand, user, **fields) -> TriageRule:
    return services.triage_rule_save(brand=brand, user=user, spec=RuleSpec(**{"name": "Règle", **fields}))


def conversation_of(remote_id: str) -> Conversation:
    return Conversation.objects.get(messages__remote_id=remote_id)


def test_a_keyword_rule_tags_and_raises_the_priority_once(account, target, brand_a, manager):
    rule(brand_a, manager, name="Devis", keyword="DEVIS", tag="Commercial", priority=Priority.HIGH)
    store(account, inbound("Je voudrais un devis", remote_id="d1", in_reply_to=target.remote_id))
    conversation = conversation_of("d1")
    assert [t.name for t in conversation.tags.all()] == ["Commercial"]
    assert conversation.priority == Priority.HIGH
    events = conversation.events.filter(kind__in=[EventKind.TAGS, EventKind.PRIORITY])
    assert events.count() == 2 and all("Devis" in e.detail and e.actor is None for e in events)


def test_the_same_message_delivered_twice_is_triaged_once(account, target, brand_a, manager, editor):
    rule(brand_a, manager, keyword="devis", tag="Commercial")
    message = inbound("Un devis ?", remote_id="twice", in_reply_to=target.remote_id)
    store(account, message)
    conversation = conversation_of("twice")
    services.conversation_set_tags(conversation=conversation, user=editor, names=[])  # a person disagrees
    store(account, message)  # the webhook, then the poll
    assert not conversation.tags.exists()
    assert conversation.events.filter(kind=EventKind.TAGS, actor=None).count() == 1


def test_an_author_rule_assigns_the_conversation_to_the_member_named(account, brand_a, manager, editor):
    rule(brand_a, manager, author="claire@fake.invalid", assignee_id=editor.pk)
    store(account, inbound("Coucou", remote_id="c1", author="@Claire@fake.invalid", kind=MessageKind.MENTION))
    conversation = conversation_of("c1")
    assert (conversation.assignee, conversation.state) == (editor, ConversationState.ASSIGNED)


def test_a_rule_assigns_nobody_who_left_the_brand(account, brand_a, manager, editor):
    rule(brand_a, manager, keyword="coucou", assignee_id=editor.pk)
    editor.memberships.all().delete()
    store(account, inbound("Coucou", remote_id="c2", kind=MessageKind.MENTION))
    assert conversation_of("c2").assignee is None


def test_network_and_sentiment_conditions_must_all_hold(account, target, brand_a, manager):
    rule(brand_a, manager, network="fake", sentiment="negative", priority=Priority.URGENT)
    rule(brand_a, manager, network="mastodon", keyword="nul", tag="Ailleurs")
    store(account, inbound(UNHAPPY, remote_id="n1", in_reply_to=target.remote_id))
    store(account, inbound("Merci beaucoup, c'est parfait !", remote_id="p1", kind=MessageKind.MENTION))
    assert conversation_of("n1").priority == Priority.URGENT
    assert not conversation_of("n1").tags.exists()
    assert conversation_of("p1").priority == Priority.NORMAL


def test_a_spam_rule_puts_the_conversation_aside_with_nothing_due(account, brand_a, manager):
    rule(brand_a, manager, keyword="crypto", mark_spam=True)
    store(account, inbound("Gagnez des crypto", remote_id="s1", kind=MessageKind.MENTION))
    conversation = conversation_of("s1")
    assert (conversation.state, conversation.reply_due_at) == (ConversationState.SPAM, None)


def test_an_empty_rule_and_an_unknown_member_are_refused_naming_the_field(brand_a, manager, outsider):
    with pytest.raises(ValidationError) as empty:
        rule(brand_a, manager)
    assert set(empty.value.message_dict) == {"keyword", "tag"}
    with pytest.raises(ValidationError) as stranger:
        rule(brand_a, manager, keyword="devis", assignee_id=outsider.pk)
    assert "member of the brand" in stranger.value.message_dict["assignee"][0]
    assert not TriageRule.objects.exists()


def test_editors_cannot_write_rules(brand_a, editor):
    with pytest.raises(PermissionDenied):
        rule(brand_a, editor, keyword="devis", tag="x")


def test_the_rules_page_adds_lists_and_deletes_a_rule(client, brand_a, manager, editor):
    client.force_login(manager)
    url = reverse("inbox:rules", kwargs={"brand_slug": brand_a.slug})
    data = {"name": "Plaintes", "sentiment": "negative", "assignee": str(editor.pk), "priority": "3"}
    response = client.post(url, data, follow=True)
    page = response.content.decode()
    assert "Triage rule saved." in page and "Plaintes" in page
    saved = TriageRule.objects.get()
    assert (saved.assignee, saved.priority, saved.sentiment) == (editor, Priority.URGENT, "negative")
    client.post(reverse("inbox:rule_delete", kwargs={"brand_slug": brand_a.slug, "pk": saved.pk}))
    assert not TriageRule.objects.exists()


def test_the_rules_page_says_what_is_wrong_in_french(client, brand_a, manager, outsider):
    manager.language = "fr"
    manager.save()
    client.force_login(manager)
    url = reverse("inbox:rules", kwargs={"brand_slug": brand_a.slug})
    empty = client.post(url, {"name": "Rien"}, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Une règle a besoin d’au moins une condition" in empty
    stranger = client.post(
        url, {"name": "X", "keyword": "devis", "assignee": str(outsider.pk)}, HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "n’est pas membre de la marque" in stranger
    assert not TriageRule.objects.exists()
