"""Collecting numbers with pinned times: schedules, claims, snapshots once per slot, rollups,
gaps, rate limits and followers."""

from datetime import timedelta

import pytest
from django.urls import reverse

from analytics.models import AccountSnapshot, DailyRollup, HourRollup, MetricSnapshot, Slot, SnapshotSchedule
from analytics.services import followers_collect, metrics_dispatch, posts_collect
from networks.models import MetricsState
from tests.analytics.conftest import T0, give, published
from tests.networks.test_mastodon import connect_account


def run(now):
    """What beat and the worker do at `now`: dispatch, then every claim's collection."""
    claims = metrics_dispatch(now=now)
    for claim in claims:
        if claim.followers:
            followers_collect(account_id=claim.account_id, now=now)
        else:
            posts_collect(account_id=claim.account_id, claim_id=claim.claim_id, now=now)
    return claims


def snapshot(target, slot):
    return {s.metric: (s.value, s.gap) for s in MetricSnapshot.objects.filter(target=target, slot=slot)}


def rollup(brand, metric):
    row = DailyRollup.objects.filter(brand=brand, metric=metric).first()
    return None if row is None else (row.total, row.count)


@pytest.mark.django_db
def test_nothing_is_read_before_the_first_hour_then_the_1h_snapshot_is_stored(fake_account):
    target = published(fake_account)
    give(fake_account, target, likes=4, reposts=1, replies=2, views=300, reach=250)

    run(T0 + timedelta(minutes=59))
    assert not MetricSnapshot.objects.exists()
    assert SnapshotSchedule.objects.get(target=target).next_slot == Slot.H1

    run(T0 + timedelta(hours=1))
    assert snapshot(target, Slot.H1) == {
        "likes": (4, ""),
        "reposts": (1, ""),
        "replies": (2, ""),
        "views": (300, ""),
        "reach": (250, ""),
    }
    schedule = SnapshotSchedule.objects.get(target=target)
    assert (schedule.next_slot, schedule.due_at) == (Slot.H6, T0 + timedelta(hours=6))


@pytest.mark.django_db
def test_every_slot_is_taken_once_and_the_rollups_hold_the_latest_numbers(fake_account, brand_a):
    target = published(fake_account)
    for hours, likes in ((1, 2), (6, 5), (24, 9), (72, 9), (168, 12), (720, 15)):
        give(fake_account, target, likes=likes, reposts=0, replies=1, views=100, reach=80)
        run(T0 + timedelta(hours=hours))
        run(T0 + timedelta(hours=hours, minutes=1))  # beat again: nothing more is due
    assert sorted(MetricSnapshot.objects.filter(metric="likes").values_list("slot", "value")) == [
        (1, 2),
        (6, 5),
        (24, 9),
        (72, 9),
        (168, 12),
        (720, 15),
    ]
    assert SnapshotSchedule.objects.get(target=target).next_slot is None
    assert rollup(brand_a, "likes") == (15, 1)
    assert rollup(brand_a, "engagement") == (16, 1)  # likes 15 + reposts 0 + replies 1
    hour = HourRollup.objects.get(brand=brand_a, metric="likes")
    assert (hour.weekday, hour.hour, hour.total) == (0, 10, 15)  # Monday 10:00 in Paris


@pytest.mark.django_db
def test_a_collection_delivered_twice_stores_the_slot_once(fake_account, brand_a):
    target = published(fake_account)
    give(fake_account, target, likes=3, reposts=0, replies=0, views=10, reach=9)
    (claim,) = metrics_dispatch(now=T0 + timedelta(hours=1, seconds=5))[:1]

    assert posts_collect(account_id=claim.account_id, claim_id=claim.claim_id, now=T0 + timedelta(hours=1)) == 1
    assert posts_collect(account_id=claim.account_id, claim_id=claim.claim_id, now=T0 + timedelta(hours=1)) == 0

    assert MetricSnapshot.objects.filter(target=target).count() == 5
    assert rollup(brand_a, "likes") == (3, 1)


