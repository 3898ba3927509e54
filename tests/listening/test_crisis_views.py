"""The crisis room's pages: what each role sees and does, the summary's CSV, bad input."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cm_platform.spreadsheets import BOM
from listening import crisis
from listening.models import Alert, Incident, IncidentAction, Mention, SavedSearch, Statement
from posts.models import SavedText
from publishing.pause import is_paused
from tests.factories import NetworkAccountFactory


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def account(brand_a):
    return NetworkAccountFactory(brand=brand_a, network="fake", display_name="Maison A")


@pytest.fixture
def alert(brand_a):
    search = SavedSearch.objects.create(brand=brand_a, name="Lampes", expression="lampe")
    return Alert.objects.create(
        brand=brand_a, search=search, reason="negative", count=42, negative=30, usual_mean=3, usual_std=2,
        usual_negative_share=0.1,
    )  # fmt: skip


@pytest.fixture
def incident(brand_a, manager):
    return crisis.incident_open(brand=brand_a, user=manager, title="Rappel de lampes", words="lampe")


def url(name, brand, **kwargs):
    return reverse(f"listening:{name}", kwargs={"brand_slug": brand.slug, **kwargs})


def test_a_manager_opens_the_room_from_an_alert_with_its_words_filled_in(client, brand_a, manager, alert):
    client.force_login(manager)
    alert_page = client.get(url("alert", brand_a, pk=alert.pk)).content.decode()
    assert url("incident_open", brand_a) + f"?alert={alert.pk}" in alert_page

    form = client.get(url("incident_open", brand_a), {"alert": alert.pk}).content.decode()
    assert 'value="Spike on “Lampes”"' in form and ">\nlampes</textarea>" in form

    response = client.post(url("incident_open", brand_a), {"alert": alert.pk, "title": "Lampes", "words": "lampe"})

    incident = Incident.objects.get()
    assert response.url == url("incident", brand_a, pk=incident.pk)
    assert incident.alert == alert
    brand_a.refresh_from_db()
    assert is_paused(brand_a)


def test_an_editor_sees_no_way_to_open_a_room_from_an_alert(client, brand_a, editor, alert):
    client.force_login(editor)
    assert url("incident_open", brand_a) not in client.get(url("alert", brand_a, pk=alert.pk)).content.decode()


def test_opening_without_words_says_which_field_and_opens_nothing(client, brand_a, manager):
    client.force_login(manager)
    response = client.post(url("incident_open", brand_a), {"title": "Rappel", "words": " , "})
    assert response.status_code == 200
    assert "Give at least one word the incident is about." in response.content.decode()
    assert not Incident.objects.exists()


def test_a_second_opening_goes_to_the_open_room(client, brand_a, manager, incident):
    client.force_login(manager)
    response = client.get(url("incident_open", brand_a))
    assert response.url == url("incident", brand_a, pk=incident.pk)


def test_the_room_offers_the_brands_saved_captions_as_statements(client, brand_a, editor, incident):
    saved = SavedText.objects.create(brand=brand_a, kind="caption", name="Attente", text="Nous analysons la situation.")
    client.force_login(editor)
    page = client.get(url("incident", brand_a, pk=incident.pk), {"template": saved.pk}).content.decode()
    assert ">Nous analysons la situation.</textarea>" in page
    assert "Approve and publish" not in page  # nothing to approve, and editors do not


def test_a_statement_written_by_an_editor_is_approved_by_a_manager_on_the_chosen_networks(
    client, brand_a, editor, manager, incident, account
):
    other = NetworkAccountFactory(brand=brand_a, network="fake", display_name="Maison B")
    client.force_login(editor)
    client.post(url("statement_write", brand_a, pk=incident.pk), {"text": "Nous vous répondons."})
    statement = Statement.objects.get()
    client.force_login(manager)
    page = client.get(url("incident", brand_a, pk=incident.pk)).content.decode()
    assert "Approve and publish" in page

    client.post(url("statement_approve", brand_a, pk=incident.pk, statement=statement.pk), {"accounts": [account.pk]})
    client.post(url("statement_approve", brand_a, pk=incident.pk, statement=statement.pk), {"accounts": [other.pk]})

    statement.refresh_from_db()
    assert [target.account for target in statement.post.targets.all()] == [account]


def test_with_two_approvals_the_first_manager_is_told_a_second_one_publishes(
    client, brand_a, editor, manager, owner, incident, account
):
    brand_a.two_approvals_for_statements = True
    brand_a.save()
    statement = crisis.statement_write(incident=incident, user=editor, text="Nous vous répondons.")
    approve = url("statement_approve", brand_a, pk=incident.pk, statement=statement.pk)
    client.force_login(manager)
    page = client.post(approve, {"accounts": [account.pk]}, follow=True).content.decode()
    assert "a second manager approves to publish it" in page and "a second approval by another manager" in page
    page = client.post(approve, {"accounts": [account.pk]}, follow=True).content.decode()
    assert "You already approved this version" in page
    client.force_login(owner)
    page = client.post(approve, {"accounts": [account.pk]}, follow=True).content.decode()
    assert "The statement is approved" in page
    statement.refresh_from_db()
    assert statement.post is not None and statement.first_approved_by == manager


def test_an_account_of_another_brand_cannot_be_chosen_for_a_statement(
    client, brand_a, brand_b, manager, incident, account
):
    foreign = NetworkAccountFactory(brand=brand_b, network="fake")
    statement = Statement.objects.create(incident=incident, text="Texte", written_by=manager)
    client.force_login(manager)
    response = client.post(
        url("statement_approve", brand_a, pk=incident.pk, statement=statement.pk),
        {"accounts": [foreign.pk]},
        follow=True,
    )
    assert "Networks: Select a valid choice." in response.content.decode()
    statement.refresh_from_db()
    assert statement.post is None


def test_closing_shows_the_summary_and_exports_it_as_csv(client, brand_a, manager, incident):
    Mention.objects.create(
        brand=brand_a, network="web", text="=lampe dangereuse", sentiment="negative", published_at=timezone.now()
    )
    client.force_login(manager)
    client.post(url("incident_close", brand_a, pk=incident.pk), {"resume": "on"})

    page = client.get(url("incident", brand_a, pk=incident.pk)).content.decode()
    assert "Summary for management" in page and 'id="export-csv"' in page
    response = client.get(url("incident_export", brand_a, pk=incident.pk))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode().removeprefix(BOM))))
    figures = {row[0]: row[1] for row in rows if len(row) == 2}
    assert figures["Mentions"] == "1" and figures["Negative mentions"] == "1"
    actions = [row[2] for row in rows if len(row) == 4]
    assert {str(IncidentAction.OPENED.label), str(IncidentAction.CLOSED.label), "Publishing resumed"} <= set(actions)


def test_a_viewer_reads_the_room_but_is_offered_no_action(client, brand_a, viewer, incident):
    client.force_login(viewer)
    page = client.get(url("incident", brand_a, pk=incident.pk)).content.decode()
    assert "Rappel de lampes" in page
    assert "Write the statement" not in page and "Close and write the summary" not in page


def test_the_room_in_french_names_the_timeline_actions_in_french(client, brand_a, manager, incident):
    client.force_login(manager)
    with translation.override("fr"):
        page = client.get(url("incident", brand_a, pk=incident.pk), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Publication suspendue" in page and "Déclaration d’attente" in page


def test_the_mentions_page_offers_to_answer_only_what_a_connected_network_can(client, brand_a, editor, account):
    said = Mention.objects.create(
        brand=brand_a,
        network="fake",
        remote_id="toot-9",
        text="Acme ?",
        sentiment="neutral",
        published_at=timezone.now(),
    )
    Mention.objects.create(
        brand=brand_a, network="web", text="Acme blog", sentiment="neutral", published_at=timezone.now()
    )
    client.force_login(editor)
    page = client.get(url("mentions", brand_a)).content.decode()
    assert page.count("Open as a conversation in the inbox") == 1
    assert url("mention_reply", brand_a, pk=said.pk) in page

    response = client.post(url("mention_conversation", brand_a, pk=said.pk))

    said.refresh_from_db()
    assert response.url == reverse(
        "inbox:conversation", kwargs={"brand_slug": brand_a.slug, "pk": said.conversation_id}
    )
    assert said.conversation.messages.get().text == "Acme ?"
