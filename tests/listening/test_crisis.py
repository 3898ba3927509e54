"""The crisis room's services (listening/crisis.py): pause, statements through the engine exactly
once, answers through the inbox, the timeline and the summary."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from inbox import sending
from inbox.models import Message, Reply, ReplyState
from inbox.services import reply_approve
from listening import crisis, selectors
from listening.models import Alert, Incident, IncidentAction, Mention, SavedSearch
from networks.capabilities.conversations import MessageKind
from networks.fake.adapter import FakeAdapter
from posts.models import PostTarget, TargetState
from posts.workflow import WorkflowError
from publishing import dispatcher
from publishing.engine import target_publish, target_recover
from publishing.pause import is_paused, pause_of
from tests.factories import NetworkAccountFactory
from tests.inbox.conftest import inbound, store
from tests.publishing.conftest import approved_post


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def empty_fake_network():
    for kept in (FakeAdapter.outbox, FakeAdapter.replies, FakeAdapter.hidden):
        kept.clear()
    yield


@pytest.fixture
def account(brand_a):
    return NetworkAccountFactory(brand=brand_a, network="fake", display_name="Maison A", handle="@maisona")


@pytest.fixture
def incident(brand_a, manager):
    return crisis.incident_open(brand=brand_a, user=manager, title="Rappel de lampes", words="lampe, rappel")


def mention(brand, text, *, minutes_ago=10, sentiment="negative", **fields):
    return Mention.objects.create(
        brand=brand,
        network=fields.pop("network", "web"),
        remote_id=fields.pop("remote_id", ""),
        text=text,
        sentiment=sentiment,
        published_at=timezone.now() - timedelta(minutes=minutes_ago),
        **fields,
    )


def actions(incident) -> list[str]:
    return list(incident.events.values_list("action", flat=True))


# --- opening ---------------------------------------------------------------------------------------
def test_opening_an_incident_pauses_the_brands_publishing_with_its_reason(brand_a, manager):
    incident = crisis.incident_open(brand=brand_a, user=manager, title="Rappel", words="lampe")
    brand_a.refresh_from_db()
    pause = pause_of(brand_a)
    assert pause is not None and pause.reason == "Crisis: Rappel" and pause.paused_by == manager
    assert actions(incident) == [IncidentAction.OPENED, IncidentAction.PAUSED]
    assert incident.events.get(action=IncidentAction.PAUSED).actor == manager


def test_an_incident_opened_from_an_alert_keeps_the_alerts_numbers_on_its_timeline(brand_a, manager):
    search = SavedSearch.objects.create(brand=brand_a, name="Lampes", expression="lampe")
    alert = Alert.objects.create(
        brand=brand_a, search=search, reason="volume", count=42, negative=30, usual_mean=3, usual_std=2,
        usual_negative_share=0.1,
    )  # fmt: skip
    incident = crisis.incident_open(brand=brand_a, user=manager, title="Lampes", words="lampe", alert=alert)
    assert incident.alert == alert
    assert "42 mentions in the last hour" in incident.events.get(action=IncidentAction.OPENED).detail


def test_a_second_incident_cannot_be_opened_while_one_is_open(incident, brand_a, manager):
    with pytest.raises(WorkflowError):
        crisis.incident_open(brand=brand_a, user=manager, title="Autre", words="autre")
    assert Incident.objects.filter(brand=brand_a).count() == 1


@pytest.mark.parametrize(("title", "words", "field"), [("", "lampe", "title"), ("Rappel", " , ", "words")])
def test_an_incident_without_title_or_words_is_refused_naming_the_field(brand_a, manager, title, words, field):
    with pytest.raises(ValidationError) as caught:
        crisis.incident_open(brand=brand_a, user=manager, title=title, words=words)
    assert field in caught.value.message_dict
    brand_a.refresh_from_db()
    assert not is_paused(brand_a) and not Incident.objects.exists()


def test_an_editor_cannot_open_an_incident(brand_a, editor):
    with pytest.raises(PermissionDenied):
        crisis.incident_open(brand=brand_a, user=editor, title="Rappel", words="lampe")


def test_an_editor_takes_the_incident_but_only_a_manager_gives_it_to_someone_else(incident, editor, manager):
    crisis.incident_assign(incident=incident, user=editor, assignee=editor)
    with pytest.raises(PermissionDenied):
        crisis.incident_assign(incident=incident, user=editor, assignee=manager)
    crisis.incident_assign(incident=incident, user=manager, assignee=manager)
    incident.refresh_from_db()
    assert incident.assignee == manager
    assert actions(incident).count(IncidentAction.ASSIGNED) == 2


# --- statements ----------------------------------------------------------------------------------
def test_an_approved_statement_goes_out_through_the_pause_and_other_posts_wait(
    incident, brand_a, editor, manager, account
):
    waiting = approved_post(brand_a, [account], text="Nouvelle collection")
    statement = crisis.statement_write(incident=incident, user=editor, text="Nous avons entendu vos retours.")
    post = crisis.statement_approve(statement=statement, user=manager, accounts=[account])
    assert post.author == editor and post.approved_by == manager

    claimed = dispatcher.dispatch_due()

    statement_target = post.targets.get()
    assert claimed == [statement_target.pk], "only the statement goes out while the brand is paused"
    assert target_publish(target_id=statement_target.pk, claim=statement_target_claim(statement_target)) == "published"
    assert [entry["text"] for entry in FakeAdapter.outbox.values()] == ["Nous avons entendu vos retours."]
    assert waiting.targets.get().state == TargetState.PENDING
    assert actions(incident)[-2:] == [IncidentAction.STATEMENT_WRITTEN, IncidentAction.STATEMENT_APPROVED]


def statement_target_claim(target: PostTarget) -> str:
    target.refresh_from_db()
    return target.claim_id


def test_approving_a_statement_again_publishes_nothing_more(incident, editor, manager, account):
    statement = crisis.statement_write(incident=incident, user=editor, text="Nous revenons vers vous.")
    crisis.statement_approve(statement=statement, user=manager, accounts=[account])
    with pytest.raises(WorkflowError):  # a double click, a retried request
        crisis.statement_approve(statement=statement, user=manager, accounts=[account])
    assert PostTarget.objects.filter(post__crisis_statement__incident=incident).count() == 1


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: nothing after the call runs, no except clause."""


