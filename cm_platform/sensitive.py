"""Views that receive secrets (tokens, app passwords, passwords, addresses with a password).

`handles_secrets` marks every POST parameter and every local variable of the view, and of
everything it calls, as sensitive: Django's error reports (the DEBUG page, the emails to
ADMINS) then show stars instead of them. The Authorization header is already hidden by
Django's filter (its name matches AUTH).

Django's own filter steps aside when DEBUG is on ("your site is not safe anyway"); ours does
not (settings.DEFAULT_EXCEPTION_REPORTER_FILTER): a debug page shared on a screen, or a DEBUG
left on by mistake, still shows no token.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.decorators import method_decorator
from django.views.debug import SafeExceptionReporterFilter
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables


def handles_secrets(view: Callable) -> Callable:
    """For a function view. Django's filter reads the variables of every frame under this one."""
    return sensitive_post_parameters()(sensitive_variables()(view))


def api_handles_secrets(view_class: type) -> type:
    """For a Django REST framework view class: the same, around its dispatch()."""
    return method_decorator(handles_secrets, name="dispatch")(view_class)


class AlwaysSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    """Hides what is marked sensitive on the DEBUG page too."""

    def is_active(self, request) -> bool:
        return True
