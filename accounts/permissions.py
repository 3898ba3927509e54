"""The brand gate every page and API call goes through.

A user who is not a member of a brand gets 404 for it and for everything in it (we do not even
confirm it exists); a member whose role lacks a permission gets 403. Each app builds its object
helpers (`post_for`, `account_for`, ...) on `membership_for` so the rule stays here.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Brand, Membership
from accounts.roles import ROLE_PERMS, Perm, has_perm


def membership_for(user, brand_slug: str, perm: Perm = Perm.VIEW) -> Membership:
    """The user's membership of the brand, or 404; 403 when the role lacks `perm`."""
    if not user.is_authenticated:
        raise Http404
    # The brand comes with its crisis pause (publishing.Pause), which every brand page shows.
    with_brand = Membership.objects.select_related("brand", "brand__pause")
    membership = with_brand.filter(user=user, brand__slug=brand_slug).first()
    if membership is None:
        raise Http404
    require(membership, perm)
    return membership


def require(membership: Membership, perm: Perm) -> None:
    if not has_perm(membership.role, perm):
        raise PermissionDenied


def can(membership: Membership | None, perm: Perm) -> bool:
    return membership is not None and has_perm(membership.role, perm)


def brands_of(user):
    """The brands a user belongs to: the only brands any query may start from."""
    if not user.is_authenticated:
        return Brand.objects.none()
    return Brand.objects.filter(memberships__user=user)


def brands_where(user, perm: Perm):
    """The user's brands where their role has `perm` (one filter: one join on memberships)."""
    if not user.is_authenticated:
        return Brand.objects.none()
    roles = [role for role in ROLE_PERMS if has_perm(role, perm)]
    return Brand.objects.filter(memberships__user=user, memberships__role__in=roles)


def brand_view(perm: Perm = Perm.VIEW):
    """Decorate a view taking `brand_slug`: sets request.brand and request.membership."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, brand_slug, *args, **kwargs):
            membership = membership_for(request.user, brand_slug, perm)
            request.membership = membership
            request.brand = membership.brand
            # Remembered for the home page; written only when it changes, so an ordinary page
            # view does not rewrite the session row (a database write on every request).
            if request.session.get("brand_slug") != brand_slug:
                request.session["brand_slug"] = brand_slug
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
