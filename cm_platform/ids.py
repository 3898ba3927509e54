"""Database ids as they come from people: in URLs, query strings and form fields.

An id is a BigAutoField: at most 2**63 - 1. Anything else (a longer number, a negative one,
"²" which str.isdigit() accepts but int() refuses, thousands of digits which int() refuses past
4,300) names no object: `parse_id` says None, the `<id:...>` path converter answers 404, so no
query ever carries an integer the database cannot hold (SQLite raises OverflowError on it).
"""

import re

from django import forms
from django.urls import register_converter

MAX_ID = 2**63 - 1  # the largest value of a BigAutoField
_ID = re.compile(r"[0-9]{1,19}")


def parse_id(text: object) -> int | None:
    """The id written in `text` (ASCII digits, within a BigAutoField's range), else None."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if 0 < text <= MAX_ID else None
    if not isinstance(text, str) or not _ID.fullmatch(text.strip()):
        return None
    value = int(text.strip())
    return value if 0 < value <= MAX_ID else None


def parse_ids(texts: list[str]) -> list[int]:
    """The ids among `texts`, in order; the others are left out."""
    return [value for value in map(parse_id, texts) if value is not None]


class IdConverter:
    """`<id:pk>` in a URL: an id a database can hold; any other number is a 404, not an overflow."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValueError(value)  # the resolver reads this as "no match": 404
        return parsed

    def to_url(self, value: int) -> str:
        return str(value)


class IdField(forms.IntegerField):
    """An id in a form (a hidden field naming an account, a version): what a BigAutoField holds."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class ModelIdsField(forms.ModelMultipleChoiceField):
    """Several objects chosen by id. Django's own field looks them up with `pk__in`, which it
    does not bound as it bounds `pk=`: an id past 2**63 raised OverflowError on SQLite."""

    def clean(self, value):
        for item in value if isinstance(value, list | tuple) else ():
            if parse_id(item) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": str(item)[:30]}
                )
        return super().clean(value)


def register() -> None:
    register_converter(IdConverter, "id")
