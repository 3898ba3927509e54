from django import forms
from django.utils.translation import gettext_lazy as _

from cm_platform.ids import IdField


class ReadBudgetForm(forms.Form):
    """How many reads a month an account whose network bills them (X) may make."""

    monthly_read_budget = forms.IntegerField(
        label=_("Reads per month"),
        min_value=0,
        max_value=10_000_000,
        help_text=_("Mentions, search and metrics cost a read each; 0 turns reads off."),
    )


class MastodonInstanceForm(forms.Form):
    """The first step of connecting Mastodon by OAuth: which server the account lives on."""

    instance_url = forms.CharField(
        label=_("Instance address"), max_length=300, help_text=_("For example https://mastodon.social")
    )
    # Set when reconnecting an existing account rather than adding one.
    account = IdField(required=False, widget=forms.HiddenInput)