def test_a_statement_whose_worker_died_right_after_the_network_call_is_published_once(
    incident, editor, manager, account, monkeypatch
):
    statement = crisis.statement_write(incident=incident, user=editor, text="Un rappel est en cours.")
    post = crisis.statement_approve(statement=statement, user=manager, accounts=[account])
    dispatcher.dispatch_due()
    target = post.targets.get()
    publish = FakeAdapter.publish

    def publish_then_die(self, **kwargs):
        publish(self, **kwargs)  # the network has the statement...
        raise WorkerKilled  # ...and the worker is gone before it could write it down

    monkeypatch.setattr(FakeAdapter, "publish", publish_then_die)
    with pytest.raises(WorkerKilled):
        target_publish(target_id=target.pk, claim=statement_target_claim(target))
    monkeypatch.undo()
    target.refresh_from_db()
    assert target.state == TargetState.PUBLISHING and target.called_at is not None

    # The lease runs out; the sweeper hands the target to a recover task: the fake network, like
    # Mastodon, recognises a repeated key, so the target is sent again with the same key.
    assert dispatcher.sweep_expired(now=timezone.now() + timedelta(minutes=10)) == [target.pk]
    assert target_recover(target_id=target.pk, claim=statement_target_claim(target)) == TargetState.PENDING
    PostTarget.objects.filter(pk=target.pk).update(next_attempt_at=timezone.now())
    assert dispatcher.dispatch_due() == [target.pk]
    assert target_publish(target_id=target.pk, claim=statement_target_claim(target)) == TargetState.PUBLISHED

    target.refresh_from_db()
    assert target.state == TargetState.PUBLISHED and target.attempts == 2
    assert [entry["text"] for entry in FakeAdapter.outbox.values()] == ["Un rappel est en cours."]


def test_a_statement_on_no_network_is_refused_and_nothing_is_made(incident, editor, manager):
    statement = crisis.statement_write(incident=incident, user=editor, text="Texte")
    with pytest.raises(ValidationError) as caught:
        crisis.statement_approve(statement=statement, user=manager, accounts=[])
    assert "accounts" in caught.value.message_dict
    statement.refresh_from_db()
    assert statement.post is None


def test_a_statement_too_long_for_the_network_is_refused_with_the_networks_limit(incident, editor, manager, account):
    statement = crisis.statement_write(incident=incident, user=editor, text="x" * 600)
    with pytest.raises(ValidationError) as caught:
        crisis.statement_approve(statement=statement, user=manager, accounts=[account])
    assert "500" in " ".join(caught.value.messages)
    statement.refresh_from_db()
    assert statement.post is None


def test_an_editor_writes_a_statement_but_cannot_approve_it(incident, editor, account):
    statement = crisis.statement_write(incident=incident, user=editor, text="Texte")
    with pytest.raises(PermissionDenied):
        crisis.statement_approve(statement=statement, user=editor, accounts=[account])


# --- narrowing and answering ----------------------------------------------------------------------
def test_the_room_shows_mentions_and_conversations_holding_any_of_its_words(incident, brand_a, brand_b, account):
    lamp = mention(brand_a, "Ma LAMPE a pris feu")
    recall = mention(brand_a, "Le rappel est une blague")
    mention(brand_a, "Jolie boutique")
    mention(brand_b, "Lampe de l'autre marque")
    mention(brand_a, "Lampe il y a longtemps", minutes_ago=60 * 48)
    store(account, inbound("Votre lampe est dangereuse", kind=MessageKind.MENTION))
    store(account, inbound("Bonjour", kind=MessageKind.MENTION))
    assert set(selectors.incident_mentions(incident)) == {lamp, recall}
    [conversation] = selectors.incident_conversations(incident)
    assert conversation.messages.get().text == "Votre lampe est dangereuse"


