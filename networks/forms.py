from django import forms
from django.utils.translation import gettext_lazy as _


class ReadBudgetForm(forms.Form):
    """How many reads a month an account whose network bills them (X) may make."""

    monthly_read_budget = forms.IntegerField(
        label=_("Reads per month"),
        min_value=0,
        max_value=10_000_000,
        help_text=_("Mentions, search and metrics cost a read each; 0 turns reads off."),
    )
