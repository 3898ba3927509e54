"""One gate for every request body: the size is judged before anything reads it.

`UploadGateMiddleware` runs before any view and before the CSRF check (which reads the form):
- a body whose Content-Length is over the URL's limit is answered 413 without a byte read;
- at an upload URL, a body without a Content-Length (chunked) is answered 411 without a byte
  read: under WSGI, Django reads exactly Content-Length bytes and would take it as empty;
- a multipart POST is parsed here, under `UploadGateHandler`, the first upload handler: it counts
  every byte of file data and stops the parser at the limit, before the next handler keeps the
  chunk in memory or writes it to a temporary file; and it refuses any file at a URL that is not
  listed in UPLOAD_URLS, so a view that forgets to register gets no file at all.

A URL takes files only if it is listed in UPLOAD_URLS, with the setting that holds its limit.
tests/test_upload_gate.py posts an over-limit body to every listed URL, and fails when a view
that reads files (a form with a FileField, request.FILES, a multipart parser) is not listed.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from rest_framework.utils.mediatypes import media_type_matches

# URL name -> the setting holding the largest file (in bytes) it takes.
UPLOAD_URLS = {
    "posts:media_upload": "MAX_UPLOAD_BYTES",
    "api:media_list": "MAX_UPLOAD_BYTES",
    "accounts:brand_create": "MAX_UPLOAD_BYTES",  # the logo
    "accounts:brand_settings": "MAX_UPLOAD_BYTES",  # the logo
    "calendars:import_upload": "MAX_CSV_UPLOAD_BYTES",
}
# What a multipart body adds around its files: boundaries, part headers, the other fields.
MULTIPART_MARGIN = 64 * 1024


def file_limit(request: HttpRequest) -> int | None:
    """The largest file this request's URL takes, None for a URL that takes no file."""
    match = request.resolver_match
    setting = UPLOAD_URLS.get(match.view_name) if match else None
    return getattr(settings, setting) if setting else None


def body_limit(request: HttpRequest) -> int | None:
    """The largest body this request's URL takes (None: no limit of ours)."""
    limit = file_limit(request)
    if limit is not None:
        return limit + MULTIPART_MARGIN
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # Django's own limit for bodies without files


class UploadGateMiddleware:
    """Listed in MIDDLEWARE before CsrfViewMiddleware, whose process_view reads the form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        declared = _content_length(request)
        if declared is None:
            return _refusal(request, 400, _("The request's Content-Length is not a number."))
        limit = body_limit(request)
        if limit is not None and declared > limit:
            return _too_large(request, declared)
        if declared == 0 and _chunked(request) and file_limit(request) is not None:
            return _refusal(request, 411, _("Send the file with its size (a Content-Length header)."))
        if request.method == "POST" and request.content_type == "multipart/form-data" and _reads_forms(view_func):
            return self._parse_now(request)
        return None

    def _parse_now(self, request):
        """Parse the body here, under the gate's handler, so a refusal answers before any view runs."""
        try:
            request.POST  # noqa: B018 -- reading it parses the body, files included
        except MultiPartParserError:
            return _refusal(request, 400, _("The form data could not be read."))
        refusal = getattr(request, "upload_refusal", None)
        if refusal == "too_large":
            return _too_large(request, _content_length(request) or 0)
        if refusal == "no_files":
            return _refusal(request, 400, _("This address does not accept files."))
        return None


def _reads_forms(view_func) -> bool:
    """Whether the view may read a multipart body. An API view reads only what its parsers take
    (JSON): left unread, its body is refused by DRF as a 415, where parsed here it read as empty."""
    parsers = getattr(getattr(view_func, "cls", None), "parser_classes", None)
    if parsers is None:
        return True
    return any(media_type_matches(parser.media_type, "multipart/form-data") for parser in parsers)


class UploadGateHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: stops the multipart parser before a byte too many is kept."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def new_file(self, *args, **kwargs):
        if file_limit(self.request) is None:
            self._stop("no_files")
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)  # over every file of the request
        limit = file_limit(self.request)
        if limit is not None and self.received > limit:
            self._stop("too_large")
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) makes the file

    def _stop(self, reason: str):
        self.request.upload_refusal = reason  # type: ignore[union-attr]
        # connection_reset: Django closes the handlers' files (a temporary file is deleted) and
        # does not read the rest of the body.
        raise StopUpload(connection_reset=True)


def _content_length(request: HttpRequest) -> int | None:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    return declared if declared >= 0 else None


def _chunked(request: HttpRequest) -> bool:
    return "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()


def _too_large(request: HttpRequest, declared: int) -> HttpResponse:
    limit = file_limit(request)
    if limit is None:
        message = _("This request is too large (%(size)s); the limit is %(limit)s.")
        limit = body_limit(request) or 0
    else:
        message = _("This file is too large (%(size)s); the limit is %(limit)s.")
    return _refusal(request, 413, message % {"size": filesizeformat(declared), "limit": filesizeformat(limit)})


def _refusal(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """JSON for the API and the page's uploader, a page otherwise; the body is never read."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": REFUSAL_CODES[status]}, status=status)
    if request.headers.get("x-requested-with") == "XMLHttpRequest":  # the page's uploader
        return JsonResponse({"detail": message, "errors": [message]}, status=status)
    return render(request, "upload_refused.html", {"message": message}, status=status)


REFUSAL_CODES = {400: "bad_request", 411: "length_required", 413: "too_large"}
