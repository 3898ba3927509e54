"""Collecting numbers from the networks: schedules, claims, snapshots and rollups.

Beat's dispatcher (`metrics_dispatch`) gives every newly published target of a network that
gives metrics a schedule, claims what is due (a compare-and-set on a lease, so two dispatchers
or a task delivered twice never read the same thing twice) within each account's pace, and
returns the claims for tasks to collect. A collection stores each target's snapshot and moves its
schedule on in one transaction, under the claim and the slot it was claimed for: a second run of
the same task finds the slot taken and stores nothing. The rollups change in that transaction.
A failed read (429, unreachable, refused credentials) stores nothing, pauses the account's reads
for as long as the network asked (or a back-off), and is shown on the Networks page.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from analytics import schedule
from analytics.models import (
    ENGAGEMENT,
    ENGAGEMENT_WITH_REACH,
    AccountSnapshot,
    DailyRollup,
    HourRollup,
    MetricSnapshot,
    SnapshotSchedule,
)
from networks.base import ErrorKind, PublishError
from networks.capabilities.metrics import ENGAGEMENT_METRICS, Counters, GapReason, Metric, reads_metrics
from networks.models import AccountStatus, MetricsState, NetworkAccount
from networks.registry import ADAPTERS, get_adapter_class
from posts.models import PostTarget, TargetState

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claim:
    account_id: int
    claim_id: str
    followers: bool = False  # a followers read, else the posts claimed under claim_id


def metric_networks() -> list[str]:
    return [slug for slug in ADAPTERS if reads_metrics(get_adapter_class(slug))]


# --- the dispatcher --------------------------------------------------------------------------
def metrics_dispatch(*, now: datetime) -> list[Claim]:
    """Schedule what is new, claim what is due; the caller enqueues one task per claim."""
    schedules_create(now=now)
    states_create(now=now)
    paused = set(MetricsState.objects.filter(paused_until__gt=now).values_list("account_id", flat=True)) | set(
        NetworkAccount.objects.exclude(status=AccountStatus.CONNECTED).values_list("pk", flat=True)
    )
    return _claim_posts(now=now, paused=paused) + _claim_followers(now=now, paused=paused)


def schedules_create(*, now: datetime) -> int:
    """A schedule for each published target of a metrics network that has none yet."""
    fresh = PostTarget.objects.filter(
        state=TargetState.PUBLISHED,
        published_at__gte=now - schedule.DISCOVERY_WINDOW,
        snapshot_schedule__isnull=True,
        account__network__in=metric_networks(),
    ).exclude(remote_id="")
    rows = []
    for target_id, account_id, brand_id, published_at in fresh.values_list(
        "pk", "account_id", "post__brand_id", "published_at"
    ):
        assert published_at is not None  # published targets only
        slot = schedule.first_slot(published_at, now)
        if slot is not None:
            due = schedule.slot_due_at(published_at, slot, target_id)
            rows.append(
                SnapshotSchedule(
                    target_id=target_id,
                    account_id=account_id,
                    brand_id=brand_id,
                    published_at=published_at,
                    next_slot=slot,
                    due_at=due,
                )
            )
    SnapshotSchedule.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def states_create(*, now: datetime) -> None:
    accounts = NetworkAccount.objects.filter(network__in=metric_networks(), metrics_state__isnull=True)
    MetricsState.objects.bulk_create(
        [MetricsState(account_id=pk, followers_due_at=now) for pk in accounts.values_list("pk", flat=True)],
        ignore_conflicts=True,
    )


def _free(now: datetime) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def _claim_posts(*, now: datetime, paused: set[int]) -> list[Claim]:
    due = (
        SnapshotSchedule.objects.filter(_free(now), due_at__lte=now)
        .exclude(account_id__in=paused)
        .order_by("due_at")
        .values_list("pk", "account_id", "account__network")[: settings.METRICS_DISPATCH_BATCH]
    )
    by_account: dict[int, list[int]] = defaultdict(list)
    for pk, account_id, network in due:
        # The account's pace: so many calls per minute, each reading a batch of its posts.
        per_run = _calls_per_run() * get_adapter_class(network).metrics_batch_size
        if len(by_account[account_id]) < per_run:
            by_account[account_id].append(pk)
    claims = []
    for account_id, ids in by_account.items():
        claim_id = uuid.uuid4().hex
        taken = SnapshotSchedule.objects.filter(_free(now), pk__in=ids).update(
            claim_id=claim_id, claimed_until=now + timedelta(seconds=settings.METRICS_LEASE_SECONDS)
        )
        if taken:
            claims.append(Claim(account_id, claim_id))
    return claims


def _calls_per_run() -> int:
    return max(1, int(settings.METRICS_CALLS_PER_MINUTE * settings.METRICS_DISPATCH_INTERVAL / 60))


def _claim_followers(*, now: datetime, paused: set[int]) -> list[Claim]:
    due = MetricsState.objects.filter(_free(now), followers_due_at__lte=now).exclude(account_id__in=paused)
    claims = []
    for account_id in due.values_list("account_id", flat=True):
        claim_id = uuid.uuid4().hex
        lease = now + timedelta(seconds=settings.METRICS_LEASE_SECONDS)
        if MetricsState.objects.filter(_free(now), account_id=account_id).update(claimed_until=lease):
            claims.append(Claim(account_id, claim_id, followers=True))
    return claims


# --- collecting a post's numbers ------------------------------------------------------------
def posts_collect(*, account_id: int, claim_id: str, now: datetime | None = None) -> int:
    """Read the numbers of the posts claimed under `claim_id`; returns how many were stored."""
    now = now or timezone.now()
    account = NetworkAccount.objects.select_related("brand").get(pk=account_id)
    if _paused(account, now):
        SnapshotSchedule.objects.filter(account=account, claim_id=claim_id).update(claim_id="", claimed_until=None)
        return 0
    claimed = list(
        SnapshotSchedule.objects.filter(account=account, claim_id=claim_id)
        .exclude(next_slot=None)
        .select_related("target__post")
    )
    adapter = account.adapter()
    stored = 0
    size = max(1, adapter.metrics_batch_size)
    for start in range(0, len(claimed), size):
        chunk = claimed[start : start + size]
        try:
            read = adapter.read_post_metrics(remote_ids=[s.target.remote_id for s in chunk])
        except PublishError as error:
            _read_failed(account, error, now=now, released=claimed[start:])
            return stored
        for item in chunk:
            counters = read.get(item.target.remote_id) or _unanswered(adapter.post_metrics)
            stored += snapshot_store(schedule_row=item, counters=counters, account=account, now=now)
    _read_succeeded(account, now=now)
    return stored


def _unanswered(metrics: Iterable[Metric]) -> Counters:
    return Counters.gap_for_all(metrics, GapReason.MALFORMED, "the answer left this post out")


def snapshot_store(
    *, schedule_row: SnapshotSchedule, counters: Counters, account: NetworkAccount, now: datetime
) -> int:
    """Store one target's snapshot for the slot it was claimed for, once; 1 if stored."""
    with transaction.atomic():
        row = (
            SnapshotSchedule.objects.select_for_update()
            .filter(pk=schedule_row.pk, claim_id=schedule_row.claim_id, next_slot=schedule_row.next_slot)
            .first()
        )
        if row is None:
            return 0  # another run stored this slot first
        slot = int(row.next_slot or 0)
        MetricSnapshot.objects.bulk_create(_snapshot_rows(row.target_id, slot, counters, now))
        latest = {**row.latest, **{str(metric): value for metric, value in counters.values.items()}}
        latest = _with_engagement(latest)
        target = schedule_row.target
        rollups_add(
            target=target, network=account.network, zone=account.brand.time_zone, before=row.latest, after=latest
        )
        following = schedule.slot_after(slot)
        row.latest = latest
        row.engagement = latest.get(ENGAGEMENT)
        row.next_slot = following
        published_at = target.published_at
        assert published_at is not None  # only published targets have a schedule
        row.due_at = None if following is None else schedule.slot_due_at(published_at, following, target.pk)
        row.claim_id, row.claimed_until = "", None
        row.save(update_fields=["latest", "engagement", "next_slot", "due_at", "claim_id", "claimed_until"])
    return 1


