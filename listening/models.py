"""Listening: saved searches, the sources read for them, mentions, spike alerts, the crisis room."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Brand
from listening.expressions import Document, Node, compile_expression, fold


class SavedSearch(models.Model):
    """What a brand listens for: an expression (listening/expressions.py), languages, authors left out."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(_("name"), max_length=100)
    expression = models.TextField(
        _("expression"),
        help_text=_('Words, "exact phrases" and #hashtags with AND, OR, NOT and parentheses.'),
    )
    # Language codes ("fr", "en"); empty: every language. A mention whose language is unknown passes.
    languages = models.JSONField(_("languages"), default=list, blank=True)
    # Handles or names, folded (listening.expressions.fold); their mentions are not kept.
    excluded_authors = models.JSONField(_("excluded authors"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The last spike alert: none other for LISTENING_ALERT_COOLDOWN seconds (listening/alerts.py).
    last_alert_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return self.name

    def matcher(self) -> Node:
        return compile_expression(self.expression)

    def matches(self, doc: Document, *, language: str, author: str, compiled: Node | None = None) -> bool:
        if self.languages and language and language[:2].lower() not in self.languages:
            return False
        if author and fold(author).lstrip("@") in self.excluded_authors:
            return False
        return (compiled or self.matcher()).matches(doc)


class SourceKind(models.TextChoices):
    FEED = "feed", _("RSS or Atom feed")
    # The demo's own feed, read from a file shipped with the code; only `manage.py demo` makes one
    # (no form offers it), so no user-typed address ever reaches the file system.
    DEMO_FILE = "demo_file", _("Demo feed")
    # A connected account's search (networks/capabilities/search.py: Bluesky's searchPosts), run
    # with one saved search's expression turned into the network's query (listening/network_search.py).
    NETWORK_SEARCH = "network_search", _("Network search")


class Source(models.Model):
    """Where mentions are read: a feed the community manager adds (more kinds to come: network searches).

    Polling state lives here (the database says what is due; see listening/collect.py): a claim
    with a lease, the validators of the last answer (ETag, Last-Modified) for conditional GETs,
    and what a person needs to see: the last error and when it last worked.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="listening_sources")
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices, default=SourceKind.FEED)
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("address (URL)"), max_length=500, blank=True)  # blank for the demo file
    interval = models.PositiveIntegerField(_("read every (seconds)"), default=300)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Polling.
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    claim_id = models.CharField(max_length=40, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    # What people see.
    last_polled_at = models.DateTimeField(_("last read"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last worked"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    failure_notified_at = models.DateTimeField(null=True, blank=True)
    items_seen = models.PositiveIntegerField(default=0)
    # NETWORK_SEARCH: whose search, for which saved search, and where the last read stopped (the
    # adapter's cursors, one per query), moved in the transaction that stores what it covers.
    account = models.ForeignKey(
        "networks.NetworkAccount",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="listening_sources",
    )
    search = models.ForeignKey(
        SavedSearch,
        verbose_name=_("saved search"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="network_sources",
    )
    cursor = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name


class Mention(models.Model):
    """Something said about the brand, stored once per brand whatever the sources that carry it:
    unique per (network, id on the network) and per normalised address."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="mentions")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentions")
    network = models.CharField(_("network"), max_length=30)  # "web" for feeds, else an adapter slug
    remote_id = models.CharField(max_length=500, blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)  # http(s) only
    url_key = models.CharField(max_length=1000, blank=True)  # listening.collect.url_key(url)
    author = models.CharField(_("author"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    text = models.TextField(_("text"))  # as received, HTML turned into text; shown escaped
    language = models.CharField(_("language"), max_length=10, blank=True)
    sentiment = models.CharField(_("sentiment"), max_length=10, db_index=True)  # core.sentiment.Label
    polarity = models.FloatField(default=0.0)
    reach = models.PositiveIntegerField(_("reach"), null=True, blank=True)  # when the source gives it
    published_at = models.DateTimeField(_("published at"))
    collected_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    searches = models.ManyToManyField(SavedSearch, through="MentionMatch", related_name="mentions")
    # Opened in the inbox (listening/crisis.py): where its answers are written and sent.
    conversation = models.ForeignKey(
        "inbox.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="mentions"
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "network", "remote_id"],
                condition=~models.Q(remote_id=""),
                name="mention_once_per_network_id",
            ),
            models.UniqueConstraint(
                fields=["brand", "url_key"], condition=~models.Q(url_key=""), name="mention_once_per_url"
            ),
        ]
        indexes = [models.Index(fields=["brand", "-published_at", "-id"], name="mention_brand_time")]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")

    def __str__(self) -> str:
        return self.title or self.text[:60]


class MentionMatch(models.Model):
    """A mention found by a saved search (a mention may answer several)."""

    search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="match_rows")
    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="match_rows")
    published_at = models.DateTimeField()  # the mention's, copied: the mentions page filters by search and time

    class Meta:
        constraints = [models.UniqueConstraint(fields=["search", "mention"], name="match_once")]
        indexes = [models.Index(fields=["search", "-published_at"], name="match_search_time")]

    def __str__(self) -> str:
        return f"{self.search_id}: {self.mention_id}"


