"""Refuse a NUL character in the address or the query string before any view reads them.

PostgreSQL can neither store nor compare text holding NUL (0x00): `?q=%00` reaching a filter, or
`/ical/%00.ics` reaching a lookup, raised DataError there (a 500) while SQLite took it. No field
of ours takes one (Django's form fields and DRF's refuse it too), so the request is refused whole,
naming the parameter. Bodies are left to the forms and serializers, which refuse NUL field by
field: reading a body here would read uploads before the views that first check their size.
"""

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

NUL = "\x00"
API_PREFIX = "/api/"  # cm_platform/urls.py: the API answers in its own JSON shape


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = _nul_problem(request)
        if problem is None:
            return self.get_response(request)
        name, message = problem
        if request.path_info.startswith(API_PREFIX):
            errors = {name: [message]} if name else {}
            return JsonResponse({"detail": message, "code": "invalid", "errors": errors}, status=400)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _nul_problem(request) -> tuple[str, str] | None:
    """(parameter name, message) when the path or the query string holds a NUL, else None."""
    if NUL in request.path_info:
        return "", _("The address contains a NUL character, which no page accepts.")
    query = request.META.get("QUERY_STRING", "")
    if "%00" not in query and NUL not in query:
        return None
    for name, values in request.GET.lists():
        if NUL in name or any(NUL in value for value in values):
            shown = name.replace(NUL, "")[:50]
            return shown, _("The parameter “%(name)s” contains a NUL character, which is not allowed.") % {
                "name": shown
            }
    return None
