"""The form that connects a Bluesky account: a handle (or email), an app password, a server."""

from django import forms
from django.utils.translation import gettext_lazy

DEFAULT_SERVICE = "https://bsky.social"


class BlueskyConnectForm(forms.Form):
    identifier = forms.CharField(
        label=gettext_lazy("Handle or email"),
        max_length=253,
        help_text=gettext_lazy("For example yourname.bsky.social"),
    )
    app_password = forms.CharField(
        label=gettext_lazy("App password"),
        max_length=100,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy(
            "In Bluesky: Settings › Privacy and security › App passwords › Add. "
            "Never your main password; you can revoke an app password at any time."
        ),
    )
    service_url = forms.CharField(
        label=gettext_lazy("Server"),
        max_length=300,
        required=False,
        initial=DEFAULT_SERVICE,
        help_text=gettext_lazy("Leave https://bsky.social unless your account lives on another server (PDS)."),
    )