def test_a_mention_said_on_a_connected_network_is_opened_in_the_inbox_and_answered_once(
    incident, brand_a, editor, manager, account
):
    said = mention(brand_a, "Ma lampe a grillé", network="fake", remote_id="toot-1", author="@claire")
    reply = crisis.mention_reply(mention=said, user=editor, text="Écrivez-nous en privé.", incident=incident)
    again = crisis.mention_open_conversation(mention=said, user=editor, incident=incident)
    said.refresh_from_db()
    assert said.conversation == again == reply.conversation
    assert Message.objects.filter(conversation=again).count() == 1
    # During the pause an editor's reply waits for a manager (the inbox's rule).
    assert reply.state == ReplyState.AWAITING_APPROVAL
    reply_approve(reply=reply, user=manager)

    assert sending.reply_send(reply_id=reply.pk) == ReplyState.SENT
    assert sending.reply_send(reply_id=reply.pk) == "skipped"  # a second task for the same reply
    assert [(r["to"], r["text"]) for r in FakeAdapter.replies.values()] == [("toot-1", "Écrivez-nous en privé.")]
    assert IncidentAction.REPLY in actions(incident)


def test_a_mention_from_a_web_page_cannot_be_answered_from_the_desk(incident, brand_a, editor, account):
    said = mention(brand_a, "Article sur la lampe", url="https://blog.example/lampe")
    with pytest.raises(WorkflowError):
        crisis.mention_reply(mention=said, user=editor, text="Merci", incident=incident)
    assert not Reply.objects.exists()


def test_hiding_a_message_from_the_room_goes_on_the_timeline(incident, manager, account):
    store(account, inbound("Lampe pourrie, arnaque !", kind=MessageKind.MENTION))
    message = Message.objects.get()
    crisis.incident_hide(incident=incident, message=message, user=manager, reason="Insulte")
    assert FakeAdapter.hidden == {message.remote_id}
    event = incident.events.get(action=IncidentAction.HIDDEN)
    assert event.actor == manager and "Insulte" in event.detail


# --- closing ---------------------------------------------------------------------------------------
def test_closing_writes_the_summary_and_resumes_when_asked(incident, brand_a, editor, manager, account):
    for minutes in (5, 10, 15):
        mention(brand_a, "lampe dangereuse", minutes_ago=minutes)
    mention(brand_a, "lampe jolie", minutes_ago=20, sentiment="positive")
    statement = crisis.statement_write(incident=incident, user=editor, text="Nous vous répondons.")
    post = crisis.statement_approve(statement=statement, user=manager, accounts=[account])
    dispatcher.dispatch_due()
    target = post.targets.get()
    target_publish(target_id=target.pk, claim=statement_target_claim(target))

    closed = crisis.incident_close(incident=incident, user=manager, resume=True)

    brand_a.refresh_from_db()
    assert not is_paused(brand_a)
    summary = closed.summary
    assert (summary["mentions"], summary["negative"], summary["statements_published"]) == (4, 3, 1)
    assert summary["first_response_seconds"] is not None and summary["first_response_seconds"] >= 0
    assert sum(point["mentions"] for point in summary["curve"]) == 4
    assert summary["actions"][IncidentAction.STATEMENT_APPROVED] == 1
    assert actions(closed)[-2:] == [IncidentAction.CLOSED, IncidentAction.RESUMED]
    with pytest.raises(WorkflowError):
        crisis.incident_close(incident=closed, user=manager, resume=False)


def test_closing_without_resuming_leaves_the_pause(incident, brand_a, manager):
    crisis.incident_close(incident=incident, user=manager, resume=False)
    brand_a.refresh_from_db()
    assert is_paused(brand_a)
    assert crisis.open_incident(brand_a) is None


def test_a_manager_cannot_approve_their_own_statement_where_the_brand_wants_four_eyes(incident, manager, account):
    incident.brand.self_approval_forbidden = True
    incident.brand.save()
    statement = crisis.statement_write(incident=incident, user=manager, text="Texte")
    with pytest.raises(WorkflowError) as caught:
        crisis.statement_approve(statement=statement, user=manager, accounts=[account])
    assert "another manager must approve it" in caught.value.message
    statement.refresh_from_db()
    assert statement.post is None and not PostTarget.objects.exists()


def test_a_brand_asking_two_approvals_publishes_a_statement_on_the_second_persons(
    incident, brand_a, editor, manager, owner, account
):
    brand_a.two_approvals_for_statements = True
    brand_a.save()
    statement = crisis.statement_write(incident=incident, user=editor, text="Nous enquêtons.")
    assert crisis.statement_approve(statement=statement, user=manager, accounts=[account]) is None
    with pytest.raises(WorkflowError):  # the same manager again
        crisis.statement_approve(statement=statement, user=manager, accounts=[account])
    assert not PostTarget.objects.filter(post__crisis_statement=statement).exists()
    post = crisis.statement_approve(statement=statement, user=owner, accounts=[account])
    assert post is not None and post.approved_by == owner
    assert actions(incident)[-2:] == [IncidentAction.STATEMENT_FIRST_APPROVAL, IncidentAction.STATEMENT_APPROVED]
