"""The inbox: conversations around the brand's posts or mentions of it, their messages (theirs
and ours, each stored once), notes, replies on their way out, and who did what.

States move only through inbox/states.py; every write is a service in inbox/services.py.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Brand
from core.sentiment import Label
from inbox.hours import DEFAULT_HOURS, BusinessHours
from networks.capabilities.conversations import MessageKind
from networks.models import NetworkAccount
from posts.models import PostTarget


def _person() -> models.ForeignKey:
    """Who did something, kept as None when that person's account is deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class ConversationState(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    WAITING = "waiting", _("Waiting for them")
    RESOLVED = "resolved", _("Resolved")
    SPAM = "spam", _("Spam")
    ARCHIVED = "archived", _("Archived")


class Priority(models.IntegerChoices):
    LOW = 0, _("Low")
    NORMAL = 1, _("Normal")
    HIGH = 2, _("High")
    URGENT = 3, _("Urgent")


def default_business_hours() -> dict[str, list[str]]:
    return {day: list(hours) for day, hours in DEFAULT_HOURS.items()}


class InboxSettings(models.Model):
    """A brand's inbox settings (kept here, not on Brand: the inbox owns its rules)."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="inbox_settings")
    replies_need_approval = models.BooleanField(
        _("editors' replies wait for a manager's approval"),
        default=False,
        help_text=_("Replies always wait for approval while publishing is paused."),
    )
    # A first answer is due this many business minutes after their message (inbox/hours.py).
    response_target_minutes = models.PositiveIntegerField(_("response target (business minutes)"), default=60)
    # {"0": ["09:00", "18:00"], ...}: weekday (0 is Monday) -> opening and closing, brand's zone.
    business_hours = models.JSONField(_("business hours"), default=default_business_hours)

    def __str__(self) -> str:
        return f"inbox settings of {self.brand_id}"

    def hours(self) -> BusinessHours:
        return BusinessHours.of(self.brand.time_zone, self.business_hours)


class SavedReply(models.Model):
    """A reply the brand writes once and uses often; {variables} are filled in for each person
    (inbox/saved_replies.py lists them, in French and English)."""

    class Language(models.TextChoices):
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="saved_replies")
    title = models.CharField(_("title"), max_length=100)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.FRENCH)
    text = models.TextField(_("text"))
    created_by = _person()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["language", "title"]
        constraints = [models.UniqueConstraint(fields=["brand", "language", "title"], name="one_saved_reply_per_title")]

    def __str__(self) -> str:
        return self.title


class Tag(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="inbox_tags")
    name = models.CharField(_("tag"), max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), "brand", name="one_inbox_tag_per_name")]

    def __str__(self) -> str:
        return self.name


class TriageRule(models.Model):
    """When a message from them matches every condition given (keyword, author, network,
    sentiment), its conversation gets the rule's tag, assignee, priority, or goes to spam.
    Applied once, when the message is stored (inbox/triage.py matches, services apply)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="triage_rules")
    name = models.CharField(_("name"), max_length=100)
    keyword = models.CharField(_("keyword"), max_length=100, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)  # a handle, "@" or not
    network = models.CharField(_("network"), max_length=30, blank=True)  # an adapter slug
    sentiment = models.CharField(_("sentiment"), max_length=10, blank=True)  # core.sentiment.Label
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, null=True, blank=True)
    mark_spam = models.BooleanField(_("mark as spam"), default=False)
    created_by = _person()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Conversation(models.Model):
    """A thread under one of the brand's published posts, or around a mention of the brand."""

    class Kind(models.TextChoices):
        POST = "post", _("Replies to a post")
        MENTION = "mention", _("Mention")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="conversations")
    account = models.ForeignKey(NetworkAccount, on_delete=models.CASCADE, related_name="conversations")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The remote id the thread hangs from: our post's, or the mention's own.
    root_remote_id = models.CharField(max_length=300)
    root_target = models.ForeignKey(
        PostTarget, null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ConversationState.choices, default=ConversationState.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    tags = models.ManyToManyField(Tag, blank=True, related_name="conversations")
    # Kept with each message stored so the list reads one row per conversation.
    last_message_at = models.DateTimeField(db_index=True)
    last_message_text = models.CharField(max_length=300, blank=True)
    last_author = models.CharField(max_length=200, blank=True)
    message_count = models.PositiveIntegerField(default=0)
    # Of their latest message (core.sentiment.Label), so the list filters without a join.
    sentiment = models.CharField(_("sentiment"), max_length=10, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    # Business seconds from their first message to our first answer (inbox/hours.py).
    first_response_seconds = models.FloatField(null=True, blank=True)
    # While they wait for us: when the brand's response target runs out.
    reply_due_at = models.DateTimeField(null=True, blank=True)
    # When its assignee (else the managers) was told that reply_due_at comes: once per clock.
    due_warned_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["account", "root_remote_id"], name="one_conversation_per_root")]
        indexes = [
            models.Index(fields=["brand", "state", "-last_message_at"]),
            models.Index(fields=["brand", "-last_message_at"]),
            models.Index(fields=["brand", "assignee"]),
            models.Index(fields=["brand", "sentiment", "-last_message_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.last_author}: {self.last_message_text[:40]}"

    @property
    def is_open(self) -> bool:
        return self.state in (ConversationState.NEW, ConversationState.ASSIGNED)


class Message(models.Model):
    """A message of a conversation, stored once per account and remote id, text as received."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    account = models.ForeignKey(NetworkAccount, on_delete=models.CASCADE, related_name="+")
    remote_id = models.CharField(max_length=300)
    ours = models.BooleanField(default=False)
    kind = models.CharField(max_length=10, choices=[(k.value, k.value) for k in MessageKind])
    author_handle = models.CharField(max_length=200)
    author_name = models.CharField(max_length=200, blank=True)
    author_avatar_url = models.CharField(max_length=500, blank=True)  # http(s) only, checked on the way in
    text = models.TextField()
    created_at = models.DateTimeField()  # on the network
    received_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    url = models.CharField(max_length=500, blank=True)  # http(s) only
    in_reply_to = models.CharField(max_length=300, blank=True)
    # core.sentiment.Label for theirs, read when stored and correctable by hand; "" for ours.
    sentiment = models.CharField(_("sentiment"), max_length=10, blank=True)
    # Stored, not yet through the brand's triage rules: whoever stored it applies them, once.
    triage_pending = models.BooleanField(default=False)
    sent_by = _person()
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = _person()
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = _person()
    moderation_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["account", "remote_id"], name="message_stored_once")]
        indexes = [models.Index(fields=["conversation", "created_at"])]

    def __str__(self) -> str:
        return f"{self.author_handle}: {self.text[:40]}"


class Note(models.Model):
    """An internal note on a conversation; members it @mentions are told."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("note"))
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class ReplyState(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Waiting for approval")
    PENDING = "pending", _("About to be sent")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # The network may or may not have it and cannot tell us: a person looks.
    NEEDS_CHECKING = "needs_checking", _("Needs checking")
    DECLINED = "declined", _("Declined")


def new_key() -> str:
    return uuid.uuid4().hex


class Reply(models.Model):
    """A reply written on the desk, on its way to the network exactly once (inbox/sending.py)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="replies")
    in_reply_to = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("reply"))
    state = models.CharField(max_length=20, choices=ReplyState.choices)
    # Stable across every retry: the network's idempotency key where it has one.
    key = models.CharField(max_length=64, unique=True, default=new_key, editable=False)
    claim_id = models.CharField(max_length=64, blank=True)
    called = models.BooleanField(default=False)  # the network was called under the current claim
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    approved_by = _person()
    approved_at = models.DateTimeField(null=True, blank=True)
    message = models.OneToOneField(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="reply")
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return self.text[:60]


class EventKind(models.TextChoices):
    OPENED = "opened", _("Conversation started")
    REOPENED = "reopened", _("Reopened by a new message")
    STATE = "state", _("State changed")
    ASSIGNED = "assigned", _("Assigned")
    TAGS = "tags", _("Tags changed")
    PRIORITY = "priority", _("Priority changed")
    NOTE = "note", _("Note added")
    REPLY_WRITTEN = "reply_written", _("Reply written")
    REPLY_APPROVED = "reply_approved", _("Reply approved")
    REPLY_DECLINED = "reply_declined", _("Reply declined")
    REPLY_SENT = "reply_sent", _("Reply sent")
    REPLY_FAILED = "reply_failed", _("Reply not sent")
    HIDDEN = "hidden", _("Message hidden")
    DELETED = "deleted", _("Message deleted")
    SENTIMENT = "sentiment", _("Sentiment corrected")


class Event(models.Model):
    """The history of a conversation: who did what, when (None: the desk itself)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    before = models.CharField(max_length=200, blank=True)
    after = models.CharField(max_length=200, blank=True)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.conversation_id}: {self.kind}"

    @property
    def after_display(self) -> str:
        """What it became, in words: a state's label rather than its code."""
        if self.kind in (EventKind.STATE, EventKind.REOPENED, EventKind.REPLY_SENT):
            return str(ConversationState(self.after).label) if self.after in ConversationState.values else self.after
        if self.kind == EventKind.SENTIMENT and self.after in [label.value for label in Label]:
            return Label(self.after).verbose
        if self.kind == EventKind.REPLY_FAILED and self.after in ReplyState.values:
            return str(ReplyState(self.after).label)
        return self.after
