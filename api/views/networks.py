from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from accounts.roles import Perm
from api.serializers.networks import AccountConnectSerializer, ConnectedAccountSerializer, NetworkAccountSerializer
from api.views.base import BrandScoped
from cm_platform.sensitive import api_handles_secrets
from networks import services
from networks.base import ConnectError
from networks.models import NetworkAccount
from networks.registry import get_adapter_class


@api_handles_secrets  # POST takes tokens and app passwords
class AccountList(BrandScoped, generics.ListAPIView):
    """The brand's network accounts. POST connects one of the networks that need no browser redirect."""

    perms = {"POST": Perm.MANAGE_NETWORKS}
    serializer_class = NetworkAccountSerializer

    def get_queryset(self):
        return NetworkAccount.objects.filter(brand=self.brand).order_by("network", "display_name", "pk")

    @extend_schema(request=AccountConnectSerializer, responses={201: ConnectedAccountSerializer})
    def post(self, request, *args, **kwargs):
        serializer = AccountConnectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        adapter = get_adapter_class(serializer.validated_data["network"])
        account = _connect(self.brand, request.user, adapter, serializer.validated_data["data"])
        answer = ConnectedAccountSerializer(account).data
        if getattr(adapter, "shown_once_credential", None):
            name = adapter.shown_once_credential
            answer["shown_once"] = {name: account.credentials[name]}
        return Response(answer, status=status.HTTP_201_CREATED)


def _connect(brand, user, adapter, data: dict) -> NetworkAccount:
    """The network's own connect form checks `data`, then the networks service connects."""
    form = adapter.connect_form(data=data)
    if not form.is_valid():
        raise serializers.ValidationError({"data": {field: list(errors) for field, errors in form.errors.items()}})
    try:
        return services.account_connect(brand=brand, user=user, network=adapter.slug, data=form.cleaned_data)
    except ConnectError as error:
        raise serializers.ValidationError({"data": {error.field or "non_field_errors": [error.message]}}) from error


class AccountDetail(BrandScoped, generics.RetrieveAPIView):
    serializer_class = NetworkAccountSerializer

    def get_queryset(self):
        return NetworkAccount.objects.filter(brand=self.brand)
