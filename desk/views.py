"""The home page, "Today": one brand's, or every brand of the user's at once."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.permissions import brand_view
from accounts.roles import Perm
from desk.cards import cards_for
from desk.scope import DeskScope, desk_scope
from publishing.pause import is_paused


def _page(request, scope: DeskScope):
    cards = cards_for(scope)
    context = {
        "scope": scope,
        "main_cards": [card for card in cards if card.area == "main"],
        "side_cards": [card for card in cards if card.area != "main"],
        "paused": [brand for brand in scope.brands() if is_paused(brand)],
    }
    return render(request, "desk/today.html", context)


@login_required
def today(request):
    """Every brand of the user's: the landing page of those who work on several."""
    scope = desk_scope(user=request.user)
    if not scope.memberships:
        return render(request, "accounts/no_brand.html")
    return _page(request, scope)


@brand_view(Perm.VIEW)
def brand_today(request):
    return _page(request, desk_scope(user=request.user, membership=request.membership))
