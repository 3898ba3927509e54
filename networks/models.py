from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Brand
from core.crypto import EncryptedJSONField


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
    # Networks that bill reads (X): how many the brand pays for each month; 0 turns reads off.
    monthly_read_budget = models.PositiveIntegerField(
        _("reads per month"),
        default=0,
        help_text=_("Calls that read (mentions, search, metrics) this account may make each month; 0: none."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["network", "display_name"]
        verbose_name = _("network account")
        verbose_name_plural = _("network accounts")

    def __str__(self) -> str:
        """The account as people read it: its name and its network's name ("Web feed"), never
        the slug ("webfeed"): it labels choices, filters and messages."""
        return f"{self.display_name} ({self.network_name})"

    def __repr__(self) -> str:
        return f"<NetworkAccount {self.pk} {self.network}>"  # never the credentials

    @property
    def network_name(self) -> str:
        try:
            return str(self.adapter_class.name)
        except LookupError:  # a network whose adapter was removed: the slug is all we have
            return self.network

    @property
    def adapter_class(self):
        from networks.registry import get_adapter_class  # noqa: PLC0415 — cycle: the registry imports adapters, which import these models

        return get_adapter_class(self.network)

    def adapter(self):
        return self.adapter_class(self)


class MastodonApp(models.Model):
    """Our OAuth application on one Mastodon instance, registered once (POST /api/v1/apps).

    Keyed by instance and redirect URI: a site moved to another address registers again.
    """

    instance_url = models.URLField(max_length=300)
    redirect_uri = models.URLField(max_length=500)
    client_id = models.CharField(max_length=200)
    # {"client_secret": ...}: encrypted like account credentials.
    secrets = EncryptedJSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instance_url", "redirect_uri"], name="one_mastodon_app_per_instance")
        ]

    def __str__(self) -> str:
        return self.instance_url

    def __repr__(self) -> str:
        return f"<MastodonApp {self.pk} {self.instance_url}>"


class FeedEntry(models.Model):
    """A post published on a brand's web feed (its public page and Atom feed)."""

    account = models.ForeignKey(NetworkAccount, on_delete=models.CASCADE, related_name="feed_entries")
    # The publish key: a repeat of the same post finds its entry instead of adding one.
    key = models.CharField(max_length=64, unique=True)
    text = models.TextField()
    # [{"url": ..., "alt_text": ..., "content_type": ...}]
    media = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("feed entry")
        verbose_name_plural = _("feed entries")

    def __str__(self) -> str:
        return self.text[:60]


class MetricsState(models.Model):
    """How reading an account's numbers goes (analytics collects them): when its followers are
    next due, a pause a rate limit asked for, and the last error, shown on the Networks page."""

    account = models.OneToOneField(NetworkAccount, on_delete=models.CASCADE, related_name="metrics_state")
    followers_due_at = models.DateTimeField(null=True, blank=True)
    # No read of this account before this time (a 429's reset, or a back-off after an error).
    paused_until = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)  # a followers read in flight
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"metrics of {self.account_id}"


class ReadState(models.Model):
    """How far the desk has read one capability of an account (its conversations, ...).

    The cursor is the adapter's own (opaque) and moves only in the transaction that stored what
    it read up to. Pollers claim the row (claim_id + lease) so one account is read by one worker
    at a time; a worker that dies leaves a lease that expires.
    """

    account = models.ForeignKey(NetworkAccount, on_delete=models.CASCADE, related_name="read_states")
    capability = models.CharField(max_length=30)  # a networks.base.Capability
    cursor = models.TextField(blank=True)
    next_read_at = models.DateTimeField(null=True, blank=True)  # None: as soon as possible
    claim_id = models.CharField(max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(_("last read"), null=True, blank=True)
    last_error = models.TextField(_("last read error"), blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)  # in a row, for the backoff

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "capability"], name="one_read_state_per_capability")]
        indexes = [models.Index(fields=["capability", "next_read_at"])]

    def __str__(self) -> str:
        return f"{self.account_id}:{self.capability}"


class RateBudget(models.Model):
    """What an account (or our app, on a network that limits it as a whole) spent of one of its
    network's documented limits in the current window, and until when the network paused it.

    One row per account and kind of call ("calls", "media", "posts", "reads"), written only by
    networks/budget.py with compare-and-set UPDATEs, so every worker on every machine shares it.
    """

    key = models.CharField(max_length=80, unique=True)  # "<account id>:<kind>" or "app:<network>:<kind>"
    account = models.ForeignKey(NetworkAccount, null=True, blank=True, on_delete=models.CASCADE, related_name="budgets")
    network = models.CharField(max_length=30)
    kind = models.CharField(max_length=20)
    limit = models.PositiveIntegerField(default=0)  # as last declared (the pages show it)
    seconds = models.PositiveIntegerField(default=0)  # the window's length; 0: a calendar month
    window = models.BigIntegerField(default=-1)  # which window `used` counts (see budget.window_of)
    used = models.PositiveIntegerField(default=0)
    # A 429 (or a reset header with nothing left) pauses every call of the account until then.
    paused_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rate budget")
        verbose_name_plural = _("rate budgets")

    def __str__(self) -> str:
        return self.key
