"""Client reviewers (people outside the desk who approve by link) and the evidence they leave."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Brand
from core.crypto import EncryptedJSONField
from posts.models import Post


class ClientReviewer(models.Model):
    """Someone of the brand's client who approves posts through a signed link, without an account.

    The link carries this row's id and a random nonce (clients/links.py): the nonce's SHA-256
    checks it, and the nonce itself is kept encrypted so a reminder can send the same link
    again (the database alone cannot rebuild it: the encryption keys and SECRET_KEY are not in
    it). Revoking keeps the row (the audit trail names it); removing it deletes the row, and its
    link with it.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="client_reviewers")
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email address"))
    nonce_hash = models.CharField(max_length=64, editable=False)
    link_secret = EncryptedJSONField(blank=True, editable=False)
    # The language of the invitation (the owner's, then): the reminders speak it too.
    language = models.CharField(max_length=10, blank=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("client reviewer")
        verbose_name_plural = _("client reviewers")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def is_active(self, now=None) -> bool:
        return self.revoked_at is None and (now or timezone.now()) < self.expires_at


class ReviewAction(models.TextChoices):
    VIEWED = "viewed", _("Viewed")
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    REFUSED_STALE = "refused_stale", _("Refused: the post had changed")


class ReviewRecord(models.Model):
    """One view or decision of a client reviewer: the evidence the owner exports.

    Name, email and the post's id are copied so the record outlives a removed reviewer or a
    deleted post.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    reviewer = models.ForeignKey(ClientReviewer, null=True, on_delete=models.SET_NULL, related_name="records")
    reviewer_name = models.CharField(max_length=100)
    reviewer_email = models.EmailField()
    post = models.ForeignKey(Post, null=True, on_delete=models.SET_NULL, related_name="+")
    post_number = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=ReviewAction.choices)
    fingerprint = models.CharField(max_length=64, blank=True)
    comment = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.reviewer_name}: {self.action} #{self.post_number}"


class CalendarPreview(models.Model):
    """A read-only view of chosen posts of one brand, by link, for its client: the plan without a
    decision to take. Its link works as a client reviewer's (clients/links.py): signed, expiring,
    revocable, the nonce hashed and kept encrypted so the owner can copy the link again."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="calendar_previews")
    name = models.CharField(_("for"), max_length=100)
    posts = models.ManyToManyField(Post, related_name="+", verbose_name=_("posts"))
    nonce_hash = models.CharField(max_length=64, editable=False)
    link_secret = EncryptedJSONField(blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar preview")
        verbose_name_plural = _("calendar previews")

    def __str__(self) -> str:
        return self.name

    def is_active(self, now=None) -> bool:
        return self.revoked_at is None and (now or timezone.now()) < self.expires_at