class MentionHourly(models.Model):
    """How many mentions a search found in one hour (UTC), and how many were negative.

    Updated on each insert, so spike detection reads at most 8 x 1 rows per search (this hour and
    the same hour of the 7 days before), whatever the length of the history.
    """

    search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="hourly")
    hour = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["search", "hour"], name="one_counter_per_hour")]

    def __str__(self) -> str:
        return f"{self.search_id} {self.hour:%Y-%m-%d %H}h: {self.count}"


class MentionTag(models.Model):
    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("tag"), max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["mention", "name"], name="tag_once")]
        indexes = [models.Index(fields=["name", "mention"], name="tag_name")]

    def __str__(self) -> str:
        return self.name


class AlertReason(models.TextChoices):
    VOLUME = "volume", _("Volume")
    NEGATIVE = "negative", _("Negative share")


class Alert(models.Model):
    """A spike: the last hour of a saved search well above its own baseline, with the numbers why."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="listening_alerts")
    search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="alerts")
    reason = models.CharField(max_length=10, choices=AlertReason.choices)
    created_at = models.DateTimeField(default=timezone.now)
    count = models.PositiveIntegerField()  # mentions in the hour before created_at
    negative = models.PositiveIntegerField()
    usual_mean = models.FloatField()  # the same hour of the 7 days before
    usual_std = models.FloatField()
    usual_negative_share = models.FloatField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return self.why()

    @property
    def negative_share(self) -> float:
        return self.negative / self.count if self.count else 0.0

    def why(self) -> str:
        """The reason in numbers, in the active language ("42 mentions in the last hour, usually 3 ± 2; ...")."""
        return gettext(
            "%(count)d mentions in the last hour, usually %(mean).0f ± %(std).0f; %(negative).0f %% negative"
            " (usually %(usual_negative).0f %%)"
        ) % {
            "count": self.count,
            "mean": self.usual_mean,
            "std": self.usual_std,
            "negative": 100 * self.negative_share,
            "usual_negative": 100 * self.usual_negative_share,
        }


# --- the crisis room ---------------------------------------------------------------------------
class Incident(models.Model):
    """A crisis, one page: opened from an alert or by a manager, the brand's publishing paused
    meanwhile; closing it writes the summary for management (listening/crisis.py)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="incidents")
    title = models.CharField(_("title"), max_length=200)
    # Words as typed: a mention or an inbox message holding any of them is the incident's (they
    # narrow the room's mentions and conversations).
    words = models.JSONField(_("words"), default=list)
    alert = models.ForeignKey(Alert, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Written once, at closing (listening.crisis.incident_summary): what management reads.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            # The pause is the brand's: one crisis at a time, or closing one would resume another's pause.
            models.UniqueConstraint(
                fields=["brand"], condition=models.Q(closed_at__isnull=True), name="one_open_incident"
            )
        ]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Statement(models.Model):
    """A holding statement: written in the room (from one of the brand's saved texts), then
    approved by a manager, which publishes it at once through the engine as an ordinary post.
    The post is the statement's one delivery: the engine sends each of its targets exactly once.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="statements")
    text = models.TextField(_("statement"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # The first of two approvals, in a brand that asks two for its statements (the rule:
    # posts.workflow.approvals_needed); the second, by someone else, publishes it.
    first_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_approved_at = models.DateTimeField(null=True, blank=True)
    # Set once, under the statement's row lock, in the transaction that creates the post: a
    # second approval (a double click, a retried request) finds it and sends nothing.
    # publishing/rules.py lets such a post through the brand's pause.
    post = models.OneToOneField(
        "posts.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="crisis_statement"
    )

    class Meta:
        ordering = ["written_at", "pk"]
        verbose_name = _("holding statement")
        verbose_name_plural = _("holding statements")

    def __str__(self) -> str:
        return self.text[:60]


class IncidentAction(models.TextChoices):
    OPENED = "opened", _("Incident opened")
    PAUSED = "paused", _("Publishing paused")
    ASSIGNED = "assigned", _("Assigned")
    STATEMENT_WRITTEN = "statement_written", _("Holding statement written")
    STATEMENT_FIRST_APPROVAL = (
        "statement_first_approval",
        _("Holding statement approved once (a second approval needed)"),
    )
    STATEMENT_APPROVED = "statement_approved", _("Holding statement approved and published")
    CONVERSATION_OPENED = "conversation_opened", _("Mention opened in the inbox")
    REPLY = "reply", _("Reply written")
    HIDDEN = "hidden", _("Message hidden")
    CLOSED = "closed", _("Incident closed")
    RESUMED = "resumed", _("Publishing resumed")


class IncidentEvent(models.Model):
    """The incident's timeline: every action in the room, with its time and author."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=30, choices=IncidentAction.choices)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.action}"
