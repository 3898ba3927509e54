"""One JSON shape for every error: {"detail": words, "code": slug, "errors": {field: [words]}}.

The one place where the application's errors (core/exceptions.py) and Django's become API
answers, as the web pages tell them: 400 with the fields at fault, 403, 404, 409 for conflicts.
"""

import re

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import ApplicationError, Invalid, http_status


class Refusal(exceptions.APIException):
    """An application error that is no field's fault (a conflict with the object's state: 409)."""

    def __init__(self, error: ApplicationError):
        self.status_code = http_status(error)
        super().__init__(detail=error.message, code=error.code)


def as_api_exception(exc: Exception, request=None) -> Exception:
    """The DRF exception that carries `exc` to the client, or `exc` itself.

    Forbidden and NotFound are Django's PermissionDenied and Http404: DRF answers them as such.
    """
    if isinstance(exc, exceptions.APIException | Http404 | PermissionDenied):
        return exc
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(_request_fields(_field_errors(exc), request))
    if isinstance(exc, Invalid):
        return exceptions.ValidationError({exc.field or "non_field_errors": [exc.message]})
    if isinstance(exc, ApplicationError):
        return Refusal(exc)
    return exc


def _field_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {("non_field_errors" if f == "__all__" else f): [str(m) for m in e] for f, e in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


# The services name a network's own text by its account ("target_<account id>", the composer's
# field); the API's request has a list of targets instead.
_TARGET_TEXT = re.compile(r"^target_(\d+)$")


def _request_fields(errors: dict[str, list[str]], request) -> dict[str, list[str]]:
    """Fields as the request named them: `targets[1].text` for the second target's own text."""
    data = getattr(request, "data", None)
    targets = data.get("targets") if isinstance(data, dict) else None
    if not isinstance(targets, list):
        return errors
    positions = {str(t.get("account")): i for i, t in enumerate(targets) if isinstance(t, dict)}
    renamed = {}
    for field, messages in errors.items():
        match = _TARGET_TEXT.match(field)
        if match and match.group(1) in positions:
            field = f"targets[{positions[match.group(1)]}].text"
        renamed[field] = messages
    return renamed


def exception_handler(exc, context):
    exc = as_api_exception(exc, context.get("request"))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    response.data = _body(exc, response.data)
    return response


def _body(exc: Exception, data) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        return {"detail": _("Some fields are not valid."), "code": "invalid", "errors": errors}
    if isinstance(exc, Http404):
        return {"detail": _("Not found."), "code": "not_found"}
    if isinstance(exc, PermissionDenied):
        return {"detail": _("Your role does not allow this."), "code": "permission_denied"}
    detail = data.get("detail", "") if isinstance(data, dict) else data
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    return {"detail": str(detail), "code": str(code)}
