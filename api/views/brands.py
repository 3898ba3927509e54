from rest_framework import generics

from accounts.permissions import brands_of
from api.serializers.brands import BrandSerializer, roles_of
from api.views.base import BrandScoped


class BrandList(generics.ListAPIView):
    """The brands you belong to, with your role in each."""

    serializer_class = BrandSerializer

    def get_queryset(self):
        return brands_of(self.request.user).order_by("name", "pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "roles": roles_of(self.request.user)}


class BrandDetail(BrandScoped, generics.RetrieveAPIView):
    """One brand you belong to (404 for any other)."""

    serializer_class = BrandSerializer

    def get_object(self):
        return self.brand

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "membership"):
            context["roles"] = {self.brand.pk: self.membership.role}
        return context
