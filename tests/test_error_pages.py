"""Error pages are ours: in the person's language, in the app's layout, never Django's bare English
pages nor its debug page listing every URL (the suite runs with DEBUG off, as production must)."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from tests.factories import PostFactory

LAYOUT = 'id="user-menu"'  # the navigation of a signed-in person


@pytest.fixture
def french_editor(editor):
    editor.language = "fr"
    editor.save()
    return editor


@pytest.fixture
def french_client(french_editor):
    client = Client(headers={"accept-language": "en"})  # the profile's language wins
    client.force_login(french_editor)
    return client


def test_debug_is_off_in_the_suite():
    assert settings.DEBUG is False


@pytest.mark.django_db
def test_a_missing_page_is_a_french_404_in_the_layout(french_client):
    response = french_client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Cette page n’existe pas" in html and LAYOUT in html
    assert "Using the URLconf" not in html and "Page not found" not in html


@pytest.mark.django_db
def test_another_brands_post_is_the_same_french_404(french_client, brand_b, brand_a):
    post = PostFactory(brand=brand_b)
    response = french_client.get(reverse("posts:detail", kwargs={"brand_slug": brand_a.slug, "pk": post.pk}))
    assert response.status_code == 404 and "Cette page n’existe pas" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_action_on_a_post_is_the_404_page(french_client, brand_a):
    post = PostFactory(brand=brand_a)
    url = reverse("posts:transition", kwargs={"brand_slug": brand_a.slug, "pk": post.pk, "action": "explode"})
    response = french_client.post(url)
    assert response.status_code == 404 and "Cette page n’existe pas" in response.content.decode()


@pytest.mark.django_db
def test_a_refused_role_is_a_french_403_in_the_layout(viewer, brand_a):
    viewer.language = "fr"
    viewer.save()
    client = Client()
    client.force_login(viewer)
    response = client.get(reverse("posts:create", kwargs={"brand_slug": brand_a.slug}))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Vous n’avez pas le droit de faire cela" in html and LAYOUT in html


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_is_a_french_403_in_the_layout(french_editor, brand_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(french_editor)
    response = client.post(reverse("calendars:campaign_create", kwargs={"brand_slug": brand_a.slug}), {"name": "X"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Le formulaire a expiré" in html and LAYOUT in html
    assert "CSRF verification failed" not in html


@pytest.mark.django_db
def test_a_bad_request_is_a_french_400_page():
    response = Client(headers={"accept-language": "fr"}).get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Cette demande n’a pas pu être comprise" in response.content.decode()


def test_the_500_page_needs_no_context_nor_database():
    """Rendered as Django's handler does (no context, no request): a failing database must not
    break the page that says something failed. No django_db mark here: a query would raise."""
    request = RequestFactory().get("/")
    with translation.override("fr"):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Un problème est survenu de notre côté" in html and 'lang="fr"' in html
