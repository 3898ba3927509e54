"""Writes about people, brands and memberships. Typed, keyword-only, each in one transaction.

Each service checks the acting user's right itself (accounts.roles through accounts.permissions),
so a web page and any future API share the same rules. Errors a person will read are
ValidationError (bad input, a rule such as "a brand keeps one owner") or InvitationError.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.images import logo_clean
from accounts.models import Brand, Invitation, Membership, User
from accounts.permissions import require_member
from accounts.roles import Perm, Role, has_perm
from core.exceptions import Invalid

INVITATION_SALT = "accounts.invitation"


class InvitationError(Invalid):
    """An invitation link that cannot be used: tampered with, expired, used, or for someone else."""


# --- Brands -----------------------------------------------------------------------------------
def brand_create(
    *,
    user: User,
    name: str,
    slug: str,
    time_zone: str,
    approval_required: bool = True,
    self_approval_forbidden: bool = True,
    logo: UploadedFile | None = None,
) -> Brand:
    """Create a brand whose first owner is `user`."""
    brand = Brand(
        name=name,
        slug=slug,
        time_zone=time_zone,
        approval_required=approval_required,
        self_approval_forbidden=self_approval_forbidden,
    )
    cleaned_logo = _logo_clean(logo) if logo else None
    with transaction.atomic():
        if Brand.objects.filter(slug=slug).exists():
            raise _slug_taken(slug)
        brand.full_clean(exclude=["logo"])  # field-named errors: time zone, slug format, name
        if cleaned_logo:
            brand.logo.save(cleaned_logo.name or "logo", cleaned_logo, save=False)
        try:
            with transaction.atomic():  # a savepoint: the same slug may be taken at this very moment
                brand.save()
        except IntegrityError as error:
            raise _slug_taken(slug) from error
        Membership.objects.create(user=user, brand=brand, role=Role.OWNER)
    return brand


def _slug_taken(slug: str) -> ValidationError:
    return ValidationError({"slug": _("The address “%(slug)s” is already taken by another brand.") % {"slug": slug}})


def _logo_clean(logo: UploadedFile) -> ContentFile:
    try:
        return logo_clean(logo)
    except ValidationError as error:
        raise ValidationError({"logo": error.error_list}) from error


def brand_update(
    *,
    brand: Brand,
    user: User,
    name: str,
    time_zone: str,
    approval_required: bool,
    self_approval_forbidden: bool,
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
    client_approval_required: bool | None = None,
    client_link_days: int | None = None,
    internal_approvers: Iterable[User] | None = None,
    approval_reminder_hours: int | None = None,
    two_approvals_for_statements: bool | None = None,
) -> Brand:
    """Change a brand's settings (owners). The slug stays: it is in every bookmarked address.
    Approval stages (posts/workflow.py: approval_stages) change only when given."""
    require_member(user, brand, Perm.MANAGE_BRAND)
    cleaned_logo = _logo_clean(logo) if logo else None
    with transaction.atomic():
        brand = Brand.objects.select_for_update().get(pk=brand.pk)
        old_logo = brand.logo.name if (remove_logo or cleaned_logo) else ""
        brand.name, brand.time_zone = name, time_zone
        brand.approval_required, brand.self_approval_forbidden = approval_required, self_approval_forbidden
        if client_approval_required is not None:
            brand.client_approval_required = client_approval_required
        if client_link_days is not None:
            brand.client_link_days = client_link_days
        if approval_reminder_hours is not None:
            brand.approval_reminder_hours = approval_reminder_hours
        if two_approvals_for_statements is not None:
            brand.two_approvals_for_statements = two_approvals_for_statements
        if remove_logo:
            brand.logo = None  # type: ignore[assignment]
        brand.full_clean(exclude=["logo"])
        if cleaned_logo:
            brand.logo.save(cleaned_logo.name or "logo", cleaned_logo, save=False)
        brand.save()
        if internal_approvers is not None:
            _set_internal_approvers(brand, internal_approvers)
        if old_logo:  # only once the new settings are safely stored
            storage = brand.logo.storage
            transaction.on_commit(lambda: storage.delete(old_logo))
    return brand


def _set_internal_approvers(brand: Brand, people: Iterable[User]) -> None:
    reviewers = [role for role in Role.values if has_perm(role, Perm.REVIEW)]
    chosen = {person.pk for person in people}
    allowed = set(Membership.objects.filter(brand=brand, role__in=reviewers).values_list("user_id", flat=True))
    if chosen - allowed:
        raise ValidationError({"internal_approvers": _("Only the brand's managers and owners can approve.")})
    brand.internal_approvers.set(chosen)


# --- People -----------------------------------------------------------------------------------
def user_set_language(*, user: User, language: str) -> User:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown language.")})
    user.language = language
    user.save(update_fields=["language"])
    return user


# --- Invitations ------------------------------------------------------------------------------
def member_invite(*, brand: Brand, by: User, email: str, role: str) -> Invitation:
    """Invite `email` to the brand with `role` and email them a signed link (after the commit)."""
    require_member(by, brand, Perm.MANAGE_MEMBERS)
    email = User.objects.normalize_email(email).lower()
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if Membership.objects.filter(brand=brand, user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("%(email)s is already a member of %(brand)s.") % {"email": email, "brand": brand}}
        )
    with transaction.atomic():
        invitation = Invitation.objects.create(brand=brand, email=email, role=role, invited_by=by)
        transaction.on_commit(lambda: _send_invitation(invitation))
    return invitation


def invitation_token(invitation: Invitation) -> str:
    return signing.TimestampSigner(salt=INVITATION_SALT).sign(str(invitation.pk))


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("accounts:invitation_accept", args=[invitation_token(invitation)])


def invitation_for_token(token: str) -> Invitation:
    """The open invitation a link names, or InvitationError saying why the link cannot be used."""
    try:
        pk = signing.TimestampSigner(salt=INVITATION_SALT).unsign(token, max_age=settings.INVITATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise InvitationError(_("This invitation has expired. Ask the brand's owner to invite you again.")) from exc
    except signing.BadSignature as exc:
        raise InvitationError(_("This invitation link is not valid. Check that you copied it whole.")) from exc
    invitation = Invitation.objects.select_related("brand").filter(pk=pk).first()
    if invitation is None:
        raise InvitationError(_("This invitation was withdrawn. Ask the brand's owner to invite you again."))
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used. Sign in to reach the brand."))
    return invitation


def invitation_accept(*, token: str, user: User) -> Membership:
    """The signed-in `user` joins the brand. Works once: the invitation row is locked and marked."""
    with transaction.atomic():
        invitation = _lock_open_invitation(token)
        if invitation.email.lower() != user.email.lower():
            raise InvitationError(
                _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
                % {"email": invitation.email}
            )
        return _join(invitation, user)


def invitation_accept_new_user(*, token: str, display_name: str, password: str) -> User:
    """Create the account of an invited person who has none yet, and join the brand."""
    with transaction.atomic():
        invitation = _lock_open_invitation(token)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationError(
                _("An account already exists for %(email)s: sign in to accept.") % {"email": invitation.email}
            )
        user = User.objects.create_user(email=invitation.email, password=password, display_name=display_name)
        _join(invitation, user)
    return user


def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    require_member(by, invitation.brand, Perm.MANAGE_MEMBERS)
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).delete()


def _lock_open_invitation(token: str) -> Invitation:
    # Checked again under the row lock: two clicks on the same link race here, one wins.
    invitation = invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().select_related("brand").get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used. Sign in to reach the brand."))
    return invitation


def _join(invitation: Invitation, user: User) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, brand=invitation.brand, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def _send_invitation(invitation: Invitation) -> None:
    # The invited person has no profile yet: the email is in the inviter's language.
    context = {
        "invitation": invitation,
        "url": invitation_url(invitation),
        "max_age_days": settings.INVITATION_MAX_AGE // 86400,
    }
    subject = _("You are invited to join %(brand)s") % {"brand": invitation.brand}
    body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


# --- Memberships ------------------------------------------------------------------------------
def membership_change_role(*, membership: Membership, by: User, role: str) -> Membership:
    """Give a member another role; the last owner cannot be demoted."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    with transaction.atomic():
        membership = _lock_for_owner_change(membership, by)
        if membership.role == Role.OWNER and role != Role.OWNER:
            _refuse_if_last_owner(membership)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: Membership, by: User) -> None:
    """Remove a member from a brand; the last owner cannot be removed."""
    with transaction.atomic():
        membership = _lock_for_owner_change(membership, by)
        if membership.role == Role.OWNER:
            _refuse_if_last_owner(membership)
        membership.delete()


def _lock_for_owner_change(membership: Membership, by: User) -> Membership:
    """Lock the brand row, then re-read the membership and the actor's right under that lock.

    Every change of owners goes through this lock, so two owners demoting each other at the same
    moment are serialised and the second sees that only one owner is left.
    """
    Brand.objects.select_for_update().filter(pk=membership.brand_id).first()
    require_member(by, membership.brand, Perm.MANAGE_MEMBERS)
    return Membership.objects.select_related("brand", "user").get(pk=membership.pk)


def _refuse_if_last_owner(membership: Membership) -> None:
    owners = Membership.objects.filter(brand_id=membership.brand_id, role=Role.OWNER)
    if not owners.exclude(pk=membership.pk).exists():
        message = _("%(brand)s must keep at least one owner: make someone else owner first.")
        raise ValidationError(message % {"brand": membership.brand}, code="last_owner")
