"""Why a due post has not gone out yet, and until when: one answer for the post page, the post
list, the calendar's tooltip and the API.

Only targets that are due (approved post, time come) and not done have a wait. The reasons, in
order: the account needs reconnecting or is disconnected; the brand is paused; a pause left the
post for a manager's decision; the network asked the account to slow down (a 429); the
account's budget or a documented posting limit (e.g. Instagram's 50 posts a day) is spent; a
retry is scheduled; the worker sending it stopped mid-call (being checked); else it waits for
its turn behind the account's other posts. Everything is computed from rows already read plus
at most three small queries per page (accounts' holds, overdue holds), and rendered in the
reader's language (cm_platform/reasons.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Brand
from cm_platform.reasons import Reason, reason
from networks import budget
from networks.models import AccountStatus
from networks.registry import get_adapter_class
from posts.models import PostState, TargetState
from publishing.models import OverdueHold, Pause
from publishing.pause import pause_of


class WaitCode(StrEnum):
    RECONNECT = "needs_reconnect"
    DISCONNECTED = "disconnected"
    BRAND_PAUSED = "brand_paused"
    OVERDUE = "overdue_after_pause"
    RATE_LIMITED = "rate_limited"
    BUDGET_SPENT = "budget_spent"
    ACTION_LIMIT = "action_limit"
    RETRY = "retry_scheduled"
    WORKER_LOST = "worker_lost"
    QUEUED = "queued"


@dataclass(frozen=True)
class Wait:
    code: WaitCode
    reason: Reason
    until: datetime | None = None
    link: str = ""  # where a person acts (the Networks page to reconnect)

    @property
    def text(self) -> str:
        return str(self.reason)

    def as_json(self) -> dict[str, Any]:
        return {"code": str(self.code), "text": self.text, "until": self.until, "link": self.link}


@dataclass(frozen=True)
class TargetFacts:
    """What the rules read of a target (rows or model instances give them)."""

    pk: int
    post_id: int
    post_state: str
    scheduled_at: datetime | None
    state: str
    account_id: int
    account_name: str
    network: str
    account_status: str
    next_attempt_at: datetime | None
    lease_expires_at: datetime | None
    called_at: datetime | None

    @classmethod
    def of(cls, target) -> TargetFacts:
        """From a PostTarget with its post and account loaded."""
        return cls(
            target.pk,
            target.post_id,
            target.post.state,
            target.post.scheduled_at,
            target.state,
            target.account_id,
            target.account.display_name,
            target.account.network,
            target.account.status,
            target.next_attempt_at,
            target.lease_expires_at,
            target.called_at,
        )

    def due(self, now: datetime) -> bool:
        waiting = self.state in (TargetState.PENDING, TargetState.PUBLISHING)
        return (
            waiting and self.post_state == PostState.APPROVED and bool(self.scheduled_at and self.scheduled_at <= now)
        )


def waits(targets: list[TargetFacts], *, brand: Brand, now: datetime | None = None) -> dict[int, Wait]:
    """target id -> why it waits, for the due ones among `targets` (all of `brand`)."""
    now = now or timezone.now()
    due = [target for target in targets if target.due(now)]
    if not due:
        return {}
    room = budget.room(now=now, account_ids={target.account_id for target in due})
    held_posts = set(OverdueHold.objects.filter(post_id__in={t.post_id for t in due}).values_list("post_id", flat=True))
    context = _Context(brand, now, room, held_posts, pause_of(brand))
    return {target.pk: context.wait(target) for target in due}


def waits_of(targets, *, brand: Brand, now: datetime | None = None) -> dict[int, Wait]:
    """The same from PostTarget instances (post and account loaded)."""
    return waits([TargetFacts.of(target) for target in targets], brand=brand, now=now)


@dataclass
class _Context:
    brand: Brand
    now: datetime
    room: budget.Room
    held_posts: set[int]
    pause: Pause | None

    def wait(self, target: TargetFacts) -> Wait:
        account = target.account_name
        if target.account_status == AccountStatus.NEEDS_RECONNECT:
            link = reverse("networks:list", kwargs={"brand_slug": self.brand.slug})
            text = reason("%(account)s needs reconnecting: nothing goes out on it until an owner reconnects it.")
            return Wait(WaitCode.RECONNECT, text % {"account": account}, link=link)
        if target.account_status == AccountStatus.DISABLED:
            text = reason("%(account)s is disconnected: nothing goes out on it.", account=account)
            return Wait(WaitCode.DISCONNECTED, text)
        if self.pause is not None:
            return self._brand_paused(self.pause)
        if target.post_id in self.held_posts:
            text = reason("It fell due while publishing was paused: a manager publishes it, moves it or cancels it.")
            return Wait(WaitCode.OVERDUE, text)
        if target.state == TargetState.PUBLISHING:
            return self._publishing(target)
        hold = self.room.hold_for(target.account_id, target.network)
        if hold is not None:
            return hold_wait(hold, account=account, network=target.network, brand=self.brand)
        if target.next_attempt_at and target.next_attempt_at > self.now:
            text = reason("It will be tried again at %(time)s.", time=at(target.next_attempt_at, self.brand))
            return Wait(WaitCode.RETRY, text, until=target.next_attempt_at)
        return Wait(
            WaitCode.QUEUED,
            reason("Due: it goes out in turn after the posts before it on %(account)s.", account=account),
        )

    def _brand_paused(self, pause: Pause) -> Wait:
        if pause.resume_at:
            text = reason("Publishing is paused for %(brand)s until %(time)s.")
            return Wait(
                WaitCode.BRAND_PAUSED,
                text % {"brand": self.brand.name, "time": at(pause.resume_at, self.brand)},
                until=pause.resume_at,
            )
        return Wait(WaitCode.BRAND_PAUSED, reason("Publishing is paused for %(brand)s.", brand=self.brand.name))

    def _publishing(self, target: TargetFacts) -> Wait:
        lease = target.lease_expires_at
        if lease is not None and lease < self.now and target.called_at is not None:
            # The sweeper hands it to recovery within its interval; the look then takes one call.
            until = lease + timedelta(seconds=settings.PUBLISH_SWEEP_INTERVAL + settings.HTTP_TIMEOUT[1])
            text = reason(
                "The worker sending it stopped mid-call: checking whether it went out, at most until %(time)s."
            )
            return Wait(WaitCode.WORKER_LOST, text % {"time": at(until, self.brand)}, until=until)
        return Wait(WaitCode.QUEUED, reason("It is being published on %(account)s.", account=target.account_name))


def hold_wait(hold: budget.Hold, *, account: str, network: str, brand: Brand) -> Wait:
    """Words for an account its budget holds (also stored when a publish had to stop)."""
    when = at(hold.until, brand)
    name = _network_name(network)
    if hold.paused:
        text = reason("%(network)s asked to slow down: nothing goes out on %(account)s until %(time)s.")
        return Wait(WaitCode.RATE_LIMITED, text % {"network": name, "account": account, "time": when}, hold.until)
    period = budget.period_words(hold.seconds)
    if hold.kind == budget.POSTS:
        text = reason(
            "%(network)s allows %(limit)d posts per %(period)s on an account; %(account)s reached it "
            "and waits until %(time)s."
        )
        values = {"network": name, "limit": hold.limit, "period": period, "account": account, "time": when}
        return Wait(WaitCode.ACTION_LIMIT, text % values, hold.until)
    text = reason("%(account)s used its %(limit)d calls per %(period)s to %(network)s: it waits until %(time)s.")
    values = {"network": name, "limit": hold.limit, "period": period, "account": account, "time": when}
    return Wait(WaitCode.BUDGET_SPENT, text % values, hold.until)


def budget_reason(refusal: budget.OverBudget, account) -> Reason:
    """What a publish stopped by the budget stores (the engine's _wait_for_budget)."""
    rate = refusal.rate
    hold = budget.Hold(
        until=refusal.until,
        kind=refusal.kind,
        paused=refusal.paused,
        limit=rate.limit if rate else 0,
        seconds=rate.seconds if rate else 0,
    )
    if refusal.kind == budget.MEDIA and not refusal.paused and rate is not None:
        text = reason("%(account)s used its %(limit)d uploads per %(period)s: the post waits until %(time)s.")
        values = {"account": account.display_name, "limit": rate.limit, "period": budget.period_words(rate.seconds)}
        return text % {**values, "time": at(refusal.until, account.brand)}
    return hold_wait(hold, account=account.display_name, network=account.network, brand=account.brand).reason


def at(moment: datetime, brand: Brand) -> str:
    """A time in the brand's zone: 14:05 today, else 2026-12-03 14:05."""
    local = moment.astimezone(brand.tz)
    if local.date() == timezone.now().astimezone(brand.tz).date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def _network_name(slug: str) -> str:
    try:
        return get_adapter_class(slug).name
    except LookupError:
        return slug
