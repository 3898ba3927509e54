import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation, Membership
from accounts.roles import Role
from tests.accounts.conftest import messages_of

pytestmark = pytest.mark.django_db


def _url(name, *args):
    return reverse(f"accounts:{name}", args=["brand-a", *args])


def _membership(brand, user):
    return Membership.objects.get(brand=brand, user=user)


def test_every_member_sees_the_team_but_only_owners_see_the_controls(client, people):
    client.force_login(people["viewer"])
    html = client.get(_url("members")).content.decode()
    for role in ("owner", "manager", "editor", "viewer"):
        assert f"{role}@a.example" in html
    assert "outsider@b.example" not in html
    assert "Send the invitation" not in html and "Remove" not in html
    client.force_login(people["owner"])
    html = client.get(_url("members")).content.decode()
    assert "Send the invitation" in html and "Remove" in html


def test_an_owner_invites_by_email(client, brand_a, owner, django_capture_on_commit_callbacks):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("member_invite"), {"email": "nina@a.example", "role": "manager"}, follow=True)
    assert messages_of(response) == ["An invitation was sent to nina@a.example."]
    assert Invitation.objects.get().role == Role.MANAGER
    assert mail.outbox[0].to == ["nina@a.example"]
    assert "nina@a.example" in response.content.decode()  # listed as pending


def test_inviting_an_existing_member_shows_why(client, brand_a, owner, editor):
    client.force_login(owner)
    response = client.post(_url("member_invite"), {"email": "editor@a.example", "role": "viewer"})
    assert response.status_code == 400
    assert messages_of(response) == ["The invitation was not sent: see the form below."]
    assert "editor@a.example is already a member of Brand A." in response.content.decode()
    assert not Invitation.objects.exists() and mail.outbox == []


def test_an_invalid_email_is_refused(client, brand_a, owner):
    client.force_login(owner)
    response = client.post(_url("member_invite"), {"email": "not-an-address", "role": "viewer"})
    assert response.context["invite_form"].errors == {"email": ["Enter a valid email address."]}
    assert not Invitation.objects.exists()


def test_an_owner_changes_a_role(client, brand_a, owner, editor):
    client.force_login(owner)
    response = client.post(_url("member_role", _membership(brand_a, editor).pk), {"role": "manager"}, follow=True)
    assert messages_of(response) == [f"{editor} is now Manager."]
    assert _membership(brand_a, editor).role == Role.MANAGER


def test_demoting_the_last_owner_is_refused_with_a_message(client, brand_a, owner):
    client.force_login(owner)
    response = client.post(_url("member_role", _membership(brand_a, owner).pk), {"role": "viewer"}, follow=True)
    assert messages_of(response) == ["Brand A must keep at least one owner: make someone else owner first."]
    assert _membership(brand_a, owner).role == Role.OWNER


def test_removing_the_last_owner_is_refused_with_a_message(client, brand_a, owner):
    client.force_login(owner)
    response = client.post(_url("member_remove", _membership(brand_a, owner).pk), follow=True)
    assert messages_of(response) == ["Brand A must keep at least one owner: make someone else owner first."]
    assert Membership.objects.filter(brand=brand_a, user=owner).exists()


def test_an_owner_removes_a_member(client, brand_a, owner, viewer):
    client.force_login(owner)
    response = client.post(_url("member_remove", _membership(brand_a, viewer).pk), follow=True)
    assert messages_of(response) == [f"{viewer} no longer belongs to Brand A."]
    assert not Membership.objects.filter(brand=brand_a, user=viewer).exists()
    client.force_login(viewer)
    assert client.get(_url("members")).status_code == 404


def test_an_owner_who_steps_down_lands_on_their_home(client, brand_a, owner, manager):
    Membership.objects.filter(brand=brand_a, user=manager).update(role=Role.OWNER)
    client.force_login(owner)
    response = client.post(_url("member_remove", _membership(brand_a, owner).pk))
    assert response.url == reverse("accounts:home")


def test_another_brands_member_is_not_found(client, brand_a, owner, outsider, brand_b):
    client.force_login(owner)
    theirs = _membership(brand_b, outsider)
    assert client.post(_url("member_remove", theirs.pk)).status_code == 404
    assert client.post(_url("member_role", theirs.pk), {"role": "viewer"}).status_code == 404
    assert _membership(brand_b, outsider).role == Role.OWNER


def test_an_owner_withdraws_an_invitation(client, brand_a, owner):
    invitation = Invitation.objects.create(brand=brand_a, email="late@a.example", role=Role.VIEWER)
    client.force_login(owner)
    response = client.post(_url("invitation_revoke", invitation.pk), follow=True)
    assert messages_of(response) == ["The invitation of late@a.example was withdrawn."]
    assert not Invitation.objects.exists()
