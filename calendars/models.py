import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Brand
from networks.models import NetworkAccount

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour such as #0d6efd."))


class Campaign(models.Model):
    """A named stretch of posts (a launch, a season): a coloured band on the calendar."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(_("name"), max_length=120)
    colour = models.CharField(_("colour"), max_length=7, default="#0d6efd", validators=[colour_validator])
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Its posts need two distinct approvers at the internal stage (posts/workflow.py); set by
    # the brand's owners only (calendars/forms.py).
    two_approvals = models.BooleanField(
        _("two approvals"),
        default=False,
        help_text=_("Each post of the campaign goes out only once two different managers approved it."),
    )

    class Meta:
        ordering = ["starts_on", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The campaign ends before it starts.")})


class Weekday(models.IntegerChoices):
    """Python's numbering (date.weekday()): Monday is 0."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class PostingSlot(models.Model):
    """A weekly time at which an account's queue publishes, as a wall time in the brand's zone.

    Stored as a local time, not an instant, so a 09:00 slot stays 09:00 across DST changes.
    """

    account = models.ForeignKey(
        NetworkAccount, on_delete=models.CASCADE, related_name="posting_slots", verbose_name=_("network account")
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    local_time = models.TimeField(_("time"))

    class Meta:
        ordering = ["account", "weekday", "local_time"]
        constraints = [
            models.UniqueConstraint(fields=["account", "weekday", "local_time"], name="one_slot_per_account_time")
        ]
        verbose_name = _("posting slot")
        verbose_name_plural = _("posting slots")

    def __str__(self) -> str:
        return f"{self.account} · {self.get_weekday_display()} {self.local_time:%H:%M}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class FeedToken(models.Model):
    """The secret in a brand's iCal feed URL. Revoking it makes the URL answer 404 for good."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="feed_tokens")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed link")
        verbose_name_plural = _("calendar feed links")

    def __str__(self) -> str:
        return f"{self.brand} · {self.created_by}"  # never the token

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


def row_is_present(row: dict) -> bool:
    """A checked import row that is already in the calendar, or repeats an earlier line of its file."""
    return not row["problems"] and bool(row.get("present") or row.get("repeats"))


class ImportJob(models.Model):
    """A CSV import: its checked rows, the user's choice, then the background run's progress and report."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(_("file name"), max_length=255)
    encoding = models.CharField(max_length=20)
    delimiter = models.CharField(max_length=1)
    # The parsed rows with what the preview found: [{"line", "values", "problems", "notes",
    # "present", "repeats"}] (calendars.csv_io.parse_upload).
    rows = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    # The person asked to import rows already in the calendar again (otherwise they are skipped).
    import_present = models.BooleanField(default=False)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    # Rows skipped or refused during the run: [{"line", "message"}].
    report = models.JSONField(default=list)
    # Where the created posts landed: {"YYYY-MM": count} in the brand's zone, for the report's links.
    landed = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("CSV import")
        verbose_name_plural = _("CSV imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.processed / self.total)

    @property
    def bad_row_count(self) -> int:
        return sum(1 for row in self.rows if row["problems"])

    @property
    def present_row_count(self) -> int:
        """Rows without problems that are already in the calendar (or repeat an earlier line)."""
        return sum(1 for row in self.rows if row_is_present(row))
