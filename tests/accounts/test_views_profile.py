import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.conftest import messages_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_profile_saves_name_language_and_time_zone(client, editor):
    client.force_login(editor)
    data = {"display_name": "Élodie", "language": "en", "time_zone": "America/Montreal"}
    response = client.post(reverse("accounts:profile"), data, follow=True)
    assert messages_of(response) == ["Your profile was saved."]
    editor.refresh_from_db()
    assert (editor.display_name, editor.language, editor.time_zone) == ("Élodie", "en", "America/Montreal")


def test_profile_refuses_an_unknown_time_zone(client, editor):
    client.force_login(editor)
    data = {"display_name": "Élodie", "language": "", "time_zone": "Paris"}
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "time_zone": ["“Paris” is not a known time zone (for example Europe/Paris)."]
    }
    assert "is not a known time zone" in response.content.decode()
    editor.refresh_from_db()
    assert editor.time_zone == "" and editor.display_name != "Élodie"


def test_profile_needs_a_signed_in_user(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_sign_out_is_a_post_and_says_so(client, editor):
    client.force_login(editor)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert messages_of(response) == ["You are signed out."]
    assert "_auth_user_id" not in client.session


def test_password_change(client, editor):
    client.force_login(editor)
    new = "a brand new passphrase"
    data = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    response = client.post(reverse("password_change"), data, follow=True)
    assert "Your password was changed." in response.content.decode()
    editor.refresh_from_db()
    assert editor.check_password(new)


def test_password_reset_by_email(client, editor):
    response = client.post(reverse("password_reset"), {"email": "EDITOR@a.example"}, follow=True)
    assert "an email with a link to choose a new password is on its way" in response.content.decode()
    assert mail.outbox[0].subject == "Your new password for the publishing desk"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new = "another fine passphrase"
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True)
    assert "Your new password is saved." in response.content.decode()
    editor.refresh_from_db()
    assert editor.check_password(new)


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client, editor):
    response = client.post(reverse("password_reset"), {"email": "nobody@a.example"}, follow=True)
    assert "on its way" in response.content.decode()
    assert mail.outbox == []


def test_profile_lists_the_users_own_api_tokens(client, editor, owner):
    from api.tokens import token_create

    token_create(user=editor, name="Spreadsheet sync")
    token_create(user=owner, name="Owner's bot")
    client.force_login(editor)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'id="api-tokens"' in page
    assert "Spreadsheet sync" in page
    assert "Owner&#x27;s bot" not in page and "Owner's bot" not in page
