"""Listening's brand URLs in the permission matrix (tests/test_permission_matrix.py)."""

from django.utils import timezone

from listening.models import Alert, Incident, Mention, SavedSearch, Source, SourceKind, Statement
from tests.factories import NetworkAccountFactory
from tests.inbox.matrix import _conversation
from tests.matrix import EVERYONE, REVIEWERS, WRITERS, Case


def _search(brand, people):
    return {"brand_slug": brand.slug, "pk": SavedSearch.objects.create(brand=brand, name="s", expression="acme").pk}


def _source(brand, people):
    return {"brand_slug": brand.slug, "pk": Source.objects.create(brand=brand, name="f", url="https://f.example/").pk}


def _network_source(brand, people):
    account = NetworkAccountFactory(brand=brand, network="fake")
    search = SavedSearch.objects.create(brand=brand, name="s", expression="acme")
    source = Source.objects.create(
        brand=brand, name="n", kind=SourceKind.NETWORK_SEARCH, account=account, search=search
    )
    return {"brand_slug": brand.slug, "pk": source.pk}


def _alert(brand, people):
    search = SavedSearch.objects.create(brand=brand, name="s", expression="acme")
    alert = Alert.objects.create(
        brand=brand,
        search=search,
        reason="volume",
        count=12,
        negative=3,
        usual_mean=2,
        usual_std=1,
        usual_negative_share=0,
    )
    return {"brand_slug": brand.slug, "pk": alert.pk}


def _mention(brand, people):
    mention = Mention.objects.create(
        brand=brand, network="web", remote_id="m", text="Acme", sentiment="neutral", published_at=timezone.now()
    )
    return {"brand_slug": brand.slug, "pk": mention.pk}


def _incident(brand, people, **fields) -> Incident:
    return Incident.objects.create(brand=brand, title="Rappel", words=["acme"], opened_by=people["manager"], **fields)


def _room(brand, people):
    return {"brand_slug": brand.slug, "pk": _incident(brand, people).pk}


def _closed_room(brand, people):
    closed = _incident(brand, people, closed_at=timezone.now(), summary={"mentions": 0, "curve": []})
    return {"brand_slug": brand.slug, "pk": closed.pk}


def _statement(brand, people):
    incident = _incident(brand, people)
    statement = Statement.objects.create(incident=incident, text="Nous vous entendons.", written_by=people["editor"])
    return {"brand_slug": brand.slug, "pk": incident.pk, "statement": statement.pk}


def _room_conversation(brand, people):
    return {**_room(brand, people), "conversation": _conversation(brand).pk}


def _room_message(brand, people):
    return {**_room(brand, people), "message": _conversation(brand).messages.get().pk}


CASES = [
    Case("listening:mentions", EVERYONE),
    Case("listening:mention_handled", WRITERS, kwargs=_mention, method="post", data=lambda b, p: {"handled": "yes"}),
    Case("listening:mention_tag", WRITERS, kwargs=_mention, method="post", data=lambda b, p: {"tag": "x"}),
    Case("listening:alerts", EVERYONE),
    Case("listening:alert", EVERYONE, kwargs=_alert),
    Case("listening:sources", EVERYONE),
    Case("listening:source_create", WRITERS),
    Case("listening:network_search_create", WRITERS),
    Case("listening:source_edit", WRITERS, kwargs=_source),
    Case("listening:source_edit", WRITERS, kwargs=_network_source),
    Case("listening:source_delete", WRITERS, kwargs=_source, method="post"),
    Case("listening:searches", EVERYONE),
    Case("listening:search_create", WRITERS),
    Case("listening:search_create", WRITERS, method="post", data=lambda b, p: {"name": "n", "expression": "acme"}),
    Case("listening:search_edit", WRITERS, kwargs=_search),
    Case("listening:search_delete", WRITERS, kwargs=_search, method="post"),
    # The crisis room: managers open, close and approve; editors act in the room; viewers read.
    Case("listening:mention_conversation", WRITERS, kwargs=_mention, method="post"),
    Case("listening:mention_reply", WRITERS, kwargs=_mention, method="post", data=lambda b, p: {"text": "Merci"}),
    Case("listening:incidents", EVERYONE),
    Case("listening:incident_open", REVIEWERS),
    Case("listening:incident_open", REVIEWERS, method="post", data=lambda b, p: {"title": "Rappel", "words": "x"}),
    Case("listening:incident", EVERYONE, kwargs=_room),
    Case("listening:incident", EVERYONE, kwargs=_closed_room),
    Case("listening:incident_assign", WRITERS, kwargs=_room, method="post", data=lambda b, p: {"assignee": "me"}),
    Case("listening:statement_write", WRITERS, kwargs=_room, method="post", data=lambda b, p: {"text": "Texte"}),
    Case("listening:statement_approve", REVIEWERS, kwargs=_statement, method="post"),
    Case("listening:incident_close", REVIEWERS, kwargs=_room, method="post"),
    Case("listening:incident_export", EVERYONE, kwargs=_closed_room),
    Case(
        "listening:incident_reply", WRITERS, kwargs=_room_conversation, method="post", data=lambda b, p: {"text": "Oui"}
    ),
    Case("listening:incident_hide", REVIEWERS, kwargs=_room_message, method="post", data=lambda b, p: {"reason": "x"}),
]
