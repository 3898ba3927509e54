import pytest
from django.conf import settings
from django.urls import reverse

from tests.accounts.conftest import messages_of

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_switches_to_french_with_a_cookie(client):
    response = client.post(reverse("accounts:language"), {"language": "fr", "next": "/accounts/login/"}, follow=True)
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert response.redirect_chain == [("/accounts/login/", 302)]
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Se connecter" in page
    assert messages_of(response) == ["L’interface est maintenant en français."]


def test_a_signed_in_user_keeps_the_language_in_the_profile(client, editor):
    client.force_login(editor)
    client.post(reverse("accounts:language"), {"language": "fr", "next": "/me/"})
    editor.refresh_from_db()
    assert editor.language == "fr"
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]  # a browser asking for English: the profile wins
    page = client.get("/me/").content.decode()
    assert "Votre profil" in page and "Se déconnecter" in page


def test_without_a_profile_language_the_browser_decides(client, editor):
    client.force_login(editor)
    assert "Sign out" in client.get("/me/").content.decode()
    page = client.get("/me/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content.decode()
    assert "Se déconnecter" in page


def test_the_switcher_never_redirects_off_site(client):
    response = client.post(reverse("accounts:language"), {"language": "en", "next": "https://evil.example/"})
    assert response.url == "/"


def test_an_unknown_language_is_refused(client, editor):
    client.force_login(editor)
    response = client.post(reverse("accounts:language"), {"language": "tlh", "next": "/me/"}, follow=True)
    assert messages_of(response) == ["Unknown language."]
    editor.refresh_from_db()
    assert editor.language == ""


def test_the_switcher_is_in_the_navigation_and_on_the_sign_in_page(client, editor):
    assert 'name="language" value="fr"' in client.get(reverse("login")).content.decode()
    client.force_login(editor)
    assert 'name="language" value="fr"' in client.get(reverse("accounts:profile")).content.decode()


def test_choosing_the_browsers_language_in_the_profile_forgets_the_switch(client, editor):
    client.force_login(editor)
    client.post(reverse("accounts:language"), {"language": "fr", "next": "/me/"})
    client.post(reverse("accounts:profile"), {"display_name": "E", "language": "", "time_zone": ""})
    assert "Sign out" in client.get("/me/").content.decode()  # the browser asks for English
