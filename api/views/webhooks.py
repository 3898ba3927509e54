from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from accounts.roles import Perm
from api import webhooks
from api.models import WebhookEndpoint
from api.serializers.webhooks import CreatedWebhookSerializer, WebhookSerializer
from api.views.base import BrandScoped
from cm_platform.sensitive import api_handles_secrets


@api_handles_secrets  # POST takes an address that may hold a password or a token
class WebhookList(BrandScoped, generics.ListAPIView):
    """The brand's outgoing webhooks (their addresses may hold secrets: owners only).

    Each delivery is a POST of JSON signed with HMAC-SHA256 in X-Signature-SHA256, like the
    webhook network; X-Webhook-Event names the event, X-Webhook-Delivery stays the same on retries.
    """

    perms = {"GET": Perm.MANAGE_NETWORKS, "POST": Perm.MANAGE_NETWORKS}
    serializer_class = WebhookSerializer

    def get_queryset(self):
        return WebhookEndpoint.objects.filter(brand=self.brand).order_by("created_at", "pk")

    @extend_schema(request=WebhookSerializer, responses={201: CreatedWebhookSerializer})
    def post(self, request, *args, **kwargs):
        body = WebhookSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        endpoint, secret = webhooks.webhook_create(
            brand=self.brand,
            user=request.user,
            url=body.validated_data["shown_url"],  # the address as typed (see WebhookSerializer.url)
            events=list(body.validated_data["events"]),
        )
        return Response({**WebhookSerializer(endpoint).data, "secret": secret}, status=status.HTTP_201_CREATED)


class WebhookDetail(BrandScoped, generics.RetrieveAPIView):
    perms = {"GET": Perm.MANAGE_NETWORKS, "DELETE": Perm.MANAGE_NETWORKS}
    serializer_class = WebhookSerializer

    def get_queryset(self):
        return WebhookEndpoint.objects.filter(brand=self.brand)

    @extend_schema(responses={204: None})
    def delete(self, request, *args, **kwargs):
        webhooks.webhook_delete(endpoint=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
