"""Forms of the crisis pause and the overdue list. Times are typed in the brand's zone."""

from django import forms
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.timing import wall_time_to_utc
from publishing.pause import pause_of


class BrandTimeField(forms.DateTimeField):
    """A wall time in the brand's zone (set by the form), turned into one exact instant."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
        super().__init__(*args, **kwargs)
        self.zone = None

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None or self.zone is None:
            return moment
        return wall_time_to_utc(moment.date(), moment.time(), self.zone)


class BrandTimeForm(forms.Form):
    def __init__(self, *args, brand, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, BrandTimeField):
                field.zone = brand.tz
                field.help_text = _("In the brand's time zone (%(zone)s).") % {"zone": brand.time_zone}


class PauseForm(BrandTimeForm):
    reason = forms.CharField(
        label=_("Why pause?"),
        max_length=300,
        help_text=_("Your team sees it on every page of the brand while publishing is paused."),
    )
    resume_at = BrandTimeField(label=_("Resume automatically at"), required=False)

    @staticmethod
    def initial_for(brand) -> dict:
        """A pause being changed starts from its reason and time (a wall time of the brand)."""
        pause = pause_of(brand)
        if pause is None:
            return {}
        resume_at = pause.resume_at.astimezone(brand.tz).replace(tzinfo=None) if pause.resume_at else None
        return {"reason": pause.reason, "resume_at": resume_at}


class OverdueDecisionForm(BrandTimeForm):
    class Action(models.TextChoices):
        RESCHEDULE = "reschedule", _("Reschedule")
        PUBLISH_NOW = "publish_now", _("Publish now")
        CANCEL = "cancel", _("Cancel")

    action = forms.ChoiceField(label=_("Decision"), choices=Action.choices)
    scheduled_at = BrandTimeField(label=_("New time"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == self.Action.RESCHEDULE and not data.get("scheduled_at"):
            self.add_error("scheduled_at", _("Choose the new time."))
        return data


class ResolveForm(forms.Form):
    published = forms.TypedChoiceField(
        label=_("Is the post on the network?"),
        choices=[("yes", _("Yes, it is published")), ("no", _("No, it is not there"))],
        coerce=lambda value: value == "yes",
    )
    url = forms.URLField(
        label=_("Its address on the network"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],  # it becomes a link on the post's page
    )
