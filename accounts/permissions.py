"""The brand gate every page, API call and service goes through.

Two doors, one rule (accounts/roles.py's table):

- A page or an API call names a brand by its slug: `membership_for` (and `brand_view` on it).
  A user who is not a member gets 404 for the brand and everything in it (we do not even
  confirm it exists); a member whose role lacks the permission gets 403.
- A service holds the brand already: `require_member(user, brand, permission)` refuses a
  non-member and a member without the permission alike (403); its caller has checked the brand.

Both raise core's errors (NotFound, Forbidden), which the API and the pages answer as 404 and 403.
Each app builds its object helpers (`post_for`, `account_for`, ...) on `membership_for`.
"""

from functools import wraps

from accounts.models import Brand, Membership
from accounts.roles import ROLE_PERMS, Perm, has_perm
from core.exceptions import Forbidden, NotFound


def membership_for(user, brand_slug: str, perm: Perm = Perm.VIEW) -> Membership:
    """The user's membership of the brand, or 404; 403 when the role lacks `perm`."""
    if not user.is_authenticated:
        raise NotFound
    # The brand comes with its crisis pause (publishing.Pause), which every brand page shows.
    with_brand = Membership.objects.select_related("brand", "brand__pause")
    membership = with_brand.filter(user=user, brand__slug=brand_slug).first()
    if membership is None:
        raise NotFound
    if not can(membership, perm):
        raise Forbidden("")  # the 403 page itself says why: the role does not allow it
    return membership


def membership_of(user, brand: Brand) -> Membership | None:
    """The user's membership of `brand`, or None (an anonymous user is nobody's member)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, brand=brand).first()


def require_member(user, brand: Brand, permission: Perm) -> Membership:
    """The user's membership of `brand` when its role has `permission`; Forbidden otherwise."""
    membership = membership_of(user, brand)
    require(membership, permission)
    assert membership is not None  # require() refused None
    return membership


def require(membership: Membership | None, perm: Perm) -> None:
    """For a caller that holds the membership already (a page, the workflow's table)."""
    if not can(membership, perm):
        raise Forbidden


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
