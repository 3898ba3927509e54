"""Who may decide: the permission check of the engine's services that act for a person (their
decisions and the pause). The pages check the role first; the services check it again, so the
pages and the API share the rule."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import Brand, Membership
from accounts.permissions import can
from accounts.roles import Perm


def require_member(*, user, brand: Brand, perm: Perm) -> None:
    membership = Membership.objects.filter(user=user, brand=brand).first() if user.is_authenticated else None
    if not can(membership, perm):
        raise PermissionDenied(_("You may not do this on this brand."))