@pytest.mark.django_db
def test_two_dispatchers_at_once_claim_a_due_target_once(fake_account):
    published(fake_account)
    now = T0 + timedelta(hours=1)
    first, second = metrics_dispatch(now=now), metrics_dispatch(now=now)
    assert len([c for c in first if not c.followers]) == 1
    assert [c for c in second if not c.followers] == []


@pytest.mark.django_db
def test_a_deleted_post_records_the_gap_and_the_rollups_keep_its_last_numbers(fake_account, brand_a):
    target, other = published(fake_account), published(fake_account)
    give(fake_account, target, likes=7, reposts=0, replies=0, views=50, reach=40)
    give(fake_account, other, likes=1, reposts=0, replies=0, views=5, reach=4)
    run(T0 + timedelta(hours=1))
    fake_account.config["deleted_posts"] = [target.remote_id]
    fake_account.save()

    run(T0 + timedelta(hours=6))

    assert snapshot(target, Slot.H6)["likes"] == (None, "deleted")
    assert snapshot(other, Slot.H6)["likes"] == (1, "")
    assert rollup(brand_a, "likes") == (8, 2)
    assert SnapshotSchedule.objects.get(target=target).next_slot == Slot.H24  # collection goes on


@pytest.mark.django_db
def test_a_renamed_metric_is_a_gap_and_never_zero(fake_account, brand_a):
    target = published(fake_account)
    give(fake_account, target, reposts=2, replies=1, views=50, reach=40, likes_v2=9)  # "likes" renamed
    run(T0 + timedelta(hours=1))
    assert snapshot(target, Slot.H1)["likes"] == (None, "unsupported")
    assert rollup(brand_a, "likes") is None  # not available, not 0
    assert rollup(brand_a, "reposts") == (2, 1)


@pytest.mark.django_db
def test_a_rate_limit_stores_nothing_pauses_the_account_until_the_reset_and_says_so(
    brand_a, owner, client, mastodon_server
):
    account = connect_account(brand_a, mastodon_server)
    target = published(account, remote_id=account.adapter().publish(text="Hi", media=[], key="k1").remote_id)
    mastodon_server.set_counts(target.remote_id, replies=1, reblogs=2, favourites=3)
    mastodon_server.fail_next(429, path="/api/v1/statuses/", reset_in=120)
    now = T0 + timedelta(hours=1)

    run(now)

    assert not MetricSnapshot.objects.exists()
    state = MetricsState.objects.get(account=account)
    assert state.paused_until is not None and state.paused_until - now > timedelta(seconds=60)
    assert "slow down" in state.last_error
    client.force_login(owner)
    page = client.get(reverse("networks:list", args=[brand_a.slug])).content.decode()
    assert "slow down" in page

    calls = len(mastodon_server.requests_to("GET", "/api/v1/statuses/"))
    run(now + timedelta(seconds=30))  # paused: not a single call
    assert len(mastodon_server.requests_to("GET", "/api/v1/statuses/")) == calls

    run(state.paused_until + timedelta(seconds=1))
    assert snapshot(target, Slot.H1) == {"likes": (3, ""), "reposts": (2, ""), "replies": (1, "")}
    assert MetricsState.objects.get(account=account).last_error == ""


@pytest.mark.django_db
def test_an_account_reads_at_its_pace_per_dispatch(fake_account, settings):
    settings.METRICS_CALLS_PER_MINUTE = 2
    settings.METRICS_DISPATCH_INTERVAL = 30  # one call per run, of 50 posts (the fake's batch)
    for _ in range(60):
        published(fake_account)
    run(T0 + timedelta(hours=1))
    assert MetricSnapshot.objects.values("target").distinct().count() == 50
    run(T0 + timedelta(hours=1, seconds=30))
    assert MetricSnapshot.objects.values("target").distinct().count() == 60


@pytest.mark.django_db
def test_followers_are_read_once_a_day(fake_account):
    fake_account.config["followers"] = 120
    fake_account.save()
    run(T0)
    run(T0 + timedelta(hours=2))
    fake_account.config["followers"] = 130
    fake_account.save()
    run(T0 + timedelta(days=1))
    assert list(AccountSnapshot.objects.order_by("day").values_list("day", "value")) == [
        (T0.date(), 120),
        ((T0 + timedelta(days=1)).date(), 130),
    ]
