"""Saved searches: made and refused from their page."""

from django.urls import reverse

from listening.models import SavedSearch


def _url(brand, name="listening:search_create", **kwargs):
    return reverse(name, kwargs={"brand_slug": brand.slug, **kwargs})


def test_editor_saves_a_search_with_languages_and_excluded_authors(client, brand_a, editor):
    client.force_login(editor)
    data = {
        "name": "Marque",
        "expression": 'acme OR "acme corp"',
        "languages": "FR, en",
        "excluded_authors": "@AcmeOfficiel\nacme_support",
        "active": "on",
    }
    response = client.post(_url(brand_a), data)
    assert response.status_code == 302
    search = SavedSearch.objects.get(brand=brand_a)
    assert search.languages == ["en", "fr"]
    assert search.excluded_authors == ["acme_support", "acmeofficiel"]


def test_invalid_expression_is_refused_with_the_position_in_french(client, brand_a, editor):
    editor.language = "fr"
    editor.save()
    client.force_login(editor)
    response = client.post(_url(brand_a), {"name": "x", "expression": "acme AND (refund", "languages": "fr"})
    assert response.status_code == 200
    assert "La parenthèse ouverte à la position 10 n’est jamais fermée." in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_wrong_language_code_names_it(client, brand_a, editor):
    editor.language = "en"
    editor.save()
    client.force_login(editor)
    response = client.post(_url(brand_a), {"name": "x", "expression": "acme", "languages": "french"})
    assert "“french” is not a two-letter language code" in response.content.decode()


def test_search_list_escapes_the_expression(client, brand_a, viewer):
    SavedSearch.objects.create(brand=brand_a, name="x", expression='"<script>alert(1)</script>"')
    client.force_login(viewer)
    body = client.get(_url(brand_a, "listening:searches")).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;" in body


def test_search_respects_languages_and_excluded_authors(brand_a):
    from listening.expressions import Document

    search = SavedSearch.objects.create(
        brand=brand_a, name="x", expression="acme", languages=["fr"], excluded_authors=["acmeofficiel"]
    )
    doc = Document.of("acme encore en panne")
    assert search.matches(doc, language="fr-FR", author="@bob")
    assert search.matches(doc, language="", author="@bob")  # unknown language passes
    assert not search.matches(doc, language="en", author="@bob")
    assert not search.matches(doc, language="fr", author="@AcmeOfficiel")
