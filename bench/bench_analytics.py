"""Benchmark of a brand's analytics page: 10,000 published targets and 300,000 metric snapshots.

Prints JSON: server time per page (p50/p95 wall time over repeated calls through Django's test
client: middleware, session, the view, the template), CPU time per call and the number of SQL
queries for 10,000 targets and for 10, which must be the same (the page reads the engine's
targets and the daily rollups, never the snapshots).

    .venv/bin/python bench/bench_analytics.py [--runs 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cm_platform .venv/bin/python bench/bench_analytics.py

It works in a throw-away test database (the settings of the test suite), never in yours.
"""

import argparse
import json
import os
import random
import sys
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cm_platform.settings_test")

import django  # noqa: E402

from bench import harness  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

# 10,200 targets: 10,000 published (6 slots x 5 metrics: 300,000 snapshots) and 200 failed.
TARGETS, SLOTS, METRICS = 10_200, (1, 6, 24, 72, 168, 720), ("likes", "reposts", "replies", "views", "reach")


def seed(targets: int, tag: str, *, days: int = 90, campaigns: int = 6):
    from accounts.models import Brand, Membership, User
    from accounts.roles import Role
    from analytics.models import DailyRollup, HourRollup, MetricSnapshot, SnapshotSchedule
    from analytics.services import _with_engagement
    from networks.models import NetworkAccount
    from posts.models import Campaign, Post, PostState, PostTarget, TargetState

    rng = random.Random(7)
    brand = Brand.objects.create(name=f"Bench {tag}", slug=f"bench-{tag}", time_zone="Europe/Paris")
    user = User.objects.create_user(email=f"bench{tag}@example.com", password="x" * 20)
    Membership.objects.create(user=user, brand=brand, role=Role.VIEWER)
    accounts = NetworkAccount.objects.bulk_create(
        NetworkAccount(brand=brand, network=("fake", "mastodon", "bluesky")[i % 3], display_name=f"A{i}")
        for i in range(6)
    )
    made = Campaign.objects.bulk_create(Campaign(brand=brand, name=f"Campaign {i}") for i in range(campaigns))
    now = timezone.now()
    times = [now - timedelta(minutes=rng.randrange(days * 24 * 60)) for _ in range(targets)]
    posts = Post.objects.bulk_create(
        Post(
            brand=brand,
            text=f"Post {n}",
            state=PostState.APPROVED,
            scheduled_at=times[n],
            campaign=made[n % (campaigns + 1)] if n % (campaigns + 1) < campaigns else None,
        )
        for n in range(targets)
    )
    rows = PostTarget.objects.bulk_create(
        PostTarget(
            post=post,
            account=accounts[n % len(accounts)],
            state=TargetState.PUBLISHED if n % 51 else TargetState.FAILED,
            remote_id=f"r{tag}-{n}",
            published_at=times[n] + timedelta(seconds=rng.choice((0.4, 1.2, 30, 900))) if n % 51 else None,
            lateness_seconds=rng.choice((0.4, 1.2, 30, 900)),
        )
        for n, post in enumerate(posts)
    )
    snapshots, schedules = [], []
    daily: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    hourly: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for target, post in zip(rows, posts, strict=True):
        if target.published_at is None:
            continue
        latest = {}
        for slot in SLOTS:
            for metric in METRICS:
                value = rng.randrange(1, 50) * slot // 10 + 1
                snapshots.append(MetricSnapshot(target=target, slot=slot, metric=metric, value=value))
                latest[metric] = value
        latest = _with_engagement(latest)
        schedules.append(
            SnapshotSchedule(
                target=target,
                account=target.account,
                brand=brand,
                published_at=target.published_at,
                next_slot=None,
                latest=latest,
                engagement=latest["engagement"],
            )
        )
        local = target.published_at.astimezone(brand.tz)
        for metric, value in latest.items():
            key = (local.date(), target.account.network, post.campaign_id or 0, metric)
            daily[key][0] += value
            daily[key][1] += 1
            hour_key = (target.account.network, local.weekday(), local.hour, metric)
            hourly[hour_key][0] += value
            hourly[hour_key][1] += 1
    with transaction.atomic():
        MetricSnapshot.objects.bulk_create(snapshots, batch_size=5000)
        SnapshotSchedule.objects.bulk_create(schedules, batch_size=5000)
        DailyRollup.objects.bulk_create(
            DailyRollup(brand=brand, day=k[0], network=k[1], campaign_key=k[2], metric=k[3], total=v[0], count=v[1])
            for k, v in daily.items()
        )
        HourRollup.objects.bulk_create(
            HourRollup(brand=brand, network=k[0], weekday=k[1], hour=k[2], metric=k[3], total=v[0], count=v[1])
            for k, v in hourly.items()
        )
    with connection.cursor() as cursor:
        # The planner's statistics, as PostgreSQL's autovacuum (and a long-lived SQLite file's
        # ANALYZE) has them for a brand that grew over months rather than in one bulk insert.
        cursor.execute("ANALYZE")
    return brand, user, len(snapshots)


def measure(brand, user, runs: int, query: dict) -> dict:
    client = Client()
    client.force_login(user)
    url = reverse("analytics:dashboard", kwargs={"brand_slug": brand.slug})
    timings = harness.page_timings(client, url, query, runs)
    return {"queries": harness.queries_of(client, url, query), **timings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        began = time.perf_counter()
        brand, user, snapshots = seed(TARGETS, "big")
        seeded = time.perf_counter() - began
        results = {days: measure(brand, user, args.runs, {"days": days}) for days in (7, 30, 90)}
        small_brand, small_user, _ = seed(10, "small")
        small = measure(small_brand, small_user, 5, {"days": 90})
        print(
            json.dumps(
                {
                    "database": connection.vendor,
                    "published_targets": sum(1 for n in range(TARGETS) if n % 51),
                    "snapshots": snapshots,
                    "seed_seconds": round(seeded, 1),
                    "runs": args.runs,
                    "pages": {f"{days}_days": result for days, result in results.items()},
                    "queries_with_10_targets": small["queries"],
                    "load_average_1min": round(os.getloadavg()[0], 2),
                    "budget_p95_ms": 200,
                },
                indent=2,
            )
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
