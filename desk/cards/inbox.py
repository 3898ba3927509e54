"""The home page's inbox card: per brand, what waits for an answer (new, due soon, assigned to
me), each figure a link to the inbox filtered the same way. One query for every brand."""

from django.utils.translation import gettext_lazy as _

from accounts.roles import Perm
from desk.cards.base import Card
from desk.scope import DeskScope
from inbox import selectors


class Inbox(Card):
    key = "inbox"
    title = _("Inbox")
    template = "desk/cards/inbox.html"

    def context(self, scope: DeskScope) -> dict:
        rows = selectors.inbox_figures(scope.brands(Perm.VIEW), user=scope.user, now=scope.now)
        return {"rows": rows, "several_brands": scope.several_brands}
