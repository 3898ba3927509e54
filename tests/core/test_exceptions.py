"""The application's errors, mapped once: each kind to its API answer and to a page's message."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory
from django.utils import translation

from accounts.services import InvitationError
from api.exceptions import exception_handler
from clients.services import ReviewLinkInvalid
from core.exceptions import ApplicationError, Conflict, Forbidden, Invalid, NotFound, http_status, refusal_text
from core.web import add_to_form, refusals_as_messages, refusals_on_form
from listening.expressions import ExpressionError
from posts.forms import CommentForm
from posts.models import Post
from posts.services import StaleVersion
from posts.workflow import WorkflowError


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _answer(error: Exception):
    response = exception_handler(error, {"request": None})
    return response.status_code, response.data


def _page_request():
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)
    return request


def _told(request) -> list[str]:
    return [str(m) for m in get_messages(request)]


# --- the API's answers ---------------------------------------------------------------------------
def test_invalid_is_a_400_naming_its_field_or_none():
    assert _answer(Invalid("Give a URL.", field="url")) == (
        400,
        {"detail": "Some fields are not valid.", "code": "invalid", "errors": {"url": ["Give a URL."]}},
    )
    assert _answer(Invalid("This link is used."))[1]["errors"] == {"non_field_errors": ["This link is used."]}


def test_a_services_field_errors_are_a_400_with_each_field():
    status, body = _answer(ValidationError({"text": ["Write a text."], "__all__": ["Too late."]}))
    assert status == 400
    assert body["errors"] == {"text": ["Write a text."], "non_field_errors": ["Too late."]}


def test_forbidden_is_a_403_whatever_the_service_said():
    assert _answer(Forbidden("Only a manager can move a post that was approved.")) == (
        403,
        {"detail": "Your role does not allow this.", "code": "permission_denied"},
    )


def test_not_found_is_a_404_that_confirms_nothing():
    assert _answer(NotFound()) == (404, {"detail": "Not found.", "code": "not_found"})
    assert _answer(ReviewLinkInvalid()) == (404, {"detail": "Not found.", "code": "not_found"})


def test_conflicts_are_a_409_with_their_reason_and_code():
    assert _answer(Conflict("Not now.")) == (409, {"detail": "Not now.", "code": "conflict"})
    assert _answer(WorkflowError("Not from a draft.")) == (409, {"detail": "Not from a draft.", "code": "workflow"})
    status, body = _answer(StaleVersion(Post()))
    assert (status, body["code"]) == (409, "stale_version")
    assert body["detail"] == "Someone else saved this post while you were editing it."


def test_service_errors_are_kinds_of_the_application_error():
    assert issubclass(InvitationError, Invalid) and issubclass(ExpressionError, Invalid)
    assert issubclass(WorkflowError, Conflict) and issubclass(StaleVersion, Conflict)
    assert issubclass(ReviewLinkInvalid, NotFound)
    # Django's own names still hold: an uncaught one answers 403 or 404 on a page too.
    assert issubclass(Forbidden, PermissionDenied) and issubclass(NotFound, Http404)
    assert [http_status(e) for e in (Invalid(), Forbidden(), NotFound(), Conflict(), ApplicationError())] == [
        400,
        403,
        404,
        409,
        400,
    ]


def test_the_message_is_translated_when_the_error_is_raised():
    with translation.override("fr"):
        error = Forbidden()
    assert error.message == "Vous ne pouvez pas faire cela pour cette marque." == str(error)


# --- a page's messages ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "error, told",
    [
        (Invalid("Give a URL.", field="url"), ["Give a URL."]),
        (WorkflowError("Not from a draft."), ["Not from a draft."]),
        (ValidationError({"text": ["Write a text."], "at": ["Choose a time."]}), ["Write a text.", "Choose a time."]),
    ],
)
def test_a_refusal_becomes_one_error_message_per_problem_and_the_rest_is_skipped(error, told):
    request = _page_request()
    with refusals_as_messages(request) as attempt:
        raise error
    assert attempt.refused and attempt.error is error
    assert _told(request) == told


def test_nothing_is_told_when_the_service_agrees():
    request = _page_request()
    with refusals_as_messages(request) as attempt:
        pass
    assert not attempt.refused and _told(request) == []


@pytest.mark.parametrize("error", [Forbidden(), NotFound(), PermissionDenied()])
def test_forbidden_and_not_found_stay_a_403_and_a_404(error):
    with pytest.raises(type(error)), refusals_as_messages(_page_request()):
        raise error


def test_a_page_that_saved_first_tells_a_forbidden_action_instead():
    request = _page_request()
    with refusals_as_messages(request, also=(PermissionDenied,)):
        raise Forbidden("Only a manager can move a post that was approved.")
    with refusals_as_messages(request, also=(PermissionDenied,)):
        raise PermissionDenied  # Django's, without words: the default ones
    with refusals_as_messages(request, also=(PermissionDenied,)):
        raise Forbidden("")  # the brand gate's, whose 403 page says why
    assert _told(request) == [
        "Only a manager can move a post that was approved.",
        "You may not do this on this brand.",
        "You may not do this on this brand.",
    ]


def test_a_services_field_errors_land_beside_the_forms_fields():
    form = CommentForm({"text": "x"})
    form.is_valid()
    add_to_form(
        form, ValidationError({"body": ["Too short."], "other": ["Not this form's."]}), renames={"body": "text"}
    )
    assert form.errors == {"text": ["Too short."], "__all__": ["Not this form's."]}
    assert refusal_text(ValidationError(["One.", "Two."])) == "One. Two."


def test_a_forms_page_shows_a_refusal_on_the_form_and_goes_on():
    form = CommentForm({"text": "x"})
    form.is_valid()
    with refusals_on_form(form) as attempt:
        raise Invalid("Too short.", field="text")
    assert attempt.refused and form.errors == {"text": ["Too short."]}
    with refusals_on_form(form, renames={"__all__": "text"}):
        raise ValidationError("The file has a header but no rows.")
    assert form.errors["text"] == ["Too short.", "The file has a header but no rows."]
    with pytest.raises(WorkflowError), refusals_on_form(form):
        raise WorkflowError("Not now.")  # not the form's business: the page's messages say it
