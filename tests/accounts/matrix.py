from accounts.models import Invitation, Membership
from accounts.roles import Role
from tests.matrix import EVERYONE, OWNERS, Case


def _viewer_membership(brand, people) -> dict:
    membership = Membership.objects.get(brand=brand, user=people["viewer"])
    return {"brand_slug": brand.slug, "pk": membership.pk}


def _invitation(brand, people) -> dict:
    invitation = Invitation.objects.create(brand=brand, email="new@a.example", role=Role.EDITOR)
    return {"brand_slug": brand.slug, "pk": invitation.pk}


def _settings_data(brand, people) -> dict:
    return {"name": "Brand A renamed", "time_zone": "Europe/Paris", "approval_required": "on"}


CASES = [
    Case("accounts:brand_home", EVERYONE),
    Case("accounts:brand_settings", OWNERS),
    Case("accounts:brand_settings", OWNERS, method="post", data=_settings_data),
    # Every member sees who works on the brand; only owners change anything (accounts/views.py).
    Case("accounts:members", EVERYONE),
    Case("accounts:member_invite", OWNERS, method="post", data=lambda b, p: {"email": "x@a.example", "role": "editor"}),
    Case(
        "accounts:member_role", OWNERS, kwargs=_viewer_membership, method="post", data=lambda b, p: {"role": "editor"}
    ),
    Case("accounts:member_remove", OWNERS, kwargs=_viewer_membership, method="post"),
    Case("accounts:invitation_revoke", OWNERS, kwargs=_invitation, method="post"),
]