def _snapshot_rows(target_id: int, slot: int, counters: Counters, now: datetime) -> list[MetricSnapshot]:
    rows = [
        MetricSnapshot(target_id=target_id, slot=slot, metric=str(metric), value=value, taken_at=now)
        for metric, value in counters.values.items()
    ]
    rows += [
        MetricSnapshot(
            target_id=target_id, slot=slot, metric=str(metric), gap=str(gap.reason), detail=gap.detail, taken_at=now
        )
        for metric, gap in counters.gaps.items()
    ]
    return rows


def _with_engagement(latest: dict[str, int]) -> dict[str, int]:
    parts = [latest[str(metric)] for metric in ENGAGEMENT_METRICS if str(metric) in latest]
    latest = {name: value for name, value in latest.items() if name not in (ENGAGEMENT, ENGAGEMENT_WITH_REACH)}
    if not parts:
        return latest
    if str(Metric.REACH) in latest:
        latest[ENGAGEMENT_WITH_REACH] = sum(parts)
    return {**latest, ENGAGEMENT: sum(parts)}


# --- rollups ---------------------------------------------------------------------------------
def rollups_add(
    *, target: PostTarget, network: str, zone: str, before: Mapping[str, int], after: Mapping[str, int]
) -> None:
    """Move the rollups of the target's publishing day and hour from `before` to `after`."""
    assert target.published_at is not None
    local = target.published_at.astimezone(ZoneInfo(zone))
    daily = {
        "brand_id": target.post.brand_id,
        "day": local.date(),
        "network": network,
        "campaign_key": target.post.campaign_id or 0,
    }
    hourly = {"brand_id": target.post.brand_id, "network": network, "weekday": local.weekday(), "hour": local.hour}
    for metric, value in after.items():
        if before.get(metric) == value:
            continue
        total, count = value - before.get(metric, 0), 0 if metric in before else 1
        _increment(DailyRollup, {**daily, "metric": metric}, total, count)
        _increment(HourRollup, {**hourly, "metric": metric}, total, count)


