"""The inbox's search (inbox/search.py) on the database the suite runs on: a substring in any
case, through the index migration 0005 made, which follows every message stored, edited or
deleted (a migration rebuilding inbox_message on SQLite would lose its triggers: this fails)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inbox.models import Message
from inbox.search import messages_saying
from networks.capabilities.conversations import MessageKind
from tests.inbox.conftest import inbound, store

pytestmark = pytest.mark.django_db


def found(text: str) -> set[str]:
    return set(messages_saying(text).values_list("remote_id", flat=True))


@pytest.fixture
def said(account):
    store(account, inbound("Où en est ma LIVRAISON ?", remote_id="l", kind=MessageKind.MENTION))
    store(account, inbound('Il a dit "super" <b>merci</b>', remote_id="q", kind=MessageKind.MENTION))
    store(account, inbound("Rien à voir", remote_id="r", kind=MessageKind.MENTION))


def test_a_search_finds_part_of_a_word_whatever_its_case(said):
    assert found("livr") == {"l"}
    assert found("Livraison") == {"l"}
    assert found("est ma livraison") == {"l"}


def test_quotes_markup_and_search_operators_are_searched_as_typed(said):
    assert found('"super"') == {"q"}
    assert found("<b>merci") == {"q"}
    assert found("super OR rien") == set()
    assert found("*") == set()


def test_two_letters_are_searched_too(said):
    assert found("ma") == {"l"}


def test_the_index_follows_messages_edited_and_deleted(said):
    Message.objects.filter(remote_id="r").update(text="Finalement, une question de livraison")
    assert found("livraison") == {"l", "r"}
    Message.objects.filter(remote_id="l").delete()
    assert found("livraison") == {"r"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigram index")
def test_postgresql_answers_a_search_from_its_trigram_index(said):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # three rows: the planner would rather scan
        sql, params = messages_saying("livraison").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "inbox_message_text_trgm" in plan


def test_a_search_in_the_list_counts_and_pages_its_matches_newest_first(client, editor, brand_a, account):
    for n in range(12):
        at = timezone.now() - timedelta(minutes=n)
        store(account, inbound(f"Ma livraison n°{n}", remote_id=f"s{n}", kind=MessageKind.MENTION, at=at))
    store(account, inbound("Autre chose", remote_id="other", kind=MessageKind.MENTION))
    client.force_login(editor)
    url = reverse("inbox:list", kwargs={"brand_slug": brand_a.slug})
    page = client.get(url, {"q": "LIVRAISON", "size": 10, "page": 2})
    assert page.context["page"].paginator.count == 12
    assert [c.last_message_text for c in page.context["page"].object_list] == ["Ma livraison n°10", "Ma livraison n°11"]
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"q": "livraison", "size": 10})
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"q": "livraison", "size": 100})
    assert len(few) == len(many)
