"""The brand gate for API views: the same `membership_for` the web pages use.

A view declares the permission each HTTP method needs (`perms`); the services called by the
view check their own finer rules again (self-approval, state), so both doors share them.
"""

from accounts.models import Brand, Membership
from accounts.permissions import membership_for
from accounts.roles import Perm


class BrandScoped:
    """Mixin: resolves `brand_slug` to `self.brand` (404 to non-members, 403 without the perm)."""

    perms: dict[str, Perm] = {}
    kwargs: dict
    brand: Brand
    membership: Membership

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # authentication first: 401
        perm = self.perms.get(request.method, Perm.VIEW)
        self.membership = membership_for(request.user, kwargs["brand_slug"], perm)
        self.brand = self.membership.brand

    def get_serializer_context(self):
        context = super().get_serializer_context()  # type: ignore[misc]
        if hasattr(self, "brand"):  # absent while the schema is generated
            context["brand"] = self.brand
        return context
