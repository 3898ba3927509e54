"""The API answers in the token owner's language, names a per-network text's field as the
request does, and says why a due target waits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from networks.services import account_mark_needs_reconnect
from tests.factories import NetworkAccountFactory
from tests.publishing.conftest import approved_post

pytestmark = pytest.mark.django_db


def _posts_url(brand):
    return f"/api/brands/{brand.slug}/posts/"


def _speaking(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


def test_a_token_of_an_english_profile_gets_english_answers_without_accept_language(api_as, editor, brand_a):
    response = api_as(_speaking(editor, "en")).post(_posts_url(brand_a), {"scheduled_at": "soon"}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Some fields are not valid."
    assert response["Content-Language"] == "en"


def test_accept_language_wins_over_the_profile(api_as, editor, brand_a):
    client = api_as(_speaking(editor, "en"))
    response = client.post(_posts_url(brand_a), {"scheduled_at": "soon"}, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.json()["detail"] == "Certains champs ne sont pas valides."


def test_a_french_profile_gets_french_answers(api_as, editor, brand_a):
    response = api_as(_speaking(editor, "fr")).post(_posts_url(brand_a), {"scheduled_at": "x"}, format="json")
    assert response.json()["detail"] == "Certains champs ne sont pas valides."


def test_a_too_long_text_for_one_network_names_that_target_and_its_account(api_as, editor, brand_a):
    first = NetworkAccountFactory(brand=brand_a, display_name="Brand A news")
    second = NetworkAccountFactory(brand=brand_a, display_name="Brand A jobs")
    body = {"text": "Short.", "targets": [{"account": first.pk}, {"account": second.pk, "text": "x" * 501}]}
    response = api_as(_speaking(editor, "en")).post(_posts_url(brand_a), body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["targets[1].text"]
    assert "Brand A jobs" in errors["targets[1].text"][0] and f"target_{second.pk}" not in response.content.decode()


def test_a_due_target_says_why_it_waits(api_as, editor, brand_a):
    account = NetworkAccountFactory(brand=brand_a, network="fake", display_name="Brand A news")
    post = approved_post(brand_a, [account], at=timezone.now() - timedelta(minutes=2))
    account_mark_needs_reconnect(account=account, message="Token revoked")
    response = api_as(_speaking(editor, "en")).get(f"{_posts_url(brand_a)}{post.pk}/")
    (target,) = response.json()["targets"]
    assert target["waiting"]["code"] == "needs_reconnect"
    assert target["waiting"]["text"].startswith("Brand A news needs reconnecting")
    assert target["waiting"]["link"] == f"/b/{brand_a.slug}/networks/"
