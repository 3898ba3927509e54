"""The application's errors: what a service raises when it refuses, written for the person.

Four kinds, each mapped once: to an API answer by api/exceptions.py (400, 403, 404, 409) and to a
page's message by core/web.py. A service picks the kind that says why it refused:

- `Invalid`: the input cannot be used (400); `field` names the input at fault, if one is.
- `Forbidden`: this user may not do this here (403).
- `NotFound`: there is nothing to act on for this user (404).
- `Conflict`: the input is fine, the object's state forbids it now (409).

Django's own ValidationError (a form's or a service's field errors) stays the way to refuse
several fields at once; both mappings read it too. `Forbidden` and `NotFound` are also Django's
PermissionDenied and Http404, so a page that does not catch them answers 403 or 404 as any Django
view does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ApplicationError(Exception):
    """A refusal a person reads: `message` is translated when the error is raised.

    `code` is the machine-readable slug the API sends with it; subclasses refine both.
    """

    code = "error"
    default_message: StrOrPromise = _("This could not be done.")

    def __init__(self, message: StrOrPromise | None = None):
        self.message = str(message if message is not None else self.default_message)
        super().__init__(self.message)


class Invalid(ApplicationError):
    code = "invalid"
    default_message = _("This is not valid.")

    def __init__(self, message: StrOrPromise | None = None, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class Forbidden(ApplicationError, PermissionDenied):
    code = "permission_denied"
    default_message = _("You may not do this on this brand.")


class NotFound(ApplicationError, Http404):
    code = "not_found"
    default_message = _("Not found.")


class Conflict(ApplicationError):
    code = "conflict"
    default_message = _("This cannot be done in the current state.")


# The refusals a person can act on (fix the input, reload): told on the page rather than answered
# with an error page. Forbidden and NotFound are not among them.
REFUSALS: tuple[type[Exception], ...] = (ValidationError, Invalid, Conflict)


def refusal_texts(error: Exception) -> list[str]:
    """What a person is told about a refusal: each problem of a ValidationError, the message of
    an application error, or a plain Django PermissionDenied's words (its default when it has none)."""
    if isinstance(error, ValidationError):
        return [str(text) for text in error.messages]
    if isinstance(error, ApplicationError):
        return [error.message or str(error.default_message)]
    if isinstance(error, PermissionDenied):
        return [str(error) or str(Forbidden.default_message)]
    return [str(error)]


def refusal_text(error: Exception) -> str:
    """The refusal in one line (a list row, a JSON answer)."""
    return " ".join(refusal_texts(error))


def http_status(error: Exception) -> int:
    """The HTTP status of a refusal: the API's answer, and a page's JSON call's."""
    for kind, status in ((PermissionDenied, 403), (Http404, 404), (Conflict, 409)):
        if isinstance(error, kind):
            return status
    return 400  # Invalid, ValidationError and any other application error
