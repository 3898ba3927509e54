"""The cards of the home page, in the order they are drawn. A new capability (inbox, alerts,
numbers) adds its card here with one line; see desk/cards/base.py for what a card is."""

from desk.cards.base import Card, PostsCard, ShownCard
from desk.cards.inbox import Inbox
from desk.cards.numbers import Numbers
from desk.cards.posts import ChangesRequested, ComingUp, NeedsAttention, Overdue, ToReview, UndatedDrafts
from desk.scope import DeskScope

CARDS: list[type[Card]] = [
    ComingUp,
    Inbox,
    ToReview,
    ChangesRequested,
    NeedsAttention,
    Overdue,
    UndatedDrafts,
    Numbers,
]


def cards_for(scope: DeskScope, cards: list[type[Card]] | None = None) -> list[ShownCard]:
    """Each registered card that has something for this person, ready for its template."""
    shown = []
    for card_class in CARDS if cards is None else cards:
        card = card_class()
        if card.applies(scope):
            shown.append(card.show(scope))
    return shown


__all__ = ["CARDS", "Card", "PostsCard", "ShownCard", "cards_for"]
