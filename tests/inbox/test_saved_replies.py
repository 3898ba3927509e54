"""Saved replies with variables: written by managers, used by everyone who answers."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from inbox import saved_replies, services
from inbox.models import SavedReply


@pytest.fixture
def welcome(brand_a, manager):
    return services.saved_reply_save(
        brand=brand_a,
        user=manager,
        title="Livraison",
        language="fr",
        text="Bonjour {prénom}, {marque} livre partout en France. Bien à vous, {signature}",
    )


def test_variables_are_filled_in_french_and_english_names_alike():
    person = saved_replies.Person(
        name="Claire Dupont", handle="@claire@piaille.fr", brand="Maison Lumière", sender="Élodie"
    )
    assert saved_replies.fill("Merci {prénom} ({pseudo}) ! {MARQUE}", person) == (
        "Merci Claire (@claire@piaille.fr) ! Maison Lumière"
    )
    assert saved_replies.fill("Hello {first_name} {name}, {brand}. {signature}", person) == (
        "Hello Claire Claire Dupont, Maison Lumière. Élodie"
    )


def test_a_person_without_a_name_is_greeted_by_their_handle():
    person = saved_replies.Person(name="", handle="@marc@mastodon.social", brand="B", sender="S")
    assert saved_replies.fill("Bonjour {prénom}", person) == "Bonjour marc"


def test_an_unknown_variable_is_refused_naming_it(brand_a, manager):
    with pytest.raises(ValidationError) as caught:
        services.saved_reply_save(brand=brand_a, user=manager, title="X", language="fr", text="Salut {prenom}")
    assert "{prenom}" in caught.value.message_dict["text"][0]


def test_two_saved_replies_of_one_language_cannot_share_a_title(welcome, brand_a, manager):
    with pytest.raises(ValidationError) as caught:
        services.saved_reply_save(brand=brand_a, user=manager, title="livraison", language="fr", text="Autre")
    assert "title" in caught.value.message_dict
    english = services.saved_reply_save(brand=brand_a, user=manager, title="Livraison", language="en", text="Hi")
    assert english.language == "en"


def test_editors_use_saved_replies_but_only_managers_write_them(brand_a, editor, welcome):
    with pytest.raises(PermissionDenied):
        services.saved_reply_save(brand=brand_a, user=editor, title="Y", language="fr", text="Oui")
    assert "Élodie" not in services.saved_reply_fill(saved=welcome, message=None, user=editor)


def test_choosing_a_saved_reply_fills_the_reply_box_for_the_person(client, editor, conversation, welcome):
    message = conversation.messages.get()
    message.author_name = "Claire Dupont"
    message.save()
    client.force_login(editor)
    url = reverse("inbox:conversation", args=[conversation.brand.slug, conversation.pk])
    html = client.get(url, {"saved": welcome.pk}).content.decode()
    assert f"Bonjour Claire, Brand A livre partout en France. Bien à vous, {editor}</textarea>" in html


def test_a_saved_reply_of_another_brand_fills_nothing(client, editor, conversation, brand_b, outsider):
    other = services.saved_reply_save(brand=brand_b, user=outsider, title="B", language="fr", text="Secret de B")
    client.force_login(editor)
    url = reverse("inbox:conversation", args=[conversation.brand.slug, conversation.pk])
    assert "Secret de B" not in client.get(url, {"saved": other.pk}).content.decode()


def test_managers_write_saved_replies_from_their_page(client, manager, brand_a):
    client.force_login(manager)
    response = client.post(
        reverse("inbox:saved_replies", args=[brand_a.slug]),
        {"title": "Merci", "language": "fr", "text": "Merci {prénom} !"},
        follow=True,
    )
    assert "Saved reply saved." in response.content.decode()
    response = client.post(
        reverse("inbox:saved_replies", args=[brand_a.slug]),
        {"title": "Cassé", "language": "fr", "text": "Bonjour {client}"},
    )
    assert response.status_code == 200 and "Unknown variable {client}" in response.content.decode()
    assert list(SavedReply.objects.values_list("title", flat=True)) == ["Merci"]
