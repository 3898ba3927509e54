"""Words stored now and read later, by people who read different languages.

A failure reason or a history note is written by a worker (in no one's language) and read on a
page, in an email or through the API, each in its reader's language. So it is stored as a code
with its values, and rendered when it is read:

    reason("Mastodon (%(host)s) asks to slow down.", host="example.social")
    -> stored as {"code": "Mastodon (%(host)s) asks to slow down.", "params": {"host": ...}}
    -> str(it) under translation.override("fr"): "Mastodon (example.social) demande de ralentir."

The code is the English text itself (gettext's message id): `make messages` finds it because
`reason` is one of xgettext's keywords (cm_platform/management/commands/makemessages.py), and a
code whose text has since changed still renders, in English. A value may itself be a reason
(a retry note quoting the network's reason); the network's own words are a `literal`, shown as
they came. Old rows stored only text: callers keep that text as the fallback rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    literal: bool = False  # words from outside (a network's own message): never translated

    def __str__(self) -> str:
        if self.literal:
            return self.code
        values = {name: str(value) if isinstance(value, Reason) else value for name, value in self.params.items()}
        text = gettext(self.code)
        try:
            return text % values if values else text
        except (KeyError, TypeError, ValueError):  # a translation that lost a value: the English
            return self.code % values if values else self.code

    def __mod__(self, params: dict[str, Any]) -> Reason:
        """`reason("... %(host)s") % {"host": h}`, the shape gettext's callers already have."""
        return Reason(self.code, {**self.params, **params})

    def as_json(self) -> dict[str, Any]:
        if self.literal:
            return {"text": self.code}
        return {
            "code": self.code,
            "params": {k: v.as_json() if isinstance(v, Reason) else v for k, v in self.params.items()},
        }

    @classmethod
    def from_json(cls, data: Any) -> Reason | None:
        """What as_json() wrote (None for an empty or foreign value: use the stored text)."""
        if not isinstance(data, dict):
            return None
        if "text" in data:
            return literal(str(data["text"]))
        if not isinstance(data.get("code"), str):
            return None
        params: dict[str, Any] = data["params"] if isinstance(data.get("params"), dict) else {}
        return cls(data["code"], {k: cls.from_json(v) or v if isinstance(v, dict) else v for k, v in params.items()})


def reason(code: str, **params: Any) -> Reason:
    return Reason(code, params)


def literal(text: str) -> Reason:
    return Reason(str(text), literal=True)


def as_reason(value: str | Reason) -> Reason:
    return value if isinstance(value, Reason) else literal(value)


def render(data: Any, fallback: str = "") -> str:
    """A stored reason in the active language, else the text stored beside it."""
    found = Reason.from_json(data)
    return str(found) if found is not None else fallback
