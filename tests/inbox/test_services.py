"""People's actions on conversations: who may do what (accounts/roles.py), and what each records."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.roles import Perm, Role, has_perm
from inbox import services
from inbox.models import ConversationState, Event, EventKind, Priority, Reply, ReplyState
from inbox.states import Move
from networks.models import AccountStatus
from networks.services import account_disconnect
from notifications.models import Notification
from posts.workflow import WorkflowError
from tests.factories import NetworkAccountFactory
from tests.inbox.conftest import inbound, store


def kinds(conversation):
    return list(Event.objects.filter(conversation=conversation).values_list("kind", flat=True))


def test_the_roles_table_gives_the_inbox_to_each_role_as_the_issue_says():
    assert {p for p in Perm if p.startswith("inbox") and has_perm(Role.VIEWER, p)} == set()
    assert has_perm(Role.VIEWER, Perm.VIEW) and has_perm(Role.VIEWER, Perm.COMMENT)
    editor = {p for p in Perm if p.startswith("inbox") and has_perm(Role.EDITOR, p)}
    assert editor == {Perm.INBOX_REPLY, Perm.INBOX_TRIAGE}
    manager = {p for p in Perm if p.startswith("inbox") and has_perm(Role.MANAGER, p)}
    assert manager == editor | {Perm.INBOX_ASSIGN, Perm.INBOX_APPROVE, Perm.INBOX_MODERATE, Perm.INBOX_SAVED_REPLIES}


# --- assignment ----------------------------------------------------------------------------------
def test_an_editor_takes_a_new_conversation_which_becomes_assigned(conversation, editor):
    services.conversation_assign(conversation=conversation, user=editor, assignee=editor)
    conversation.refresh_from_db()
    assert (conversation.assignee, conversation.state) == (editor, ConversationState.ASSIGNED)
    event = conversation.events.get(kind=EventKind.ASSIGNED)
    assert (event.actor, event.before, event.after) == (editor, "", str(editor))


def test_an_editor_cannot_give_a_conversation_to_someone_else(conversation, editor, manager):
    with pytest.raises(PermissionDenied):
        services.conversation_assign(conversation=conversation, user=editor, assignee=manager)


def test_a_manager_gives_it_to_an_editor_and_back_to_nobody(conversation, manager, editor):
    services.conversation_assign(conversation=conversation, user=manager, assignee=editor)
    services.conversation_assign(conversation=conversation, user=manager, assignee=None)
    conversation.refresh_from_db()
    assert (conversation.assignee, conversation.state) == (None, ConversationState.NEW)


def test_nobody_can_be_given_a_conversation_they_could_not_answer(conversation, manager, viewer, outsider):
    for person in (viewer, outsider):
        with pytest.raises(ValidationError) as caught:
            services.conversation_assign(conversation=conversation, user=manager, assignee=person)
        assert "assignee" in caught.value.message_dict


def test_a_viewer_reads_but_cannot_triage(conversation, viewer):
    with pytest.raises(PermissionDenied):
        services.conversation_assign(conversation=conversation, user=viewer, assignee=viewer)
    with pytest.raises(PermissionDenied):
        services.conversation_move(conversation=conversation, user=viewer, move=Move.RESOLVE)
    with pytest.raises(PermissionDenied):
        services.conversation_set_tags(conversation=conversation, user=viewer, names=["sav"])


def test_a_member_of_another_brand_can_do_nothing(conversation, outsider):
    with pytest.raises(PermissionDenied):
        services.note_add(conversation=conversation, user=outsider, text="Hello")


# --- states ------------------------------------------------------------------------------------------
def test_resolve_wait_and_reopen_follow_the_states_table_and_are_recorded(conversation, editor):
    services.conversation_move(conversation=conversation, user=editor, move=Move.WAIT)
    services.conversation_move(conversation=conversation, user=editor, move=Move.RESOLVE)
    conversation.refresh_from_db()
    assert conversation.state == ConversationState.RESOLVED and conversation.resolved_at is not None
    with pytest.raises(WorkflowError):
        services.conversation_move(conversation=conversation, user=editor, move=Move.WAIT)
    services.conversation_move(conversation=conversation, user=editor, move=Move.REOPEN)
    conversation.refresh_from_db()
    assert conversation.state == ConversationState.NEW and conversation.resolved_at is None
    states = list(conversation.events.filter(kind=EventKind.STATE).values_list("before", "after"))
    assert states == [("new", "waiting"), ("waiting", "resolved"), ("resolved", "new")]


# --- tags and priority -------------------------------------------------------------------------------
def test_tags_are_the_brands_reused_whatever_their_case_and_recorded(conversation, editor, brand_a):
    services.conversation_set_tags(conversation=conversation, user=editor, names=["SAV", " livraison ", "sav", ""])
    assert sorted(t.name for t in conversation.tags.all()) == ["SAV", "livraison"]
    services.conversation_set_tags(conversation=conversation, user=editor, names=["Sav"])
    assert [t.name for t in conversation.tags.all()] == ["SAV"]
    assert brand_a.inbox_tags.count() == 2
    assert kinds(conversation).count(EventKind.TAGS) == 2


def test_a_tag_too_long_is_refused_naming_the_field(conversation, editor):
    with pytest.raises(ValidationError) as caught:
        services.conversation_set_tags(conversation=conversation, user=editor, names=["x" * 51])
    assert "tags" in caught.value.message_dict


def test_priority_must_be_one_of_the_list(conversation, editor):
    services.conversation_set_priority(conversation=conversation, user=editor, priority=Priority.URGENT)
    conversation.refresh_from_db()
    assert conversation.priority == Priority.URGENT
    with pytest.raises(ValidationError):
        services.conversation_set_priority(conversation=conversation, user=editor, priority=9)


# --- notes ---------------------------------------------------------------------------------------------
def test_a_note_mentioning_a_member_tells_them_with_a_link_to_the_conversation(
    conversation, viewer, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        note = services.note_add(conversation=conversation, user=viewer, text="@manager tu peux regarder ?")
    assert list(note.mentions.all()) == [manager]
    notification = Notification.objects.get(user=manager)
    assert "mentioned you in the inbox" in notification.message and notification.post is None
    assert f"/inbox/{conversation.pk}/" in mail.outbox[0].body
    assert EventKind.NOTE in kinds(conversation)


def test_an_empty_note_is_refused(conversation, editor):
    with pytest.raises(ValidationError) as caught:
        services.note_add(conversation=conversation, user=editor, text="   ")
    assert "text" in caught.value.message_dict


# --- replies -------------------------------------------------------------------------------------------
def test_an_editors_reply_answers_the_latest_message_and_goes_out_at_once(
    conversation, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        reply = services.reply_create(conversation=conversation, user=editor, text="Rue de la Paix, à Paris.")
    assert reply.state == ReplyState.PENDING
    assert reply.in_reply_to.remote_id == "q1"
    assert len(callbacks) == 1  # the send task, queued once the reply is committed


def test_a_reply_longer_than_the_network_takes_is_refused_naming_the_network(conversation, editor):
    with pytest.raises(ValidationError) as caught:
        services.reply_create(conversation=conversation, user=editor, text="a" * 501)
    assert "Fake network" in caught.value.message_dict["text"][0]
    assert not Reply.objects.exists()


def test_with_the_approval_setting_an_editors_reply_waits_for_a_manager(conversation, owner, editor, manager):
    services.inbox_settings_update(brand=conversation.brand, user=owner, replies_need_approval=True)
    reply = services.reply_create(conversation=conversation, user=editor, text="Bonjour !")
    assert reply.state == ReplyState.AWAITING_APPROVAL
    with pytest.raises(PermissionDenied):
        services.reply_approve(reply=reply, user=editor)
    reply = services.reply_approve(reply=reply, user=manager)
    assert (reply.state, reply.approved_by) == (ReplyState.PENDING, manager)
    with pytest.raises(WorkflowError):
        services.reply_approve(reply=reply, user=manager)
    # A manager's own reply needs nobody's approval.
    assert services.reply_create(conversation=conversation, user=manager, text="Oui").state == ReplyState.PENDING


def test_while_the_brand_is_paused_editors_replies_wait_for_approval(conversation, editor, brand_a):
    brand_a.paused_at = timezone.now()
    brand_a.save()
    conversation.brand.refresh_from_db()
    assert services.reply_create(conversation=conversation, user=editor, text="Bonjour").state == (
        ReplyState.AWAITING_APPROVAL
    )


def test_a_declined_reply_keeps_the_reason(conversation, editor, manager, owner):
    services.inbox_settings_update(brand=conversation.brand, user=owner, replies_need_approval=True)
    reply = services.reply_create(conversation=conversation, user=editor, text="Bof")
    reply = services.reply_decline(reply=reply, user=manager, reason="Trop sec")
    assert (reply.state, reply.last_error) == (ReplyState.DECLINED, "Trop sec")


def test_only_owners_change_the_inbox_settings(brand_a, manager):
    with pytest.raises(PermissionDenied):
        services.inbox_settings_update(brand=brand_a, user=manager, replies_need_approval=True)


def test_a_viewer_cannot_reply(conversation, viewer):
    with pytest.raises(PermissionDenied):
        services.reply_create(conversation=conversation, user=viewer, text="Bonjour")


# --- moderation ----------------------------------------------------------------------------------------
def test_a_manager_hides_a_message_on_the_network_with_who_and_why(conversation, manager):
    from networks.adapters.fake import FakeAdapter

    message = conversation.messages.get()
    services.message_hide(message=message, user=manager, reason="Insulte")
    assert "q1" in FakeAdapter.hidden
    assert (message.hidden_by, message.moderation_reason) == (manager, "Insulte")
    event = conversation.events.get(kind=EventKind.HIDDEN)
    assert (event.actor, event.detail) == (manager, "Insulte")


def test_editors_cannot_hide_or_delete(conversation, editor):
    with pytest.raises(PermissionDenied):
        services.message_delete(message=conversation.messages.get(), user=editor, reason="Spam")


def test_hiding_needs_a_reason(conversation, manager):
    with pytest.raises(ValidationError) as caught:
        services.message_hide(message=conversation.messages.get(), user=manager, reason=" ")
    assert "reason" in caught.value.message_dict


def test_a_network_that_cannot_hide_says_why_and_nothing_is_recorded(brand_a, manager):
    account = NetworkAccountFactory(brand=brand_a, network="mastodon", config={"instance_url": "http://127.0.0.1:9"})
    store(account, inbound("Nul", remote_id="rude"))
    message = account.conversations.get().messages.get()
    with pytest.raises(WorkflowError) as caught:
        services.message_hide(message=message, user=manager, reason="Insulte")
    assert "Mastodon" in caught.value.message
    message.refresh_from_db()
    assert message.hidden_at is None


def test_a_network_failure_while_deleting_is_reported_and_nothing_is_recorded(conversation, manager, account):
    account.config["fail"] = "retry"
    account.save()
    message = conversation.messages.select_related("conversation__account").get()
    with pytest.raises(WorkflowError):
        services.message_delete(message=message, user=manager, reason="Spam")
    message.refresh_from_db()
    assert message.deleted_at is None and not conversation.events.filter(kind=EventKind.DELETED).exists()


def test_disconnecting_an_account_with_conversations_but_no_post_keeps_them(brand_a, owner):
    listening = NetworkAccountFactory(brand=brand_a, network="fake", credentials={"token": "t"})
    store(listening, inbound("Vous connaissez cette marque ?", remote_id="m1"))
    account_disconnect(account=listening, user=owner)
    listening.refresh_from_db()
    assert listening.status == AccountStatus.DISABLED and listening.credentials == {}
    assert listening.conversations.get().messages.get().remote_id == "m1"
