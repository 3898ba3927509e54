"""The crisis pause: a manager stops everything a brand publishes, from this instant, until they
resume it (or the time they chose comes). Posts that fell due meanwhile are not fired in a burst
on resume: each gets an OverdueHold and waits for a person's decision (publishing/decisions.py).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Brand
from accounts.permissions import require_member
from accounts.roles import Perm
from posts.models import Post, PostState, TargetState
from publishing.db import pause_lock
from publishing.models import OverdueHold, Pause


def pause_of(brand: Brand) -> Pause | None:
    """The brand's pause, or None. Django caches the answer on the brand (an absent pause too),
    so a page asking several times pays one query at most."""
    try:
        return brand.pause
    except Pause.DoesNotExist:
        return None


def is_paused(brand: Brand) -> bool:
    return pause_of(brand) is not None


@transaction.atomic
def brand_pause(*, brand: Brand, user, reason: str, resume_at: datetime | None = None) -> Brand:
    """Stop everything for the brand from this instant (the dispatcher re-checks when claiming).
    Pausing a paused brand changes its reason and time to resume, not its instant."""
    require_member(user, brand, Perm.PAUSE)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why publishing is paused: your team will see it.")})
    if resume_at is not None and resume_at <= timezone.now():
        raise ValidationError({"resume_at": _("The time to resume must be in the future.")})
    pause_lock(brand.pk, shared=False)
    Brand.objects.select_for_update().only("pk").get(pk=brand.pk)  # pause and resume take turns on the brand
    # The instant is read once the locks are ours: every call start before it has committed.
    pause = Pause.objects.filter(brand_id=brand.pk).first() or Pause(brand_id=brand.pk, paused_at=timezone.now())
    pause.paused_by, pause.reason, pause.resume_at = user, reason[:300], resume_at
    pause.save()
    return Brand.objects.select_related("pause").get(pk=brand.pk)


def brand_resume(*, brand: Brand, user) -> int:
    """Lift the pause; returns how many posts fell due meanwhile and now wait on the overdue list."""
    require_member(user, brand, Perm.PAUSE)
    return _resume(brand, actor=user, now=timezone.now())


def brands_resume_due(*, now: datetime) -> None:
    """The automatic resume at the time the manager chose (run by the dispatcher)."""
    for pause in Pause.objects.filter(resume_at__lte=now).select_related("brand"):
        _resume(pause.brand, actor=None, now=now)


@transaction.atomic
def _resume(brand: Brand, *, actor, now: datetime) -> int:
    Brand.objects.select_for_update().only("pk").get(pk=brand.pk)  # pause and resume take turns on the brand
    if not Pause.objects.filter(brand_id=brand.pk).delete()[0]:
        return 0
    overdue = Post.objects.filter(
        brand=brand, state=PostState.APPROVED, scheduled_at__lte=now, targets__state=TargetState.PENDING
    ).exclude(overdue_hold__isnull=False)
    held = OverdueHold.objects.bulk_create(OverdueHold(post=post, resumed_by=actor) for post in overdue.distinct())
    return len(held)
