from django import forms
from django.utils.translation import gettext_lazy as _

from cm_platform.ids import IdField


class MastodonInstanceForm(forms.Form):
    """The first step of connecting Mastodon by OAuth: which server the account lives on."""

    instance_url = forms.CharField(
        label=_("Instance address"), max_length=300, help_text=_("For example https://mastodon.social")
    )
    # Set when reconnecting an existing account rather than adding one.
    account = IdField(required=False, widget=forms.HiddenInput)
