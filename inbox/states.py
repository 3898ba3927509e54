"""How a conversation's state moves: the one table the services, pages and API share.

new → assigned (someone took it) → waiting (we answered; their turn) → resolved; spam and
archived put it aside. A message from them brings a waiting or resolved conversation back to
the desk (assigned if someone holds it, else new); spam and archived stay put.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from inbox.models import ConversationState as S

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Move(StrEnum):
    """What a person does to a conversation's state (assignment has its own service)."""

    WAIT = "wait"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    SPAM = "spam"
    ARCHIVE = "archive"


@dataclass(frozen=True)
class MoveRule:
    label: StrOrPromise  # on buttons and in the API's documentation
    allowed_from: frozenset[str]
    to: str | None  # None: open again (assigned if someone holds it, else new)


OPEN = frozenset({S.NEW, S.ASSIGNED})
ASIDE = frozenset({S.RESOLVED, S.SPAM, S.ARCHIVED})

MOVES: dict[Move, MoveRule] = {
    Move.WAIT: MoveRule(_("Waiting for them"), OPEN, S.WAITING),
    Move.RESOLVE: MoveRule(_("Resolve"), OPEN | {S.WAITING}, S.RESOLVED),
    Move.REOPEN: MoveRule(_("Reopen"), ASIDE | {S.WAITING}, None),
    Move.SPAM: MoveRule(_("Spam"), OPEN | {S.WAITING, S.RESOLVED, S.ARCHIVED}, S.SPAM),
    Move.ARCHIVE: MoveRule(_("Archive"), OPEN | {S.WAITING, S.RESOLVED, S.SPAM}, S.ARCHIVED),
}


def opened(has_assignee: bool) -> str:
    return S.ASSIGNED if has_assignee else S.NEW


def after_move(state: str, move: Move, *, has_assignee: bool) -> str | None:
    """The state `move` leads to from `state`, or None when it does not apply there."""
    rule = MOVES[move]
    if state not in rule.allowed_from:
        return None
    return rule.to or opened(has_assignee)


def moves_from(state: str) -> list[Move]:
    """What a person may do from `state`, in the order the page shows them."""
    return [move for move, rule in MOVES.items() if state in rule.allowed_from]


def after_assignment(state: str, *, has_assignee: bool) -> str:
    """Taking a new conversation makes it assigned; giving it back makes it new again."""
    if state in OPEN:
        return opened(has_assignee)
    return state


def after_their_message(state: str, *, has_assignee: bool) -> str:
    """A message from them reopens what waited for them or was resolved."""
    if state in (S.WAITING, S.RESOLVED):
        return opened(has_assignee)
    return state


def after_our_reply(state: str) -> str:
    """Once we answered, it is their turn."""
    return S.WAITING if state in OPEN else state
