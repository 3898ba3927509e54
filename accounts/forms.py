import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from accounts.models import Brand, User
from accounts.roles import Perm, Role, has_perm
from cm_platform.ids import ModelIdsField


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class TimeZoneField(forms.CharField):
    """A text field with the IANA names suggested by a datalist; the model validates the name."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("help_text", _("An IANA name such as Europe/Paris or America/Montreal."))
        super().__init__(**kwargs)
        self.widget.attrs.update({"list": "time-zones", "autocomplete": "off"})


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField(label=_("Time zone"), required=False)

    class Meta:
        model = User
        fields = ["display_name", "language", "time_zone", "daily_digest"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("The browser's language")), *settings.LANGUAGES]


class BrandForm(forms.ModelForm):
    time_zone = TimeZoneField(label=_("Time zone"), initial="Europe/Paris")
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP. It is re-encoded and its metadata removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )

    class Meta:
        model = Brand
        fields = ["name", "slug", "time_zone", "approval_required", "self_approval_forbidden", "logo"]
        help_texts = {"slug": _("Letters, digits and dashes; it appears in the brand's addresses.")}

    def validate_unique(self) -> None:
        """The service checks the slug under its transaction, with a message of its own."""


class BrandSettingsForm(BrandForm):
    class Meta(BrandForm.Meta):
        fields = [
            "name",
            "time_zone",
            "approval_required",
            "self_approval_forbidden",
            "internal_approvers",
            "client_approval_required",
            "client_link_days",
            "approval_reminder_hours",
            "two_approvals_for_statements",
            "logo",
        ]
        help_texts = {
            **BrandForm.Meta.help_texts,
            "internal_approvers": _("None chosen: every manager and owner approves."),
        }
        field_classes = {"internal_approvers": ModelIdsField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_link_days"].required = False  # empty: unchanged
        self.fields["approval_reminder_hours"].required = False  # empty: unchanged
        reviewers = [role for role in Role.values if has_perm(role, Perm.REVIEW)]
        approvers = User.objects.none()  # a brand not yet saved has no members
        if self.instance.pk:
            approvers = User.objects.filter(memberships__brand=self.instance, memberships__role__in=reviewers)
        self.fields["internal_approvers"].queryset = approvers.order_by("email")
        self.fields["internal_approvers"].widget = forms.CheckboxSelectMultiple(
            choices=self.fields["internal_approvers"].choices
        )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EDITOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)


class NewAccountForm(forms.Form):
    """The password form of an invited person who has no account yet."""

    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            try:
                validate_password(password1, User(email=self.email, display_name=cleaned.get("display_name", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


TIME_ZONES = _time_zone_choices()
