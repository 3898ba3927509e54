from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from rest_framework import serializers

from notifications.models import WebhookEndpoint, WebhookEvent


class AddressField(serializers.CharField):
    """A URL when written; when read, only its shown form (https://hooks.example.com/…), which is
    no URL to follow. The check is made here rather than as a field validator, which would make
    the schema promise a URI in answers too."""

    default_error_messages = {"invalid": serializers.URLField.default_error_messages["invalid"]}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            URLValidator()(value)
        except DjangoValidationError:
            self.fail("invalid")
        return value


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.MultipleChoiceField(choices=WebhookEvent.choices)
    # Written: the whole address (validated_data["shown_url"], which the service encrypts and
    # redacts); read: its shown form.
    url = AddressField(
        source="shown_url",
        max_length=500,
        help_text="The address deliveries are POSTed to. It may hold a user:password or a token: it is "
        "kept encrypted, and answers show only its scheme and host (https://hooks.example.com/…).",
    )

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
        read_only=True, help_text="The HMAC-SHA256 key of X-Signature: shown only in this answer."
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
