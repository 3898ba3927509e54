"""Forms of the inbox pages: the list's filters (read from the URL) and the actions' inputs."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Brand
from accounts.roles import Perm, has_perm
from cm_platform.ids import IdField
from core.sentiment import Label
from inbox.models import ConversationState, Priority, SavedReply
from inbox.selectors import InboxFilters
from inbox.triage import RuleSpec
from networks.registry import adapter_classes

STATE_CHOICES = [("open", _("Open (new or assigned)")), ("", _("All")), *ConversationState.choices]


def sentiment_choices() -> list[tuple[str, str]]:
    return [(label.value, label.verbose) for label in Label]


def any_sentiment() -> list[tuple[str, object]]:
    return [("", _("Any")), *sentiment_choices()]


def network_choices() -> list[tuple[str, str]]:
    """Every network the desk knows, by name (a rule may name one not connected yet)."""
    return sorted(((adapter.slug, adapter.name) for adapter in adapter_classes()), key=lambda choice: choice[1])


def any_network() -> list[tuple[str, object]]:
    return [("", _("Any network")), *network_choices()]


class InboxFilterForm(forms.Form):
    """The list's filters, all in the URL so a reload or a shared link shows the same list.
    A value that does not fit is reported on its field and left out of the filtering."""

    state = forms.ChoiceField(label=_("State"), choices=STATE_CHOICES, required=False)
    network = forms.ChoiceField(label=_("Network"), required=False)  # choices: the brand's networks
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)  # choices: the brand's members
    tag = forms.CharField(label=_("Tag"), max_length=50, required=False)
    sentiment = forms.ChoiceField(label=_("Sentiment"), required=False, choices=any_sentiment)
    q = forms.CharField(label=_("Text"), max_length=200, required=False)

    def __init__(self, data=None, *, brand: Brand, networks: list[tuple[str, str]], members: list[tuple[str, str]]):
        super().__init__(data)
        self.fields["network"] = forms.ChoiceField(
            label=_("Network"), required=False, choices=[("", _("All networks")), *networks]
        )
        self.fields["assignee"] = forms.ChoiceField(
            label=_("Assigned to"),
            required=False,
            choices=[("", _("Anyone")), ("me", _("Me")), ("nobody", _("Nobody")), *members],
        )

    def filters(self) -> InboxFilters:
        self.is_valid()

        def value(name: str, default: str = "") -> str:
            return default if name in self.errors else (self.cleaned_data.get(name) or default).strip()

        return InboxFilters(
            state=value("state") if "state" not in self.errors else "open",
            network=value("network"),
            assignee=value("assignee"),
            tag=value("tag"),
            sentiment=value("sentiment"),
            text=value("q"),
        )


class SentimentForm(forms.Form):
    sentiment = forms.ChoiceField(label=_("Sentiment"), choices=sentiment_choices)


def assignable_members(brand: Brand) -> list[tuple[str, str]]:
    """Members who may answer, for the assignee choices (ids as strings, as forms send them)."""
    memberships = brand.memberships.select_related("user").order_by("user__display_name", "user__email")
    return [(str(m.user_id), str(m.user)) for m in memberships if has_perm(m.role, Perm.INBOX_REPLY)]


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000)
    in_reply_to = IdField(widget=forms.HiddenInput, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note for the team"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        help_text=_("Only your team sees notes. Mention someone with @name."),
    )


class TagsForm(forms.Form):
    tags = forms.CharField(label=_("Tags"), max_length=1000, required=False, help_text=_("Separated by commas."))

    def names(self) -> list[str]:
        return [name for name in self.cleaned_data["tags"].split(",") if name.strip()]


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=500, required=False)


WEEKDAYS = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


class InboxSettingsForm(forms.Form):
    replies_need_approval = forms.BooleanField(
        label=_("Editors' replies wait for a manager's approval"),
        required=False,
        help_text=_("Replies always wait for approval while publishing is paused."),
    )
    response_target_minutes = forms.IntegerField(
        label=_("Answer within (business minutes)"),
        min_value=1,
        max_value=7 * 24 * 60,
        help_text=_("A conversation waiting longer than this is shown as late."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day, name in enumerate(WEEKDAYS):
            self.fields[f"opens_{day}"] = forms.TimeField(label=_("%(day)s opens") % {"day": name}, required=False)
            self.fields[f"closes_{day}"] = forms.TimeField(label=_("%(day)s closes") % {"day": name}, required=False)

    @staticmethod
    def initial_for(rules) -> dict:
        initial = {
            "replies_need_approval": rules.replies_need_approval,
            "response_target_minutes": rules.response_target_minutes,
        }
        for day, (opens, closes) in rules.business_hours.items():
            initial[f"opens_{day}"], initial[f"closes_{day}"] = opens, closes
        return initial

    def days(self) -> list[tuple[object, object, object]]:
        """(weekday name, its opening field, its closing field), for the template."""
        return [(name, self[f"opens_{day}"], self[f"closes_{day}"]) for day, name in enumerate(WEEKDAYS)]

    def clean(self):
        data = super().clean()
        hours: dict[str, list[str]] = {}
        for day, name in enumerate(WEEKDAYS):
            opens, closes = data.get(f"opens_{day}"), data.get(f"closes_{day}")
            if opens is None and closes is None:
                continue  # closed that day
            if opens is None or closes is None or opens >= closes:
                problem = _("%(day)s: the closing time must come after the opening time.") % {"day": name}
                self.add_error(f"closes_{day}", problem)
                continue
            hours[str(day)] = [opens.strftime("%H:%M"), closes.strftime("%H:%M")]
        data["business_hours"] = hours
        return data


class TriageRuleForm(forms.Form):
    """A triage rule: conditions (all those given must hold) and what to do."""

    name = forms.CharField(label=_("Name"), max_length=100)
    keyword = forms.CharField(label=_("Text contains"), max_length=100, required=False)
    author = forms.CharField(label=_("Author (handle)"), max_length=200, required=False)
    network = forms.ChoiceField(label=_("Network"), required=False, choices=any_network)
    sentiment = forms.ChoiceField(label=_("Sentiment"), required=False, choices=any_sentiment)
    tag = forms.CharField(label=_("Add the tag"), max_length=50, required=False)
    assignee = IdField(label=_("Assign to"), required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"), required=False, coerce=int, empty_value=None, choices=[("", "—"), *Priority.choices]
    )
    mark_spam = forms.BooleanField(label=_("Mark as spam"), required=False)

    def __init__(self, *args, members: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members  # for the assignee's select; an id outside it is refused by the service

    def spec(self) -> RuleSpec:
        data = self.cleaned_data
        return RuleSpec(
            name=data["name"],
            keyword=data["keyword"],
            author=data["author"],
            network=data["network"],
            sentiment=data["sentiment"],
            tag=data["tag"],
            assignee_id=data["assignee"],
            priority=data["priority"],
            mark_spam=data["mark_spam"],
        )


class SavedReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    language = forms.ChoiceField(label=_("Language"), choices=SavedReply.Language.choices)
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        help_text=_(
            "Variables: {prénom} or {first_name}, {nom} or {name}, {pseudo} or {handle}, {marque} or {brand}, "
            "{signature} (you)."
        ),
    )
