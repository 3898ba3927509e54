"""The two ways to connect Mastodon: sign in on the instance (OAuth), or paste an access token."""

from django import forms
from django.utils.translation import gettext_lazy

from networks.oauth import OAuthStartForm


class MastodonInstanceForm(OAuthStartForm):
    """The start of the OAuth flow: which server the account lives on (`account` when reconnecting)."""

    instance_url = forms.CharField(
        label=gettext_lazy("Instance address"),
        max_length=300,
        help_text=gettext_lazy("For example https://mastodon.social"),
        error_messages={"required": gettext_lazy("Type the address of the Mastodon server.")},
    )
    field_order = ("instance_url", "account")


class MastodonTokenForm(forms.Form):
    instance_url = forms.CharField(
        label=gettext_lazy("Instance address"),
        max_length=300,
        help_text=gettext_lazy("For example https://mastodon.social"),
    )
    access_token = forms.CharField(
        label=gettext_lazy("Access token"),
        max_length=500,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy(
            "In Mastodon: Preferences › Development › New application, with the scopes "
            "write:statuses, write:media, read:accounts, read:statuses and read:notifications; "
            "copy “Your access token”."
        ),
    )
