from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import brands_of
from accounts.roles import Perm
from api.serializers.brands import BrandSerializer, PauseSerializer, ResumeSerializer, roles_of
from api.views.base import BrandScoped
from publishing.pause import brand_pause, brand_resume


class BrandList(generics.ListAPIView):
    """The brands you belong to, with your role in each."""

    serializer_class = BrandSerializer

    def get_queryset(self):
        return brands_of(self.request.user).select_related("pause").order_by("name", "pk")

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


class BrandPause(BrandScoped, APIView):
    """Crisis pause: nothing of this brand is published from now until it is resumed."""

    perms = {"POST": Perm.PAUSE}

    @extend_schema(operation_id="brands_pause", tags=["brands"], request=PauseSerializer, responses=BrandSerializer)
    def post(self, request, *args, **kwargs):
        body = PauseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        brand = brand_pause(brand=self.brand, user=request.user, **body.validated_data)
        return Response(BrandSerializer(brand, context={"roles": {brand.pk: self.membership.role}}).data)


class BrandResume(BrandScoped, APIView):
    """Lift the pause. Posts that fell due meanwhile are not sent: they wait on the overdue list."""

    perms = {"POST": Perm.PAUSE}

    @extend_schema(operation_id="brands_resume", tags=["brands"], request=None, responses=ResumeSerializer)
    def post(self, request, *args, **kwargs):
        overdue = brand_resume(brand=self.brand, user=request.user)
        self.brand.refresh_from_db()
        brand = BrandSerializer(self.brand, context={"roles": {self.brand.pk: self.membership.role}}).data
        return Response({"brand": brand, "overdue_posts": overdue})
