from django import forms
from django.utils.translation import gettext_lazy as _


class ReviewerInviteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    email = forms.EmailField(label=_("Email address"))
