from django.contrib import messages
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.utils.translation import gettext as _


@receiver(user_logged_out)
def say_signed_out(sender, request, user, **kwargs):
    # Messages survive the session flush that follows: the default storage tries a cookie first.
    if request is not None:
        messages.info(request, _("You are signed out."), fail_silently=True)
