import re
import threading
import time

import pytest
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import translation

from accounts.models import Invitation, Membership, User
from accounts.roles import Role
from accounts.services import (
    INVITATION_SALT,
    InvitationError,
    invitation_accept,
    invitation_accept_new_user,
    invitation_for_token,
    invitation_token,
    member_invite,
    membership_change_role,
    membership_remove,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _membership(brand, user) -> Membership:
    return Membership.objects.get(brand=brand, user=user)


def _invite(brand, owner, email="new@a.example", role=Role.EDITOR, *, capture):
    with capture(execute=True):  # the email leaves after the commit
        return member_invite(brand=brand, by=owner, email=email, role=role)


# --- Inviting ---------------------------------------------------------------------------------
def test_an_invitation_emails_a_signed_link(brand_a, owner, django_capture_on_commit_callbacks):
    invitation = _invite(brand_a, owner, email="New@A.example", capture=django_capture_on_commit_callbacks)
    assert invitation.email == "new@a.example"
    assert [m.to for m in mail.outbox] == [["new@a.example"]]
    assert mail.outbox[0].subject == "You are invited to join Brand A"
    token = re.search(r"http://127\.0\.0\.1:8000/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert invitation_for_token(token) == invitation


def test_a_manager_cannot_invite(brand_a, manager):
    with pytest.raises(PermissionDenied):
        member_invite(brand=brand_a, by=manager, email="new@a.example", role=Role.OWNER)
    assert not Invitation.objects.exists()


def test_inviting_a_member_again_is_refused(brand_a, owner, editor):
    with pytest.raises(ValidationError) as refused:
        member_invite(brand=brand_a, by=owner, email="EDITOR@a.example", role=Role.VIEWER)
    assert refused.value.message_dict == {"email": ["editor@a.example is already a member of Brand A."]}
    assert not Invitation.objects.exists()


# --- Accepting --------------------------------------------------------------------------------
def test_a_signed_in_person_with_the_invited_address_joins(brand_a, owner, django_capture_on_commit_callbacks):
    invitation = _invite(brand_a, owner, role=Role.MANAGER, capture=django_capture_on_commit_callbacks)
    person = UserFactory(email="new@a.example")
    membership = invitation_accept(token=invitation_token(invitation), user=person)
    assert (membership.brand, membership.user, membership.role) == (brand_a, person, Role.MANAGER)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.accepted_by == person


def test_an_unknown_address_gets_an_account_and_joins(brand_a, owner, django_capture_on_commit_callbacks):
    invitation = _invite(brand_a, owner, capture=django_capture_on_commit_callbacks)
    user = invitation_accept_new_user(token=invitation_token(invitation), display_name="Nina", password="s3cret-pass!")
    assert user.check_password("s3cret-pass!")
    assert _membership(brand_a, user).role == Role.EDITOR


def test_an_invitation_works_once(brand_a, owner, django_capture_on_commit_callbacks):
    invitation = _invite(brand_a, owner, capture=django_capture_on_commit_callbacks)
    token = invitation_token(invitation)
    invitation_accept_new_user(token=token, display_name="", password="s3cret-pass!")
    with pytest.raises(InvitationError) as refused:
        invitation_accept(token=token, user=User.objects.get(email="new@a.example"))
    assert refused.value.message == "This invitation has already been used. Sign in to reach the brand."
    assert Membership.objects.filter(brand=brand_a).count() == 2


class _SignerEightDaysAgo(signing.TimestampSigner):
    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - 8 * 86400)


def test_an_expired_invitation_is_refused(brand_a, owner):
    invitation = Invitation.objects.create(brand=brand_a, email="new@a.example", role=Role.EDITOR, invited_by=owner)
    old_token = _SignerEightDaysAgo(salt=INVITATION_SALT).sign(str(invitation.pk))  # a week is the default
    with pytest.raises(InvitationError) as refused:
        invitation_accept_new_user(token=old_token, display_name="", password="s3cret-pass!")
    assert refused.value.message == "This invitation has expired. Ask the brand's owner to invite you again."
    assert not User.objects.filter(email="new@a.example").exists()


def test_an_invitation_older_than_the_setting_is_expired(brand_a, owner, settings):
    settings.INVITATION_MAX_AGE = -1  # any link is already too old
    invitation = Invitation.objects.create(brand=brand_a, email="new@a.example", role=Role.EDITOR, invited_by=owner)
    with pytest.raises(InvitationError, match="expired"):
        invitation_accept(token=invitation_token(invitation), user=UserFactory(email="new@a.example"))
    assert not Membership.objects.filter(user__email="new@a.example").exists()


@pytest.mark.parametrize("tamper", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: "9999" + t[1:]])
def test_a_tampered_link_is_refused(brand_a, owner, tamper):
    invitation = Invitation.objects.create(brand=brand_a, email="new@a.example", role=Role.OWNER, invited_by=owner)
    with pytest.raises(InvitationError) as refused:
        invitation_accept_new_user(token=tamper(invitation_token(invitation)), display_name="", password="s3cret-pass!")
    assert refused.value.message == "This invitation link is not valid. Check that you copied it whole."
    assert not User.objects.filter(email="new@a.example").exists()


