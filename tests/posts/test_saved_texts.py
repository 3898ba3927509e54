"""Saved captions and hashtag groups: writers manage the brand's list, everyone reads it, the
composer offers it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from posts import saved_texts
from posts.models import SavedText

pytestmark = pytest.mark.django_db


def _create(brand, user, **values):
    values = {"kind": "hashtags", "name": "Été", "text": "#été #soleil", **values}
    return saved_texts.saved_text_create(brand=brand, user=user, **values)


def test_an_editor_saves_a_hashtag_group_trimmed(brand_a, editor):
    saved = _create(brand_a, editor, name="  Été ", text=" #été #soleil \n")
    assert (saved.brand, saved.kind, saved.name, saved.text, saved.created_by) == (
        brand_a,
        "hashtags",
        "Été",
        "#été #soleil",
        editor,
    )


def test_any_writer_edits_or_deletes_the_teams_texts_and_a_viewer_none(brand_a, editor, manager, viewer):
    saved = _create(brand_a, editor)
    saved_texts.saved_text_update(saved=saved, user=manager, kind="hashtags", name="Été", text="#été")
    assert SavedText.objects.get().text == "#été"
    with pytest.raises(PermissionDenied):
        _create(brand_a, viewer, name="Autre")
    with pytest.raises(PermissionDenied):
        saved_texts.saved_text_delete(saved=saved, user=viewer)
    saved_texts.saved_text_delete(saved=saved, user=manager)
    assert not SavedText.objects.exists()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": " "}, "name", "Give it a name."),
        ({"name": "x" * 81}, "name", "The name is too long (80 characters at most)."),
        ({"name": "ÉTÉ"}, "name", "This brand already has a saved text of this kind with this name."),
        ({"text": ""}, "text", "Write the text to save."),
        ({"text": "#" * 5001}, "text", "The text is too long (5000 characters at most)."),
        ({"kind": "emoji"}, "kind", "Choose a caption or hashtags."),
    ],
)
def test_bad_input_is_named(brand_a, editor, values, field, message):
    _create(brand_a, editor)
    with pytest.raises(ValidationError) as error:
        _create(brand_a, editor, **values)
    assert error.value.message_dict[field] == [message]


def test_the_same_name_may_serve_a_caption_and_a_hashtag_group_and_another_brand(brand_a, brand_b, editor, outsider):
    _create(brand_a, editor)
    _create(brand_a, editor, kind="caption", text="Bel été à tous !")
    _create(brand_b, outsider)
    assert SavedText.objects.count() == 3


# --- the pages -------------------------------------------------------------------------------
def _url(name, brand, **kwargs):
    return reverse(f"posts:{name}", kwargs={"brand_slug": brand.slug, **kwargs})


def test_a_viewer_reads_the_list_without_the_forms(client, brand_a, editor, viewer):
    _create(brand_a, editor)
    client.force_login(viewer)
    html = client.get(_url("saved_texts", brand_a)).content.decode()
    assert "#été #soleil" in html and 'id="saved-text-form"' not in html and "saved-texts/1/delete" not in html


def test_the_page_adds_one_and_names_a_missing_field(client, brand_a, editor):
    client.force_login(editor)
    response = client.post(_url("saved_texts", brand_a), {"kind": "caption", "name": "Signature", "text": ""})
    assert response.status_code == 400 and "Write the text to save." in response.content.decode()
    response = client.post(_url("saved_texts", brand_a), {"kind": "caption", "name": "Signature", "text": "L'équipe"})
    assert response.url == _url("saved_texts", brand_a)
    assert SavedText.objects.get().name == "Signature"


def test_the_edit_page_saves_and_refuses_a_taken_name(client, brand_a, editor):
    first, second = _create(brand_a, editor), _create(brand_a, editor, name="Hiver", text="#hiver")
    client.force_login(editor)
    response = client.post(
        _url("saved_text_edit", brand_a, pk=second.pk), {"kind": "hashtags", "name": "été", "text": "#x"}
    )
    assert response.status_code == 400 and "already has a saved text" in response.content.decode()
    client.post(_url("saved_text_edit", brand_a, pk=first.pk), {"kind": "hashtags", "name": "Été", "text": "#juillet"})
    assert SavedText.objects.get(pk=first.pk).text == "#juillet"


def test_another_brands_saved_text_does_not_exist(client, brand_a, brand_b, editor, outsider):
    foreign = _create(brand_b, outsider)
    client.force_login(editor)
    assert client.get(_url("saved_text_edit", brand_a, pk=foreign.pk)).status_code == 404
    assert client.post(_url("saved_text_delete", brand_a, pk=foreign.pk)).status_code == 404
    assert SavedText.objects.filter(pk=foreign.pk).exists()


def test_the_composer_offers_the_brands_saved_texts(client, brand_a, brand_b, editor, outsider, account):
    _create(brand_a, editor)
    _create(brand_a, editor, kind="caption", name="Signature", text="— L'équipe")
    _create(brand_b, outsider, name="Ailleurs", text="#ailleurs")
    client.force_login(editor)
    html = client.get(_url("create", brand_a)).content.decode()
    assert 'data-text="#été #soleil"' in html and 'data-text="— L&#x27;équipe"' in html
    assert "#ailleurs" not in html and "js/saved_texts.js" in html
