from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calendars.models import Campaign, PostingSlot
from core.timing import validate_day_in_range
from networks.models import NetworkAccount


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "colour", "starts_on", "ends_on", "description", "two_approvals"]
        widgets = {
            "colour": forms.TextInput(attrs={"type": "color"}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, sets_approvals: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_on", "ends_on"):
            self.fields[name].validators.append(validate_day_in_range)
        if not sets_approvals:  # the brand's owners set how many approve; writers see it as it is
            del self.fields["two_approvals"]


class PostingSlotForm(forms.ModelForm):
    class Meta:
        model = PostingSlot
        fields = ["account", "weekday", "local_time"]
        widgets = {"local_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args, brand, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = NetworkAccount.objects.filter(brand=brand)


class CSVUploadForm(forms.Form):
    # Its size limit (settings.MAX_CSV_UPLOAD_BYTES) is the upload gate's (cm_platform/uploads.py).
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: date, time, text, accounts, campaign, media_url (or their French names). "
            "Comma or semicolon separated."
        ),
    )


class ImportConfirmForm(forms.Form):
    skip_bad_rows = forms.BooleanField(label=_("Skip the rows that have problems"), required=False)
    import_present = forms.BooleanField(label=_("Import the rows already in the calendar again"), required=False)


class ExportForm(forms.Form):
    # A date input's value is always ISO: the French "02/12/2026" would leave the picker empty.
    start = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_day_in_range],
    )
    end = forms.DateField(
        label=_("To (included)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_day_in_range],
    )

    MAX_DAYS = 366

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["start"].initial = today
        self.fields["end"].initial = today + timedelta(days=30)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end is before the start."))
        elif start and end and (end - start).days > self.MAX_DAYS:
            self.add_error("end", _("Export at most one year at a time."))
        return data
