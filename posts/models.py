import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Brand
from cm_platform.reasons import render
from cm_platform.storage import RandomName
from networks.models import NetworkAccount
from posts.content import PostContent


class Media(models.Model):
    """An uploaded image or video of a brand's library, decoded and cleaned before it is kept."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        VIDEO = "video", _("Video")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="media")
    # Stored under a random name with the verified type's extension (cm_platform/storage.py);
    # the uploaded name is kept in original_name, for display only.
    file = models.FileField(_("file"), upload_to=RandomName("media"))
    thumbnail = models.ImageField(_("thumbnail"), upload_to=RandomName("thumbs"), blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.IMAGE)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    alt_text = models.TextField(_("alt text"), blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("media")
        verbose_name_plural = _("media")

    def __str__(self) -> str:
        return self.original_name


class PostState(models.TextChoices):
    """The approval workflow (transitions: posts/workflow.py)."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    # Approved internally, waiting for the brand's client (Brand.client_approval_required).
    AWAITING_CLIENT = "awaiting_client", _("Awaiting the client")
    APPROVED = "approved", _("Approved")
    # Its time came before its approvals: never published; the author may edit and submit again.
    EXPIRED = "expired", _("Expired")


class DisplayStatus(models.TextChoices):
    """What the calendar shows: the workflow state, or how the delivery went."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    AWAITING_CLIENT = "awaiting_client", _("Awaiting the client")
    APPROVED = "approved", _("Approved")
    EXPIRED = "expired", _("Expired")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    NEEDS_CHECKING = "needs_checking", _("Needs checking")
    PARTLY_PUBLISHED = "partly_published", _("Partly published")

    @property
    def css_class(self) -> str:
        """The class that gives this status its colour wherever a post is shown (the calendar, the
        post list, the post page): the colours themselves are in static/css/app.css."""
        return f"cm-status-{self.value}"


class Post(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="posts")
    text = models.TextField(_("text"), blank=True)
    media = models.ManyToManyField(Media, through="PostMedia", blank=True, related_name="posts")
    campaign = models.ForeignKey(
        "calendars.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
        verbose_name=_("campaign"),
    )
    # Stored in UTC; entered and shown in the brand's time zone.
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, blank=True, db_index=True)
    state = models.CharField(_("state"), max_length=20, choices=PostState.choices, default=PostState.DRAFT)
    # When the post entered its state: how long an approval has been waiting (posts/reminders.py).
    state_since = models.DateTimeField(default=timezone.now)
    # The approval is bound to the exact content: a fingerprint of text, per-network texts,
    # media and accounts taken at approval (posts/workflow.py compares it on every save).
    approved_fingerprint = models.CharField(max_length=64, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking: a save names the version it started from; a stale one is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheduled_at", "pk"]
        indexes = [models.Index(fields=["brand", "scheduled_at"])]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return self.text[:60] or f"#{self.pk}"

    @property
    def content(self) -> PostContent:
        """What the post says as stored now. Prefetched `targets__account` and
        `postmedia_set__media` are used when present (a list of posts costs no query per post)."""
        targets = self._prefetched_or("targets", lambda: self.targets.select_related("account"))
        links = self._prefetched_or("postmedia_set", lambda: self.postmedia_set.select_related("media"))
        return PostContent(
            text=self.text,
            accounts=[target.account for target in targets],
            media=[link.media for link in sorted(links, key=lambda link: link.position)],
            target_texts={target.account_id: target.text for target in targets},
            campaign=self.campaign,
            scheduled_at=self.scheduled_at,
        )

    def _prefetched_or(self, name: str, query) -> list:
        if name in getattr(self, "_prefetched_objects_cache", {}):
            return list(getattr(self, name).all())
        return list(query())

    @property
    def display_status(self) -> str:
        """One word for the calendar's colours: the delivery once something happened, else the state.

        Reads `targets.all()`, so a prefetched list costs no query.
        """
        states = [t.state for t in self.targets.all() if t.state != TargetState.CANCELLED]
        if states and all(state == TargetState.PUBLISHED for state in states):
            return DisplayStatus.PUBLISHED
        if TargetState.NEEDS_CHECKING in states:
            return DisplayStatus.NEEDS_CHECKING
        if TargetState.PUBLISHED in states:
            return DisplayStatus.PARTLY_PUBLISHED
        if TargetState.FAILED in states:
            return DisplayStatus.FAILED
        return DisplayStatus(self.state)

    @property
    def display_status_label(self) -> str:
        return str(DisplayStatus(self.display_status).label)

    @property
    def display_status_class(self) -> str:
        return DisplayStatus(self.display_status).css_class


class PostMedia(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE)
    media = models.ForeignKey(Media, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["post", "media"], name="media_once_per_post")]

    def __str__(self) -> str:
        return f"{self.post_id}#{self.position}: {self.media_id}"


class TargetState(models.TextChoices):
    PENDING = "pending", _("Pending")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    # The request may or may not have gone out and the network cannot tell us: a person checks.
    NEEDS_CHECKING = "needs_checking", _("Needs checking")


def new_key() -> str:
    return uuid.uuid4().hex


class PostTarget(models.Model):
    """A post on one network account: its own text if any, and its delivery."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="targets")
    account = models.ForeignKey(NetworkAccount, on_delete=models.RESTRICT, related_name="targets")
    text = models.TextField(_("text for this network"), blank=True, help_text=_("Empty: the post's text."))
    state = models.CharField(max_length=20, choices=TargetState.choices, default=TargetState.PENDING)
    # Stable for this post on this account across every retry: the adapters' idempotency key.
    key = models.CharField(max_length=64, unique=True, default=new_key, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The claim of the worker publishing it; a claim whose lease expired is recovered.
    claim_id = models.CharField(max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # When the network was called under the current claim: past that instant the outcome of an
    # expired claim is unknown (publishing/dispatcher.py's sweep), before it nothing was sent.
    called_at = models.DateTimeField(null=True, blank=True)
    remote_id = models.CharField(max_length=300, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    lateness_seconds = models.FloatField(null=True, blank=True)
    error_kind = models.CharField(max_length=20, blank=True)
    # The reason as a code with its values (cm_platform/reasons.py), rendered in each reader's
    # language; last_error is the same words as written then, the rendering of older rows.
    last_error_code = models.JSONField(default=dict, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "account"], name="one_target_per_account")]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.post} → {self.account}"

    @property
    def effective_text(self) -> str:
        return self.text or self.post.text

    @property
    def error_text(self) -> str:
        """The last error in the reader's language (the active one)."""
        return render(self.last_error_code, self.last_error)