def _increment(model, key: dict, total: int, count: int) -> None:
    if model.objects.filter(**key).update(total=F("total") + total, count=F("count") + count):
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, total=total, count=count)
    except IntegrityError:  # made meanwhile by another collection
        model.objects.filter(**key).update(total=F("total") + total, count=F("count") + count)


# --- followers -------------------------------------------------------------------------------
def followers_collect(*, account_id: int, now: datetime | None = None) -> bool:
    """Read the account's followers; stored once per day in the brand's zone."""
    now = now or timezone.now()
    account = NetworkAccount.objects.select_related("brand").get(pk=account_id)
    if _paused(account, now):
        MetricsState.objects.filter(account=account).update(claimed_until=None)
        return False
    try:
        counters = account.adapter().read_account_metrics()
    except PublishError as error:
        _read_failed(account, error, now=now, released=[])
        return False
    day = now.astimezone(ZoneInfo(account.brand.time_zone)).date()
    rows = [
        AccountSnapshot(account=account, day=day, metric=str(m), value=v, taken_at=now)
        for m, v in counters.values.items()
    ]
    rows += [
        AccountSnapshot(account=account, day=day, metric=str(m), gap=str(g.reason), detail=g.detail, taken_at=now)
        for m, g in counters.gaps.items()
    ]
    AccountSnapshot.objects.bulk_create(rows, ignore_conflicts=True)
    due = schedule.followers_due_after(now, account.brand.time_zone, account.pk)
    MetricsState.objects.filter(account=account).update(followers_due_at=due, claimed_until=None)
    _read_succeeded(account, now=now)
    return True


def _paused(account: NetworkAccount, now: datetime) -> bool:
    """A read claimed just before another one of the account hit a rate limit waits too."""
    return MetricsState.objects.filter(account=account, paused_until__gt=now).exists()


# --- outcomes of a read ----------------------------------------------------------------------
def _read_succeeded(account: NetworkAccount, *, now: datetime) -> None:
    MetricsState.objects.filter(account=account).update(last_success_at=now, last_error="", last_error_at=None)


def _read_failed(
    account: NetworkAccount, error: PublishError, *, now: datetime, released: list[SnapshotSchedule]
) -> None:
    """Nothing is stored: the claims are given back, due again once the network's wait is over
    (a 429's reset) or after a back-off, and the account's reads pause as long."""
    if error.kind == ErrorKind.RECONNECT:
        wait = settings.METRICS_RECONNECT_BACKOFF_SECONDS
    else:
        wait = error.retry_after or settings.METRICS_RETRY_SECONDS
    resume = now + timedelta(seconds=wait)
    SnapshotSchedule.objects.filter(pk__in=[s.pk for s in released], claim_id__gt="").update(
        claim_id="", claimed_until=None, due_at=resume
    )
    MetricsState.objects.filter(account=account).update(
        paused_until=resume, claimed_until=None, last_error=error.message[:1000], last_error_at=now
    )
    logger.info("metrics of account %s not read (%s): %s", account.pk, error.kind, error.message)
