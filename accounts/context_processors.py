from accounts.models import Membership
from accounts.permissions import can
from accounts.roles import Perm


def brands(request):
    """The navigation's brands, in one query.

    `current_brand` and `membership` are the page's own (brand pages only). The navigation also
    serves pages without a brand (Today across brands, profile, notifications): `nav_brand` and
    `nav_membership` are the page's brand, else the one the user worked on last, else their first.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # With each brand's crisis pause (publishing.Pause): the navigation hides "Pause" on a paused brand.
    with_brands = Membership.objects.filter(user=user).select_related("brand", "brand__pause")
    memberships = list(with_brands.order_by("brand__name", "pk"))
    membership = getattr(request, "membership", None)
    nav = membership or _remembered(memberships, request.session.get("brand_slug"))
    return {
        "my_brands": [m.brand for m in memberships],
        "current_brand": getattr(request, "brand", None),
        "membership": membership,
        "nav_brand": nav.brand if nav else None,
        "nav_membership": nav,
        "write_brands": [m.brand for m in memberships if can(m, Perm.WRITE)],
    }


def _remembered(memberships: list[Membership], slug: str | None) -> Membership | None:
    return next((m for m in memberships if m.brand.slug == slug), memberships[0] if memberships else None)
