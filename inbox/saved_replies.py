"""Saved replies: the variables they may hold and how they are filled in for one person.

A saved reply says `{prénom}` (or `{first_name}`) where the person's first name goes; each
variable has a French and an English name, so a team writes in its own language. An unknown
variable is refused when the reply is saved (naming it), never sent as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import Brand, User
from inbox.models import Message

VARIABLE = re.compile(r"\{([^{}\s]{1,30})\}")


@dataclass(frozen=True)
class Person:
    """Who a saved reply answers and who sends it."""

    name: str
    handle: str
    brand: str
    sender: str

    @property
    def first_name(self) -> str:
        return (self.name.split() or [self.handle.lstrip("@").split("@")[0]])[0]


# Each variable's names (French, English) and what it becomes.
VARIABLES: dict[str, str] = {
    "prénom": "first_name",
    "first_name": "first_name",
    "nom": "name",
    "name": "name",
    "pseudo": "handle",
    "handle": "handle",
    "marque": "brand",
    "brand": "brand",
    "signature": "sender",
}


def unknown_variables(text: str) -> list[str]:
    return [name for name in VARIABLE.findall(text) if name.lower() not in VARIABLES]


def check(text: str) -> list[str]:
    """The problems of a saved reply's text, in words (empty when it is fine)."""
    unknown = unknown_variables(text)
    if not unknown:
        return []
    known = ", ".join(f"{{{name}}}" for name in VARIABLES)
    return [
        _("Unknown variable %(variables)s. Use one of: %(known)s.")
        % {"variables": ", ".join(f"{{{name}}}" for name in unknown), "known": known}
    ]


def person_for(message: Message | None, *, brand: Brand, sender: User) -> Person:
    return Person(
        name=message.author_name if message else "",
        handle=message.author_handle if message else "",
        brand=brand.name,
        sender=str(sender),
    )


def fill(text: str, person: Person) -> str:
    def value(match: re.Match) -> str:
        field = VARIABLES.get(match.group(1).lower())
        return getattr(person, field) if field else match.group(0)

    return VARIABLE.sub(value, text)
