"""What every brand page needs from the engine: the crisis pause banner and, for the people who
can act on it, the engine's health banner."""

from accounts.permissions import can
from accounts.roles import Perm
from publishing.health import engine_problems
from publishing.models import OverdueHold
from publishing.pause import pause_of


def engine(request) -> dict:
    brand = getattr(request, "brand", None)
    if brand is None:
        return {}
    pause = pause_of(brand)  # loaded with the brand by the brand gate: no query
    context: dict = {"brand_pause": pause, "paused_brand": brand if pause else None}
    membership = getattr(request, "membership", None)
    if can(membership, Perm.PAUSE):
        context["engine_problems"] = engine_problems()
        context["may_pause"] = True
        context["overdue_count"] = OverdueHold.objects.filter(post__brand=brand).count()
    elif membership is not None:
        # An author whose post a pause left waiting is told too: a manager decides its fate.
        context["overdue_mine"] = OverdueHold.objects.filter(post__brand=brand, post__author=request.user).count()
    return context
