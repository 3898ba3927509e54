"""The analytics page's filters (in the URL) and the report forms."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Brand
from analytics.models import Language, ReportSchedule
from analytics.selectors import PERIODS, Filters
from core.timing import validate_day_in_range


class AnalyticsFilterForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Period"),
        choices=[(n, _("Last %(days)d days") % {"days": n}) for n in PERIODS],
        coerce=int,
        required=False,
    )
    network = forms.ChoiceField(label=_("Network"), required=False)
    campaign = forms.TypedChoiceField(label=_("Campaign"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, brand: Brand, networks: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.brand = brand
        self.fields["network"].choices = [("", _("All networks")), *networks]  # type: ignore[attr-defined]
        campaigns = [(c.pk, c.name) for c in brand.campaigns.order_by("name")]
        self.fields["campaign"].choices = [  # type: ignore[attr-defined]
            ("", _("All campaigns")),
            (0, _("No campaign")),
            *campaigns,
        ]

    def filters(self) -> Filters:
        """The filters asked for; defaults for any field that was not valid (the page says which)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return Filters.last_days(
            self.brand, int(data.get("days") or 30), network=data.get("network") or "", campaign=data.get("campaign")
        )


def month_of(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


class ReportForm(forms.Form):
    """A report's period (a month by default: the last full month) and language."""

    start = forms.DateField(
        label=_("From"),
        required=False,
        validators=[validate_day_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        validators=[validate_day_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, required=False)

    def __init__(self, *args, brand: Brand, **kwargs):
        super().__init__(*args, **kwargs)
        self.brand = brand

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data.get("start") or not data.get("end"):
            today = timezone.now().astimezone(self.brand.tz).date()
            data["start"], data["end"] = month_of(today.replace(day=1) - timedelta(days=1))
        if data["end"] < data["start"]:
            self.add_error("end", _("The period ends before it starts."))
        elif (data["end"] - data["start"]).days > 366:
            self.add_error("end", _("A report covers at most a year."))
        data["language"] = data.get("language") or Language.FRENCH
        return data

    def filters(self) -> Filters:
        return Filters(start=self.cleaned_data["start"], end=self.cleaned_data["end"])


class ReportScheduleForm(forms.ModelForm):
    class Meta:
        model = ReportSchedule
        fields = ["every", "language", "recipients"]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 3})}

    def clean_recipients(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["recipients"].splitlines() if line.strip()]
        validate = forms.EmailField().clean
        for line in lines:
            try:
                validate(line)
            except forms.ValidationError:
                raise forms.ValidationError(_("%(address)s is not an email address.") % {"address": line}) from None
        if not lines:
            raise forms.ValidationError(_("Give at least one email address."))
        return "\n".join(lines)


class ShareLinkForm(ReportForm):
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=90, initial=14)
