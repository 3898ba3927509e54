"""The brand gate for API views: the same `membership_for` the web pages use.

A view declares the permission each HTTP method needs (`perms`); the services called by the
view check their own finer rules again (self-approval, state), so both doors share them.
"""

from django.shortcuts import get_object_or_404
from rest_framework import generics

from accounts.models import Brand, Membership
from accounts.permissions import membership_for
from accounts.roles import Perm


class BrandScoped:
    """Mixin: resolves `brand_slug` to `self.brand` (404 to non-members, 403 without the perm)."""

    perms: dict[str, Perm] = {}
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


class BrandObjectMixin(BrandScoped):
    """A brand's object by pk: another brand's object is a 404 like a missing one."""

    model: type

    def brand_object(self, **lookup):
        return get_object_or_404(self.model, brand=self.brand, **lookup)


class BrandGenericView(BrandScoped, generics.GenericAPIView):
    pass
