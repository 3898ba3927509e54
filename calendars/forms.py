from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calendars.models import Campaign, PostingSlot
from networks.models import NetworkAccount
from posts.timing import validate_day_in_range

# A 10,000-row file is about 2 MB; this leaves room and refuses anything absurd before decoding.
MAX_CSV_BYTES = min(settings.MAX_UPLOAD_BYTES, 10 * 1024 * 1024)


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "colour", "starts_on", "ends_on", "description"]
        widgets = {
            "colour": forms.TextInput(attrs={"type": "color"}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_on", "ends_on"):
            self.fields[name].validators.append(validate_day_in_range)


class PostingSlotForm(forms.ModelForm):
    class Meta:
        model = PostingSlot
        fields = ["account", "weekday", "local_time"]
        widgets = {"local_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args, brand, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = NetworkAccount.objects.filter(brand=brand)


class CSVUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: date, time, text, accounts, campaign, media_url. Comma or semicolon separated."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_CSV_BYTES // (1024 * 1024)}
            )
        return upload


class ImportConfirmForm(forms.Form):
    skip_bad_rows = forms.BooleanField(label=_("Skip the rows that have problems"), required=False)


class ExportForm(forms.Form):
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}), validators=[validate_day_in_range]
    )
    end = forms.DateField(
        label=_("To (included)"), widget=forms.DateInput(attrs={"type": "date"}), validators=[validate_day_in_range]
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
