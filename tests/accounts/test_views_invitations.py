import pytest
from django.core import signing
from django.urls import reverse

from accounts.models import Invitation, Membership, User
from accounts.roles import Role
from accounts.services import INVITATION_SALT, invitation_token
from tests.accounts.conftest import messages_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(brand_a, owner):
    return Invitation.objects.create(brand=brand_a, email="nina@a.example", role=Role.EDITOR, invited_by=owner)


def _url(invitation_or_token):
    token = invitation_or_token if isinstance(invitation_or_token, str) else invitation_token(invitation_or_token)
    return reverse("accounts:invitation_accept", args=[token])


def _new_account(password="a long enough passphrase"):
    return {"display_name": "Nina", "password1": password, "password2": password}


def test_an_invited_stranger_creates_an_account_and_joins(client, brand_a, invitation):
    page = client.get(_url(invitation)).content.decode()
    assert "Create your account for nina@a.example; you will join as Community manager." in page
    response = client.post(_url(invitation), _new_account(), follow=True)
    assert response.redirect_chain[0][0] == reverse("accounts:brand_home", args=["brand-a"])
    assert messages_of(response) == ["Your account was created. Welcome to Brand A!"]
    nina = User.objects.get(email="nina@a.example")
    assert Membership.objects.get(brand=brand_a, user=nina).role == Role.EDITOR
    assert int(client.session["_auth_user_id"]) == nina.pk


def test_a_weak_password_creates_nothing(client, invitation):
    response = client.post(_url(invitation), _new_account(password="123"))
    assert "This password is too short" in response.content.decode()
    assert not User.objects.filter(email="nina@a.example").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_someone_with_an_account_is_asked_to_sign_in_first(client, invitation):
    UserFactory(email="nina@a.example")
    page = client.get(_url(invitation)).content.decode()
    assert "An account already exists for nina@a.example. Sign in to accept the invitation." in page
    assert f"{reverse('login')}?next=" in page


def test_the_invited_person_signed_in_accepts(client, brand_a, invitation):
    nina = UserFactory(email="nina@a.example")
    client.force_login(nina)
    assert "Accept the invitation" in client.get(_url(invitation)).content.decode()
    assert not Membership.objects.filter(user=nina).exists()  # a GET changes nothing
    response = client.post(_url(invitation), follow=True)
    assert messages_of(response) == ["Welcome to Brand A!"]
    assert Membership.objects.get(brand=brand_a, user=nina).role == Role.EDITOR


def test_someone_signed_in_with_another_address_cannot_accept(client, brand_a, invitation, outsider):
    client.force_login(outsider)
    page = client.get(_url(invitation)).content.decode()
    assert "This invitation was sent to nina@a.example, but you are signed in as outsider@b.example." in page
    response = client.post(_url(invitation))
    assert response.status_code == 400
    assert "This invitation was sent to nina@a.example. Sign in with that address to accept it." in (
        response.content.decode()
    )
    assert not Membership.objects.filter(brand=brand_a, user=outsider).exists()


def test_a_used_link_says_so(client, invitation):
    client.post(_url(invitation), _new_account())
    client.logout()
    response = client.get(_url(invitation))
    assert response.status_code == 400
    assert "This invitation has already been used. Sign in to reach the brand." in response.content.decode()
    assert User.objects.filter(email="nina@a.example").count() == 1


def test_an_expired_link_says_so(client, invitation, settings):
    settings.INVITATION_MAX_AGE = -1
    response = client.post(_url(invitation), _new_account())
    assert response.status_code == 400
    assert "This invitation has expired. Ask the brand&#x27;s owner to invite you again." in response.content.decode()
    assert not User.objects.filter(email="nina@a.example").exists()


def test_a_tampered_link_says_so(client, invitation, brand_a):
    # Signed by someone without our key (here: another salt), as a forger would.
    forged = signing.TimestampSigner(salt="not-" + INVITATION_SALT).sign(str(invitation.pk))
    response = client.post(_url(forged), _new_account())
    assert response.status_code == 400
    assert "This invitation link is not valid. Check that you copied it whole." in response.content.decode()
    assert not User.objects.filter(email="nina@a.example").exists()


def test_a_withdrawn_invitation_says_so(client, invitation):
    token = invitation_token(invitation)
    invitation.delete()
    assert "This invitation was withdrawn." in client.get(_url(token)).content.decode()


def test_the_invalid_link_page_is_in_french_for_a_french_browser(client, invitation, settings):
    settings.INVITATION_MAX_AGE = -1
    page = client.get(_url(invitation), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Cette invitation a expiré." in page
