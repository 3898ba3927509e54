from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from cm_platform.ids import ModelIdsField
from listening.expressions import MAX_NETWORK_QUERIES, ExpressionError, compile_expression, fold, network_queries
from listening.models import SavedSearch, Source
from networks import http
from networks.base import Capability
from networks.models import AccountStatus, NetworkAccount
from networks.registry import adapter_classes

_LANGUAGE = re.compile(r"^[a-z]{2}$")


class SavedSearchForm(forms.ModelForm):
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        help_text=_("Two-letter codes separated by commas (fr, en); empty for every language."),
    )
    excluded_authors = forms.CharField(
        label=_("Excluded authors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One handle or name per line; their mentions are not kept (your own accounts, for example)."),
    )

    class Meta:
        model = SavedSearch
        fields = ["name", "expression", "languages", "excluded_authors", "active"]
        widgets = {"expression": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["languages"] = ", ".join(self.instance.languages)
            self.initial["excluded_authors"] = "\n".join(self.instance.excluded_authors)

    def clean_expression(self) -> str:
        expression = self.cleaned_data["expression"].strip()
        try:
            compile_expression(expression)
        except ExpressionError as error:
            raise forms.ValidationError(error.message, code="expression") from None
        return expression

    def clean_languages(self) -> list[str]:
        codes = [code.strip().lower() for code in self.cleaned_data["languages"].split(",") if code.strip()]
        wrong = [code for code in codes if not _LANGUAGE.match(code)]
        if wrong:
            raise forms.ValidationError(
                _("“%(code)s” is not a two-letter language code (fr, en, de…).") % {"code": wrong[0]}
            )
        return sorted(set(codes))

    def clean_excluded_authors(self) -> list[str]:
        lines = (fold(line.strip()).lstrip("@") for line in self.cleaned_data["excluded_authors"].splitlines())
        return sorted({line for line in lines if line})[:200]


class SourceForm(forms.ModelForm):
    """A feed the community manager adds; its address is checked by the SSRF guard at once, for a
    clear message (each fetch is checked again, and its connection pinned, by networks/http.py)."""

    url = forms.URLField(label=_("Address of the feed (URL)"), max_length=500, assume_scheme="https")

    class Meta:
        model = Source
        fields = ["name", "url", "interval", "active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        try:
            http.check_public_url(url)
        except http.UnsafeHost as error:
            raise forms.ValidationError(error.message) from None
        return url

    def clean_interval(self) -> int:
        interval = self.cleaned_data["interval"]
        if not 60 <= interval <= 86400:
            raise forms.ValidationError(_("Read a feed every 60 seconds at least and once a day at most."))
        return interval


class NetworkSearchForm(forms.ModelForm):
    """A connected account whose network can search (Bluesky), run for one saved search."""

    class Meta:
        model = Source
        fields = ["name", "account", "search", "interval", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        brand = self.instance.brand
        searching = [cls.slug for cls in adapter_classes() if cls.has(Capability.SEARCH)]
        accounts = NetworkAccount.objects.filter(brand=brand, status=AccountStatus.CONNECTED, network__in=searching)
        self.fields["account"].queryset = accounts  # type: ignore[attr-defined]
        self.fields["account"].required = True
        self.fields["account"].help_text = _("A connected account whose network can search its public posts.")
        self.fields["search"].queryset = SavedSearch.objects.filter(brand=brand)  # type: ignore[attr-defined]
        self.fields["search"].required = True
        self.fields["search"].help_text = _(
            "Its expression becomes the network's search; every result is checked by it."
        )

    def clean_search(self) -> SavedSearch:
        search = self.cleaned_data["search"]
        alternatives = len(network_queries(search.matcher(), limit=None))
        if alternatives > MAX_NETWORK_QUERIES:
            raise forms.ValidationError(
                _(
                    "“%(name)s” asks for %(count)d alternatives (OR); a network search runs at most %(max)d: "
                    "split it into several saved searches."
                )
                % {"name": search.name, "count": alternatives, "max": MAX_NETWORK_QUERIES}
            )
        return search

    def clean_interval(self) -> int:
        interval = self.cleaned_data["interval"]
        if not 60 <= interval <= 86400:
            raise forms.ValidationError(_("Run a search every 60 seconds at least and once a day at most."))
        return interval


class MentionTagForm(forms.Form):
    tag = forms.CharField(label=_("Tag"), max_length=1000, required=False)


# --- the crisis room ------------------------------------------------------------------------------
class IncidentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    words = forms.CharField(
        label=_("Words of the incident"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Separated by commas: the room shows the mentions and conversations holding any of them."),
    )


class StatementForm(forms.Form):
    text = forms.CharField(label=_("Holding statement"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}))


class StatementApproveForm(forms.Form):
    accounts = ModelIdsField(label=_("Networks"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].queryset = accounts  # type: ignore[attr-defined]


class CloseForm(forms.Form):
    resume = forms.BooleanField(label=_("Resume publishing now"), required=False)


class RoomReplyForm(forms.Form):
    text = forms.CharField(label=_("Your reply"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 2}))


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300)
