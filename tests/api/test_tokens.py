"""Personal access tokens: made once, kept hashed, checked on every call, revocable."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.tokens import token_create, token_revoke

BRANDS = "/api/brands/"


def _bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_only_the_digest_of_a_token_is_stored(editor):
    token, raw = token_create(user=editor, name="Sheets")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.digest, stored.prefix, stored.name}
    assert raw.startswith(stored.prefix) and raw.startswith("cmp_")
    assert len(raw) > 40


def test_a_token_authenticates_its_user(editor, brand_a):
    _, raw = token_create(user=editor, name="Sheets")
    response = _bearer(raw).get(BRANDS)
    assert response.status_code == 200
    assert [(b["slug"], b["role"]) for b in response.json()["results"]] == [("brand-a", "editor")]


@pytest.mark.parametrize(
    "header",
    ["Bearer cmp_not-a-real-token", "Bearer", "Bearer two words", "Token cmp_x", ""],
)
def test_a_call_without_a_valid_token_is_a_401_in_json(db, header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(BRANDS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["detail"]


def test_a_revoked_token_stops_working(editor, brand_a):
    token, raw = token_create(user=editor, name="Sheets")
    token_revoke(token=token, user=editor)
    assert _bearer(raw).get(BRANDS).status_code == 401


def test_a_deactivated_users_token_stops_working(editor, brand_a):
    _, raw = token_create(user=editor, name="Sheets")
    editor.is_active = False
    editor.save()
    assert _bearer(raw).get(BRANDS).status_code == 401


def test_nobody_revokes_someone_elses_token(editor, viewer):
    token, _ = token_create(user=editor, name="Sheets")
    with pytest.raises(PermissionDenied):
        token_revoke(token=token, user=viewer)


def test_last_used_is_recorded_at_most_once_a_minute(editor, brand_a):
    token, raw = token_create(user=editor, name="Sheets")
    client = _bearer(raw)
    client.get(BRANDS)
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    client.get(BRANDS)
    token.refresh_from_db()
    assert token.last_used_at == first_use
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    client.get(BRANDS)
    token.refresh_from_db()
    assert token.last_used_at > first_use


def test_create_token_command_prints_a_working_token_once(editor, brand_a):
    out, err = StringIO(), StringIO()
    call_command("create_token", "EDITOR@a.example", "--name", "CMS", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert ApiToken.objects.get(user=editor).name == "CMS"
    assert raw not in err.getvalue()
    assert _bearer(raw).get(BRANDS).status_code == 200


def test_create_token_command_refuses_an_unknown_email(db):
    with pytest.raises(CommandError, match="nobody@example.com"):
        call_command("create_token", "nobody@example.com", stdout=StringIO(), stderr=StringIO())


def test_session_calls_need_the_csrf_token(editor, brand_a):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.get(BRANDS).status_code == 200
    response = client.post(reverse("api:post_list", kwargs={"brand_slug": "brand-a"}), {"text": "x"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


# --- the profile's token page -------------------------------------------------------------------
def test_profile_page_creates_a_token_and_shows_it_once(client, editor):
    client.force_login(editor)
    response = client.post(reverse("api_tokens:list"), {"name": "Spreadsheet"}, follow=True)
    assert response.redirect_chain == [(reverse("api_tokens:list"), 302)]
    raw = response.context["new_token"]
    assert raw in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert _bearer(raw).get(BRANDS).status_code == 200
    assert raw not in str(dict(client.session))
    again = client.get(reverse("api_tokens:list")).content.decode()
    assert "Spreadsheet" in again and raw not in again
    assert ApiToken.objects.count() == 1


def test_profile_page_refuses_a_token_without_a_name(client, editor):
    client.force_login(editor)
    response = client.post(reverse("api_tokens:list"), {"name": "  "})
    assert response.context["new_token"] is None
    assert not ApiToken.objects.exists()


def test_profile_page_revokes_only_ones_own_tokens(client, editor, viewer):
    mine, _ = token_create(user=editor, name="Mine")
    theirs, _ = token_create(user=viewer, name="Theirs")
    client.force_login(editor)
    assert client.post(reverse("api_tokens:revoke", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("api_tokens:revoke", args=[mine.pk]), follow=True)
    assert "revoked" in response.content.decode().lower() or "révoqué" in response.content.decode()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None


def test_token_pages_need_a_sign_in(client, db):
    response = client.get(reverse("api_tokens:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
