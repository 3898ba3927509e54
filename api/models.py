from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.crypto import EncryptedJSONField


class ApiToken(models.Model):
    """A personal access token. Only its SHA-256 digest is kept; the token is shown once.

    A token is 256 random bits, so a fast digest cannot be reversed by guessing: a slow password
    hasher (PBKDF2) protects low-entropy passwords and would only add ~100 ms to every API call.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    # The token's first characters, kept in clear so a person can tell their tokens apart.
    prefix = models.CharField(_("prefix"), max_length=16)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WebhookEvent(models.TextChoices):
    POST_PUBLISHED = "post.published", _("A post was published")
    POST_FAILED = "post.failed", _("A post failed to publish")
    APPROVAL_NEEDED = "approval.needed", _("A post needs approval")
    LISTENING_ALERT = "listening.alert", _("A listening search spiked")


def all_events() -> list[str]:
    return list(WebhookEvent.values)


class WebhookEndpoint(models.Model):
    """An address of the brand's that is told, as signed JSON, when its posts go out or fail."""

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="webhook_endpoints")
    # What pages and answers show of the address: scheme and host (networks.http.url_redacted).
    # The address itself may hold a user:password or a token: it is among the credentials.
    shown_url = models.CharField(_("address (URL)"), max_length=500)
    events = models.JSONField(_("events"), default=all_events)
    # {"url": ..., "secret": ...}: the address and the HMAC key, encrypted at rest like network
    # credentials; the secret is shown once.
    credentials = EncryptedJSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_delivery_at = models.DateTimeField(_("last delivery at"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.shown_url

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.pk}>"  # never the secret
