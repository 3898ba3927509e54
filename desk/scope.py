"""Whose desk, over which brands, at which instant: what every card of the home page is given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from accounts.models import Brand, Membership, User
from accounts.permissions import can
from accounts.roles import Perm


@dataclass(frozen=True)
class DeskScope:
    user: User
    memberships: tuple[Membership, ...]  # with their brands loaded
    now: datetime
    brand: Brand | None = None  # the brand page's brand; None: every brand of the user

    def brands(self, perm: Perm = Perm.VIEW) -> list[Brand]:
        """The brands in scope where the user's role has `perm`."""
        return [m.brand for m in self.memberships if can(m, perm)]

    def brand_ids(self, perm: Perm = Perm.VIEW) -> list[int]:
        return [brand.pk for brand in self.brands(perm)]

    def may(self, perm: Perm) -> bool:
        """Whether the user has `perm` in at least one brand in scope."""
        return any(can(m, perm) for m in self.memberships)

    @property
    def several_brands(self) -> bool:
        return len(self.memberships) > 1


def desk_scope(*, user, membership: Membership | None = None, now: datetime | None = None) -> DeskScope:
    """One brand's desk (the user's `membership` of it) or, by default, every brand of the user."""
    if membership is not None:
        return DeskScope(user=user, memberships=(membership,), now=now or timezone.now(), brand=membership.brand)
    memberships = (
        Membership.objects.filter(user=user).select_related("brand", "brand__pause").order_by("brand__name", "pk")
    )
    return DeskScope(user=user, memberships=tuple(memberships), now=now or timezone.now())
