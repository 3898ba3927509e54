import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from cm_platform.storage import RandomName


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone (for example Europe/Paris)."),
            params={"value": value},
            code="invalid_time_zone",
        )


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person. The email address is the login."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: the browser's language."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Your own time, shown beside the brand's when they differ."),
    )
    daily_digest = models.BooleanField(
        _("daily email digest"),
        default=False,
        help_text=_(
            "Each morning, one email with your unread notifications of the day before. "
            "Nothing is sent on a day without any."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]
    objects = UserManager()  # type: ignore[assignment,misc]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        return str(self)


class Brand(models.Model):
    """A brand (client, product, organisation) whose networks a team publishes to."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris", validators=[validate_time_zone])
    approval_required = models.BooleanField(
        _("approval required"),
        default=True,
        help_text=_("Posts go out only after a manager or an owner approved them."),
    )
    self_approval_forbidden = models.BooleanField(
        _("forbid approving one's own post"),
        default=True,
    )
    # The approval stages (posts/workflow.py: approval_stages): none, internal, or internal then
    # the client's, by link (clients/).
    client_approval_required = models.BooleanField(
        _("then the client approves"),
        default=False,
        help_text=_("After the internal approval, a client reviewer approves each post by link."),
    )
    # Named internal approvers: when any are named, only they approve (among the roles that may);
    # none named, every manager and owner may.
    internal_approvers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("internal approvers")
    )
    client_link_days = models.PositiveSmallIntegerField(
        _("client links valid for (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    # An approval waiting longer than this reminds its approvers, then the owners before the
    # post's time (posts/reminders.py); 0: no reminders.
    approval_reminder_hours = models.PositiveSmallIntegerField(
        _("remind approvers after (hours)"),
        default=24,
        validators=[MaxValueValidator(720)],
        help_text=_("0: no reminders."),
    )
    # Two distinct approvers at the internal stage for crisis statements (listening); campaigns
    # ask for it on their own (Campaign.two_approvals). The rule: posts/workflow.py.
    two_approvals_for_statements = models.BooleanField(
        _("two approvals for crisis statements"),
        default=False,
        help_text=_("A holding statement goes out only once two different managers approved it."),
    )
    logo = models.ImageField(_("logo"), upload_to=RandomName("brands/logos"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "brand"], name="one_membership_per_brand")]
        ordering = ["brand__name", "user__email"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.brand} · {self.get_role_display()}"


class Invitation(models.Model):
    """An invitation to join a brand. Its link is signed, expires, and works once."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EDITOR)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.brand}"
