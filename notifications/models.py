"""What people and machines are told: a line under the bell (and its email), the daily digest's
claim, and the brand's outgoing webhook addresses.

The models keep the tables they had in the posts and api apps (db_table): the move changed
where the code lives, not the database.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Brand
from core.crypto import EncryptedJSONField


class NotificationKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    MENTIONED = "mentioned", _("Mentioned")
    PUBLISH_FAILED = "publish_failed", _("Publishing failed")
    PUBLISHED = "published", _("Published")
    LISTENING_ALERT = "listening_alert", _("Listening alert")
    SOURCE_FAILING = "source_failing", _("Listening source failing")
    EXPIRED = "expired", _("Expired")
    APPROVAL_REMINDER = "approval_reminder", _("Approval waiting")


class DigestSent(models.Model):
    """A person's daily digest of a day (in their zone): taken before the email goes, so a task
    run twice (two beats, a retry) sends it once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    notification_count = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "posts_digestsent"
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_user_and_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class Notification(models.Model):
    """Something a person should know; shown under the bell and sent by email."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    # By name: a notification may be about a post, but the posts app is above this one.
    post = models.ForeignKey("posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    message = models.CharField(max_length=500)
    # Where "Open" leads when the notification is not about a post (a path on this site).
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "posts_notification"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            # "Your post is published" is said once, even when two workers finish its last
            # targets at the same instant (posts.notices.notify_if_published).
            models.UniqueConstraint(
                fields=["user", "post"], condition=models.Q(kind="published"), name="one_published_notice_per_post"
            )
        ]

    def __str__(self) -> str:
        return self.message


class WebhookEvent(models.TextChoices):
    POST_PUBLISHED = "post.published", _("A post was published")
    POST_FAILED = "post.failed", _("A post failed to publish")
    APPROVAL_NEEDED = "approval.needed", _("A post needs approval")
    LISTENING_ALERT = "listening.alert", _("A listening search spiked")


def all_events() -> list[str]:
    return list(WebhookEvent.values)


class WebhookEndpoint(models.Model):
    """An address of the brand's that is told, as signed JSON, when its posts go out or fail."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="webhook_endpoints")
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
        db_table = "api_webhookendpoint"
        ordering = ["created_at", "pk"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.shown_url

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.pk}>"  # never the secret
