"""How a page tells a person that a service refused: the one mapping from errors to the page.

A refusal the person can act on — input that cannot be used (Django's ValidationError,
`Invalid`) or an object whose state forbids it now (`Conflict`) — becomes an error message on
the next page, or lands on the form beside its field. `Forbidden` and `NotFound` are not caught:
the page answers 403 or 404 as Django does, unless it passes them in `also` (a page that saved
first and then tells why the action after the save was not taken).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from core.exceptions import REFUSALS, Invalid, refusal_texts


@dataclass
class Attempt:
    """What became of the service calls inside `refusals_as_messages`."""

    error: Exception | None = None

    @property
    def refused(self) -> bool:
        return self.error is not None


@contextmanager
def refusals_as_messages(request, *, also: tuple[type[Exception], ...] = ()) -> Iterator[Attempt]:
    """Run service calls; a refusal becomes an error message (one per problem) instead of an
    exception, and the page goes on. Say what succeeded inside the block: it is skipped on refusal.

        with refusals_as_messages(request) as attempt:
            services.comment_add(post=post, user=request.user, text=text)
            messages.success(request, _("Your comment is added."))
        if attempt.refused: ...
    """
    attempt = Attempt()
    try:
        yield attempt
    except (*REFUSALS, *also) as error:
        attempt.error = error
        tell(request, error)


def tell(request, error: Exception) -> None:
    """The refusal as error messages on the next page."""
    for text in refusal_texts(error):
        messages.error(request, text)


@contextmanager
def refusals_on_form(form: forms.BaseForm, *, renames: Mapping[str, str] | None = None) -> Iterator[Attempt]:
    """Run service calls for a form's page; invalid input lands on the form (`add_to_form`) and the
    page goes on to show it. A success returns from inside the block:

        with refusals_on_form(form):
            brand = services.brand_create(user=request.user, **form.cleaned_data)
            return redirect(...)
        return render(request, "accounts/brand_form.html", {"form": form})
    """
    attempt = Attempt()
    try:
        yield attempt
    except ValidationError as error:
        attempt.error = error
        add_to_form(form, error, renames=renames)
    except Invalid as error:
        attempt.error = error
        add_to_form(form, ValidationError({error.field or NON_FIELD_ERRORS: [error.message]}), renames=renames)


def add_to_form(form: forms.BaseForm, error: ValidationError, *, renames: Mapping[str, str] | None = None) -> None:
    """A service's field errors beside the form's fields (`renames`: the service's name of a field
    to the form's); problems of no field of this form go at the top of the form."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    for field, problems in by_field.items():
        name = (renames or {}).get(field, field)
        form.add_error(name if name in form.fields else None, problems)
