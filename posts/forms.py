"""The composer's form: what a person typed, turned into the arguments of posts.services.

Times are typed as a wall time in the brand's zone (core/timing.py refuses the ones that do not
exist or exist twice); every network rule is left to the services, which ask each adapter.
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Brand
from calendars.models import Campaign
from cm_platform.ids import IdField, ModelIdsField, parse_id, parse_ids
from core.timing import parse_wall_time, validate_day_in_range, wall_time_to_utc
from networks.models import AccountStatus, NetworkAccount
from posts.bulk import MAX_POSTS
from posts.content import PostContent
from posts.models import Media, Post, SavedText
from posts.workflow import Action as WorkflowAction


class AccountChoices(ModelIdsField):
    def label_from_instance(self, obj: NetworkAccount) -> str:
        label = f"{obj.display_name} · {obj.adapter_class.name}"
        if obj.status != AccountStatus.CONNECTED:  # it can be chosen, but nothing leaves until reconnected
            label += f" ({obj.get_status_display()})"
        return label


class PostForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "data-counted": "main"}),
    )
    accounts = AccountChoices(
        label=gettext_lazy("Network accounts"),
        queryset=NetworkAccount.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
    )
    media_ids = forms.CharField(required=False, widget=forms.HiddenInput)  # in order, comma-separated
    campaign = forms.ModelChoiceField(label=gettext_lazy("Campaign"), queryset=Campaign.objects.none(), required=False)
    day = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_day_in_range],
    )
    at = forms.TimeField(
        label=gettext_lazy("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    version = IdField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, brand: Brand, **kwargs):
        super().__init__(*args, **kwargs)
        self.brand = brand
        self.account_list = list(brand.network_accounts.exclude(status=AccountStatus.DISABLED))
        self.fields["accounts"].queryset = brand.network_accounts.exclude(status=AccountStatus.DISABLED)  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = Campaign.objects.filter(brand=brand)  # type: ignore[attr-defined]
        self.fields["day"].help_text = _("In the brand's time zone (%(zone)s).") % {"zone": brand.time_zone}
        for account in self.account_list:
            self.fields[f"target_{account.pk}"] = forms.CharField(
                label=_("Text for %(account)s") % {"account": account.display_name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 5, "data-counted": str(account.pk)}),
                help_text=_("Empty: the main text."),
            )

    @classmethod
    def initial_for(cls, post: Post) -> dict:
        content = post.content
        local = content.scheduled_at.astimezone(post.brand.tz) if content.scheduled_at else None
        initial = {
            "text": content.text,
            "accounts": [account.pk for account in content.accounts],
            "media_ids": ",".join(str(item.pk) for item in content.media),
            "campaign": getattr(content.campaign, "pk", None),
            "day": local.date() if local else None,
            "at": local.time().replace(second=0, microsecond=0) if local else None,
            "version": post.version,
        }
        initial.update({f"target_{pk}": text for pk, text in content.target_texts.items()})
        return initial

    def account_fields(self):
        """(account, its own text field) pairs, for the tabs."""
        return [(account, self[f"target_{account.pk}"]) for account in self.account_list]

    def clean_media_ids(self) -> list[Media]:
        ids = parse_ids(self.cleaned_data["media_ids"].split(","))
        found = {m.pk: m for m in Media.objects.filter(brand=self.brand, pk__in=ids)}
        return [found[pk] for pk in dict.fromkeys(ids) if pk in found]

    def clean(self):
        cleaned = super().clean()
        day, at = cleaned.get("day"), cleaned.get("at")
        cleaned["scheduled_at"] = None
        if bool(day) != bool(at) and "day" not in self.errors and "at" not in self.errors:
            self.add_error("at", _("Give both a date and a time, or neither."))
        elif day and at:
            try:
                cleaned["scheduled_at"] = wall_time_to_utc(day, at, self.brand.tz)
            except forms.ValidationError as error:
                self.add_error("at", error)
        return cleaned

    def content(self) -> PostContent:
        """What was typed, as posts.services.post_create and post_update take it."""
        data = self.cleaned_data
        accounts = list(data["accounts"])
        return PostContent(
            text=data["text"],
            accounts=accounts,
            media=data["media_ids"],
            target_texts={a.pk: data.get(f"target_{a.pk}", "") for a in accounts},
            campaign=data["campaign"],
            scheduled_at=data["scheduled_at"],
        )

    def alt_texts(self, post_data) -> dict[int, str]:
        """Alt texts typed beside the chosen images: {media id: text}."""
        return {m.pk: post_data[f"alt_{m.pk}"] for m in self.cleaned_data["media_ids"] if f"alt_{m.pk}" in post_data}


# Free texts typed on a post's page. The services hold the rules (a comment is required, ...);
# these forms only make sure what reaches them is text a database stores (no NUL character,
# a sane length), with a message naming the field.
class CommentForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Your comment"), required=False, max_length=10_000)


class RequestChangesForm(forms.Form):
    comment = forms.CharField(label=gettext_lazy("What should change"), required=False, max_length=10_000)


class AltTextForm(forms.Form):
    alt_text = forms.CharField(label=gettext_lazy("Description (alt text)"), required=False, max_length=5000)


def posted(form_class: type[forms.Form], data) -> dict:
    """The cleaned data of `form_class` over `data`; a ValidationError naming each field at fault."""
    form = form_class(data)
    if form.is_valid():
        return form.cleaned_data
    raise forms.ValidationError(
        [f"{form[name].label}: {message}" for name, messages in form.errors.items() for message in messages]
    )


def prefill_time(value: str | None, brand: Brand) -> dict:
    """Initial day and time from the calendar's `?at=YYYY-MM-DDTHH:MM`, if it reads."""
    parsed = parse_wall_time(value or "")
    return {"day": parsed[0], "at": parsed[1]} if parsed else {}


