"""Listening's brand URLs in the permission matrix (tests/test_permission_matrix.py)."""

from listening.models import SavedSearch, Source
from tests.matrix import EVERYONE, WRITERS, Case


def _search(brand, people):
    return {"brand_slug": brand.slug, "pk": SavedSearch.objects.create(brand=brand, name="s", expression="acme").pk}


def _source(brand, people):
    return {"brand_slug": brand.slug, "pk": Source.objects.create(brand=brand, name="f", url="https://f.example/").pk}


CASES = [
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
