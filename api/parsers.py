"""The API's JSON parser: every body it takes is an object, nested a few levels at most.

Python's json module recurses once per level: 10,000 nested brackets raise RecursionError, which
is no ValueError, so DRF's own parser let it through as a 500. No endpoint takes anything but an
object (a list, a string or null in a PATCH was read as one), so the parser refuses the rest.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Our deepest body is a post with its targets ({"targets": [{"account": 1}]}): 3 levels.
MAX_DEPTH = 16


class JSONObjectParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise _too_deep() from None
        if _deeper_than(data, MAX_DEPTH):
            raise _too_deep()
        if not isinstance(data, dict):
            raise ParseError(_('The body must be a JSON object: {"field": value, ...}.'))
        return data


def _too_deep() -> ParseError:
    return ParseError(_("The JSON body is nested more than %(depth)d levels deep.") % {"depth": MAX_DEPTH})


def _deeper_than(value, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` levels (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False