class PostIdsField(forms.Field):
    """The ticked posts' ids (whether each is the brand's is the bulk service's question)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        ids = [parse_id(v) for v in values]  # an id no post can have is refused, not sent to the database
        if None in ids:
            raise forms.ValidationError(_("The selection is not valid: reload the page and select again."))
        return [pk for pk in ids if pk is not None]


class BulkForm(forms.Form):
    """What to do with the selected posts, and the one value that action needs."""

    class Action(models.TextChoices):
        # The workflow's own actions keep its names and words (posts.workflow.Action).
        SUBMIT = WorkflowAction.SUBMIT.value, WorkflowAction.SUBMIT.label
        APPROVE = WorkflowAction.APPROVE.value, WorkflowAction.APPROVE.label
        REQUEST_CHANGES = WorkflowAction.REQUEST_CHANGES.value, WorkflowAction.REQUEST_CHANGES.label
        SHIFT = "shift", gettext_lazy("Shift by a number of days")
        MOVE = "move", gettext_lazy("Move to a date")
        CAMPAIGN = "campaign", gettext_lazy("Change the campaign")
        DELETE = "delete", gettext_lazy("Delete")

    action = forms.ChoiceField(label=gettext_lazy("Action"), choices=Action.choices)
    posts = PostIdsField(required=False)
    comment = forms.CharField(
        label=gettext_lazy("Changes to ask for (the same for each)"), required=False, max_length=2000
    )
    days = forms.IntegerField(
        label=gettext_lazy("Days (negative: earlier)"), required=False, min_value=-366, max_value=366
    )
    day = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_day_in_range],
    )
    at = forms.TimeField(
        label=gettext_lazy("Time (empty: each post keeps its own)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=gettext_lazy("No campaign"),
    )

    def __init__(self, *args, brand: Brand, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(v, label) for v, label in self.Action.choices if v in actions]  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = Campaign.objects.filter(brand=brand)  # type: ignore[attr-defined]

    def clean_posts(self) -> list[int]:
        ids = list(dict.fromkeys(self.cleaned_data["posts"]))
        if not ids:
            raise forms.ValidationError(_("Select at least one post."))
        if len(ids) > MAX_POSTS:
            raise forms.ValidationError(_("Select at most %(limit)s posts at once.") % {"limit": MAX_POSTS})
        return ids

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        needed = {
            self.Action.REQUEST_CHANGES: ("comment", _("Say what should change.")),
            self.Action.SHIFT: ("days", _("Give a number of days.")),
            self.Action.MOVE: ("day", _("Choose a date.")),
        }
        if action in needed:
            name, message = needed[action]
            value = cleaned.get(name)
            if name not in self.errors and (value in (None, "") or (name == "comment" and not value.strip())):
                self.add_error(name, message)
        if action == self.Action.SHIFT and cleaned.get("days") == 0:
            self.add_error("days", _("Give a number of days other than 0."))
        return cleaned


class DuplicateForm(forms.Form):
    """Where a copy goes: one of the user's brands where they write, and optionally a time there."""

    brand = forms.ModelChoiceField(label=gettext_lazy("Brand"), queryset=Brand.objects.none(), empty_label=None)
    day = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_day_in_range],
    )
    at = forms.TimeField(
        label=gettext_lazy("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def __init__(self, *args, brands, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brand"].queryset = brands  # type: ignore[attr-defined]
        self.fields["day"].help_text = _("In the chosen brand's time zone. Empty: the copy has no date.")

    def clean(self):
        cleaned = super().clean()
        day, at, brand = cleaned.get("day"), cleaned.get("at"), cleaned.get("brand")
        cleaned["scheduled_at"] = None
        if bool(day) != bool(at) and "day" not in self.errors and "at" not in self.errors:
            self.add_error("at", _("Give both a date and a time, or neither."))
        elif day and at and brand:
            try:
                cleaned["scheduled_at"] = wall_time_to_utc(day, at, brand.tz)
            except forms.ValidationError as error:
                self.add_error("at", error)
        return cleaned


class SavedTextForm(forms.ModelForm):
    """The fields as typed; the service (posts/saved_texts.py) says what is missing or wrong."""

    class Meta:
        model = SavedText
        fields = ["kind", "name", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = self.fields["text"].required = False


class TurnaroundForm(forms.Form):
    DEFAULT_DAYS = 90
    days = forms.TypedChoiceField(
        label=gettext_lazy("Period"),
        coerce=int,
        choices=[(30, gettext_lazy("30 days")), (90, gettext_lazy("90 days")), (365, gettext_lazy("A year"))],
        initial=DEFAULT_DAYS,
    )