def test_someone_else_cannot_use_an_invitation(brand_a, owner, outsider):
    invitation = Invitation.objects.create(brand=brand_a, email="new@a.example", role=Role.OWNER, invited_by=owner)
    with pytest.raises(InvitationError, match="sent to new@a.example"):
        invitation_accept(token=invitation_token(invitation), user=outsider)
    assert not Membership.objects.filter(brand=brand_a, user=outsider).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


# --- Roles and removal ------------------------------------------------------------------------
def test_an_owner_changes_a_role(brand_a, owner, editor):
    membership_change_role(membership=_membership(brand_a, editor), by=owner, role=Role.MANAGER)
    assert _membership(brand_a, editor).role == Role.MANAGER


def test_a_manager_cannot_change_roles(brand_a, manager, editor):
    with pytest.raises(PermissionDenied):
        membership_change_role(membership=_membership(brand_a, editor), by=manager, role=Role.OWNER)
    assert _membership(brand_a, editor).role == Role.EDITOR


def test_the_last_owner_cannot_be_demoted(brand_a, owner):
    with pytest.raises(ValidationError) as refused:
        membership_change_role(membership=_membership(brand_a, owner), by=owner, role=Role.VIEWER)
    assert refused.value.messages == ["Brand A must keep at least one owner: make someone else owner first."]
    assert _membership(brand_a, owner).role == Role.OWNER


def test_the_last_owner_cannot_be_removed(brand_a, owner):
    with pytest.raises(ValidationError, match="must keep at least one owner"):
        membership_remove(membership=_membership(brand_a, owner), by=owner)
    assert _membership(brand_a, owner).role == Role.OWNER


def test_an_owner_may_step_down_when_another_owner_remains(brand_a, owner, manager):
    membership_change_role(membership=_membership(brand_a, manager), by=owner, role=Role.OWNER)
    membership_remove(membership=_membership(brand_a, owner), by=owner)
    assert list(Membership.objects.filter(brand=brand_a, role=Role.OWNER).values_list("user", flat=True)) == [
        manager.pk
    ]


def test_two_owners_cannot_both_step_down(brand_a, owner, manager):
    membership_change_role(membership=_membership(brand_a, manager), by=owner, role=Role.OWNER)
    membership_change_role(membership=_membership(brand_a, owner), by=owner, role=Role.EDITOR)
    with pytest.raises(ValidationError):
        membership_change_role(membership=_membership(brand_a, manager), by=manager, role=Role.EDITOR)
    assert _membership(brand_a, manager).role == Role.OWNER


@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_leave_one_owner(brand_a, owner, manager):
    """Each request runs in its own thread and connection; the brand-row lock serialises them."""
    membership_change_role(membership=_membership(brand_a, manager), by=owner, role=Role.OWNER)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def demote(user):
        try:
            start.wait()
            membership_change_role(membership=_membership(brand_a, user), by=user, role=Role.VIEWER)
            outcomes.append("demoted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=demote, args=(user,)) for user in (owner, manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["demoted", "refused"]
    assert Membership.objects.filter(brand=brand_a, role=Role.OWNER).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_clicks_on_one_invitation_at_once_make_one_account(brand_a, owner):
    invitation = Invitation.objects.create(brand=brand_a, email="new@a.example", role=Role.EDITOR, invited_by=owner)
    token = invitation_token(invitation)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def accept():
        try:
            start.wait()
            with translation.override("en"):  # the language is per thread
                invitation_accept_new_user(token=token, display_name="", password="s3cret-pass!")
            outcomes.append("joined")
        except InvitationError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["This invitation has already been used. Sign in to reach the brand.", "joined"]
    assert User.objects.filter(email="new@a.example").count() == 1
