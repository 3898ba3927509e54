"""Listening's brand URLs in the permission matrix (tests/test_permission_matrix.py)."""

from django.utils import timezone

from listening.models import Alert, Mention, SavedSearch, Source
from tests.matrix import EVERYONE, WRITERS, Case


def _search(brand, people):
    return {"brand_slug": brand.slug, "pk": SavedSearch.objects.create(brand=brand, name="s", expression="acme").pk}


def _source(brand, people):
    return {"brand_slug": brand.slug, "pk": Source.objects.create(brand=brand, name="f", url="https://f.example/").pk}


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


CASES = [
    Case("listening:mentions", EVERYONE),
    Case("listening:mention_handled", WRITERS, kwargs=_mention, method="post", data=lambda b, p: {"handled": "yes"}),
    Case("listening:mention_tag", WRITERS, kwargs=_mention, method="post", data=lambda b, p: {"tag": "x"}),
    Case("listening:alerts", EVERYONE),
    Case("listening:alert", EVERYONE, kwargs=_alert),
    Case("listening:sources", EVERYONE),
    Case("listening:source_create", WRITERS),
    Case("listening:source_edit", WRITERS, kwargs=_source),
    Case("listening:source_delete", WRITERS, kwargs=_source, method="post"),
    Case("listening:searches", EVERYONE),
    Case("listening:search_create", WRITERS),
    Case("listening:search_create", WRITERS, method="post", data=lambda b, p: {"name": "n", "expression": "acme"}),
    Case("listening:search_edit", WRITERS, kwargs=_search),
    Case("listening:search_delete", WRITERS, kwargs=_search, method="post"),
]
