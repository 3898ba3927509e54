from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Brand
from networks.crypto import EncryptedJSONField


class AccountStatus(models.TextChoices):
    CONNECTED = "connected", _("Connected")
    NEEDS_RECONNECT = "needs_reconnect", _("Needs reconnecting")
    DISABLED = "disabled", _("Disabled")


class NetworkAccount(models.Model):
    """A brand's account on one network (a Mastodon account, a Facebook page, a webhook, ...)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="network_accounts")
    network = models.CharField(_("network"), max_length=30)  # an adapter slug
    display_name = models.CharField(_("display name"), max_length=200)
    handle = models.CharField(_("handle"), max_length=200, blank=True)
    avatar_url = models.URLField(_("avatar"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AccountStatus.choices, default=AccountStatus.CONNECTED
    )
    # Secrets (tokens, app passwords): encrypted, never shown back, never logged.
    credentials = EncryptedJSONField(default=dict, blank=True)
    # What is not secret: instance URL, remote ids, limits read from the network.
    config = models.JSONField(default=dict, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    token_expires_at = models.DateTimeField(_("token expires at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["network", "display_name"]
        verbose_name = _("network account")
        verbose_name_plural = _("network accounts")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.network})"

    def __repr__(self) -> str:
        return f"<NetworkAccount {self.pk} {self.network}>"  # never the credentials

    @property
    def adapter_class(self):
        from networks.adapters import get_adapter_class

        return get_adapter_class(self.network)

    def adapter(self):
        return self.adapter_class(self)
