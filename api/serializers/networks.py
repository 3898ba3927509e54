from rest_framework import serializers

from networks.models import NetworkAccount
from networks.selectors import offered_adapters


class NetworkAccountSerializer(serializers.ModelSerializer):
    """A connected account. Credentials are never part of it."""

    network_name = serializers.SerializerMethodField()

    class Meta:
        model = NetworkAccount
        fields = ["id", "network", "network_name", "display_name", "handle", "status", "last_error", "created_at"]
        read_only_fields = fields

    def get_network_name(self, account: NetworkAccount) -> str:
        try:
            return str(account.adapter_class.name)
        except LookupError:
            return account.network


def connectable_networks() -> list[str]:
    """Networks connected by a form (no browser redirect), offered as on the Networks page."""
    return [adapter.slug for adapter in offered_adapters() if adapter.connect_form is not None]


class AccountConnectSerializer(serializers.Serializer):
    network = serializers.ChoiceField(choices=[])
    data = serializers.DictField(
        help_text="The network's connect form: web feed {title}; webhook {name, url}; "
        "Mastodon {instance_url, access_token}; Bluesky {handle, app_password}; ...",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].choices = connectable_networks()


class ConnectedAccountSerializer(NetworkAccountSerializer):
    shown_once = serializers.DictField(
        child=serializers.CharField(),
        read_only=True,
        help_text="A secret to copy now (the webhook's signing secret); never shown again.",
    )

    class Meta(NetworkAccountSerializer.Meta):
        fields = [*NetworkAccountSerializer.Meta.fields, "shown_once"]
        read_only_fields = fields