class MediaVariant(models.Model):
    """A copy of a media item that fits a network (size, format, bytes), made once and reused."""

    media = models.ForeignKey(Media, on_delete=models.CASCADE, related_name="variants")
    spec = models.CharField(max_length=100)  # e.g. "image/jpeg:5242880": format and byte limit
    file = models.FileField(upload_to=RandomName("variants"))
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["media", "spec"], name="one_variant_per_spec")]

    def __str__(self) -> str:
        return f"{self.media} [{self.spec}]"


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    EDITED = "edited", _("Edited")
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    BACK_TO_REVIEW = "back_to_review", _("Back to review after an edit")
    RESCHEDULED = "rescheduled", _("Time changed")
    UNSCHEDULED = "unscheduled", _("Time removed")
    DUPLICATED = "duplicated", _("Duplicated")
    CLIENT_APPROVED = "client_approved", _("Approved by the client")
    CLIENT_CHANGES_REQUESTED = "client_changes_requested", _("Changes requested by the client")
    EXPIRED = "expired", _("Expired without its approvals")
    # For the publishing engine's own records.
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Publishing failed")
    OTHER = "other", _("Other")


class PostEvent(models.Model):
    """The history of a post: every transition and every edit, who and when, before and after."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    text_before = models.TextField(blank=True)
    text_after = models.TextField(blank=True)
    scheduled_before = models.DateTimeField(null=True, blank=True)
    scheduled_after = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)
    # What else changed: per-network texts, accounts and media added or removed.
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.kind}"

    @property
    def note(self) -> str:
        """The event's note in the reader's language (the engine stores it as a code in
        details["note"]); older rows and people's words: the comment as written."""
        return render((self.details or {}).get("note"), self.comment)


class Comment(models.Model):
    """An internal comment on a post; @mentions of members notify them."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("comment"))
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class SavedText(models.Model):
    """A caption or a group of hashtags a brand's team reuses, inserted from the composer."""

    class Kind(models.TextChoices):
        CAPTION = "caption", _("Caption")
        HASHTAGS = "hashtags", _("Hashtags")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="saved_texts")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CAPTION)
    name = models.CharField(_("name"), max_length=80)
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["brand", "kind", "name"], name="saved_text_name_once")]
        verbose_name = _("saved text")
        verbose_name_plural = _("saved texts")

    def __str__(self) -> str:
        return self.name


class StageApproval(models.Model):
    """One approval at the internal stage of a post that needs two distinct approvers
    (posts/workflow.py: approvals_needed). Bound to the content approved; gone once the post
    leaves the stage, so a post sent back starts again."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="stage_approvals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="one_stage_approval_per_person")]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.user_id}"


class ReminderAudience(models.TextChoices):
    APPROVERS = "approvers", _("Internal approvers")
    CLIENT = "client", _("Client reviewers")
    OWNERS = "owners", _("Owners")


class ApprovalReminder(models.Model):
    """A reminder sent about one wait of a post (its state since `waiting_since`): stored in the
    transaction that tells people, and unique, so each reminder goes once whatever is retried."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reminders")
    waiting_since = models.DateTimeField()
    audience = models.CharField(max_length=20, choices=ReminderAudience.choices)
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["post", "waiting_since", "audience"], name="one_reminder_per_wait")
        ]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.audience} {self.waiting_since:%Y-%m-%d %H:%M}"
