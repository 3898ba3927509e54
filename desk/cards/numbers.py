"""The home page's numbers card: the analytics app's figures for the last 7 days, per brand."""

from django.utils.translation import gettext_lazy as _

from accounts.roles import Perm
from analytics import selectors
from desk.cards.base import Card
from desk.scope import DeskScope


class Numbers(Card):
    key = "numbers"
    title = _("The last 7 days in numbers")
    template = "analytics/numbers_card.html"

    def applies(self, scope: DeskScope) -> bool:
        return scope.may(Perm.VIEW_ANALYTICS)

    def context(self, scope: DeskScope) -> dict:
        return {"rows": selectors.brands_numbers(scope.brands(Perm.VIEW_ANALYTICS), days=7)}
