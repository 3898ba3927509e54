from rest_framework import serializers

from api.models import WebhookEndpoint, WebhookEvent


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.MultipleChoiceField(choices=WebhookEvent.choices)

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "created_at", "last_delivery_at", "last_status", "last_error"]
        read_only_fields = ["id", "created_at", "last_delivery_at", "last_status", "last_error"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["events"] = sorted(data["events"])
        return data


class CreatedWebhookSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="The HMAC-SHA256 key of X-Signature-SHA256: shown only in this answer."
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
