"""Numbers read back from the networks, kept as time series, and their daily rollups.

- `MetricSnapshot`: one metric of one published target at one slot after publishing (1 h, 6 h,
  24 h, 3 days, 7 days, 30 days): a number, or no number and the gap's reason. Once per
  (target, slot, metric): a collection that runs twice stores nothing the second time.
- `SnapshotSchedule`: the due-snapshot table beat's dispatcher reads (one row per published
  target of a network that gives metrics: its next slot and when it is due).
- `AccountSnapshot`: an account's followers, once a day.
- `DailyRollup` and `HourRollup`: sums kept up to date as snapshots arrive, so pages and reports
  never scan snapshots. A target's numbers count on the day (and the weekday and hour) it was
  published, in the brand's zone; each row holds the sum of its targets' latest numbers and how
  many targets gave one (`count`): a metric no target gave has no row, "not available", not 0.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Brand
from networks.models import NetworkAccount
from posts.models import PostTarget


class Slot(models.IntegerChoices):
    """When a post's counters are read: hours after it was published."""

    H1 = 1, _("1 hour")
    H6 = 6, _("6 hours")
    H24 = 24, _("24 hours")
    D3 = 72, _("3 days")
    D7 = 168, _("7 days")
    D30 = 720, _("30 days")


# What rollups hold besides the networks' own metrics (networks.capabilities.metrics.Metric):
# engagement, and the engagement of the targets whose network gives their reach (the numerator
# of the engagement rate, so a rate never divides one set of posts by another).
ENGAGEMENT = "engagement"
ENGAGEMENT_WITH_REACH = "engagement_reached"


class MetricSnapshot(models.Model):
    target = models.ForeignKey(PostTarget, on_delete=models.CASCADE, related_name="metric_snapshots")
    slot = models.PositiveSmallIntegerField(choices=Slot.choices)
    metric = models.CharField(max_length=20)
    value = models.BigIntegerField(null=True, blank=True)  # None: see `gap`
    gap = models.CharField(max_length=20, blank=True)  # a GapReason when value is None
    detail = models.CharField(max_length=300, blank=True)
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "slot", "metric"], name="one_snapshot_per_target_slot_metric")
        ]

    def __str__(self) -> str:
        return f"{self.target_id}@{self.slot}h {self.metric}={self.value if self.value is not None else self.gap}"


class SnapshotSchedule(models.Model):
    """The next snapshot due for a published target; `next_slot` None once the last is taken."""

    target = models.OneToOneField(PostTarget, on_delete=models.CASCADE, related_name="snapshot_schedule")
    account = models.ForeignKey(NetworkAccount, on_delete=models.CASCADE, related_name="+")
    # The target's brand and publishing time, copied: top posts are read from this table alone.
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    published_at = models.DateTimeField()
    next_slot = models.PositiveSmallIntegerField(choices=Slot.choices, null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    claim_id = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # The latest number of each metric ({"likes": 12}): what the rollups hold for this target,
    # so a new snapshot adds its difference without reading older snapshots.
    latest = models.JSONField(default=dict, blank=True)
    engagement = models.BigIntegerField(null=True, blank=True)  # latest["engagement"]: top posts

    class Meta:
        indexes = [
            models.Index(fields=["due_at"], name="schedule_due"),
            models.Index(fields=["brand", "published_at"], name="schedule_brand_published"),
        ]

    def __str__(self) -> str:
        return f"{self.target_id}: {self.next_slot}h at {self.due_at}"


class AccountSnapshot(models.Model):
    account = models.ForeignKey(NetworkAccount, on_delete=models.CASCADE, related_name="metric_snapshots")
    day = models.DateField()  # in the brand's zone
    metric = models.CharField(max_length=20)
    value = models.BigIntegerField(null=True, blank=True)
    gap = models.CharField(max_length=20, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "day", "metric"], name="one_account_snapshot_per_day")
        ]
        indexes = [models.Index(fields=["account", "metric", "day"], name="account_snapshot_series")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.day} {self.metric}={self.value}"


class DailyRollup(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()  # the day the targets were published, in the brand's zone
    network = models.CharField(max_length=30)
    campaign_key = models.PositiveIntegerField(default=0)  # the campaign's id; 0: none
    metric = models.CharField(max_length=20)
    total = models.BigIntegerField(default=0)
    count = models.PositiveIntegerField(default=0)  # targets that gave a number

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "day", "network", "campaign_key", "metric"], name="one_daily_rollup_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.brand_id} {self.day} {self.network} {self.metric}={self.total}/{self.count}"


class HourRollup(models.Model):
    """The same sums by weekday (0 = Monday) and hour of publishing: the best-hours heatmap."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(max_length=30)
    weekday = models.PositiveSmallIntegerField()
    hour = models.PositiveSmallIntegerField()
    metric = models.CharField(max_length=20)
    total = models.BigIntegerField(default=0)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "network", "weekday", "hour", "metric"], name="one_hour_rollup_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.brand_id} {self.weekday}/{self.hour} {self.metric}={self.total}"


class Language(models.TextChoices):
    FRENCH = "fr", "Français"
    ENGLISH = "en", "English"


class ReportSchedule(models.Model):
    """A report emailed to chosen people every month (on the 1st) or every week (on Mondays)."""

    class Every(models.TextChoices):
        MONTH = "month", _("Every month, on the 1st")
        WEEK = "week", _("Every week, on Monday")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="report_schedules")
    every = models.CharField(_("how often"), max_length=10, choices=Every.choices, default=Every.MONTH)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.FRENCH)
    recipients = models.TextField(_("recipients"), help_text=_("Email addresses, one per line."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.brand_id} {self.every}"

    @property
    def recipient_list(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class ReportDelivery(models.Model):
    """A schedule's report for one period, sent once: the row is made before sending."""

    schedule = models.ForeignKey(ReportSchedule, on_delete=models.CASCADE, related_name="deliveries")
    period_start = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["schedule", "period_start"], name="one_delivery_per_period")]

    def __str__(self) -> str:
        return f"{self.schedule_id} {self.period_start}"


class ShareLink(models.Model):
    """A signed link to a brand's report for a period, readable without an account until it
    expires or is revoked."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="report_links")
    period_start = models.DateField()
    period_end = models.DateField()  # inclusive
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.FRENCH)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.brand_id} {self.period_start}..{self.period_end}"
