from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from accounts.roles import Perm
from api.serializers.webhooks import CreatedWebhookSerializer, WebhookSerializer
from api.views.base import BrandScoped
from cm_platform.sensitive import api_handles_secrets
from notifications import webhooks
from notifications.models import WebhookEndpoint


@api_handles_secrets  # POST takes an address that may hold a password or a token
class WebhookList(BrandScoped, generics.ListAPIView):
    """The brand's outgoing webhooks (owners only). The address is kept encrypted and shown as
    scheme and host: it may hold a user:password or a token.

    Each delivery is a POST of JSON with `X-Webhook-Event` (the event), `X-Delivery-Id` (the
    same on every retry), `X-Timestamp` (unix seconds) and `X-Signature: t=<timestamp>,v1=<hex>`,
    the HMAC-SHA256 with the webhook's secret of `<timestamp>.<delivery id>.<raw body>`.
    Receivers refuse a signature that does not match or a timestamp more than 300 seconds away
    from their clock, and act once per delivery id (answering 2xx to a repeat: the desk retries
    a delivery whose answer it did not get).
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
