"""Benchmark of collecting metrics: 10,000 published targets on 10 Mastodon accounts (one status
per call: the costliest network to read), read for their first slot from a local Mastodon server
that enforces Mastodon's documented limit (300 calls per 5 minutes per token) with 429s.

Time is scaled (--scale, 100 by default): the server's window is 300 / scale seconds and beat's
dispatcher runs every METRICS_DISPATCH_INTERVAL / scale seconds of wall time, each run moving the
desk's clock by METRICS_DISPATCH_INTERVAL; the pace (METRICS_CALLS_PER_MINUTE) is the setting's.
Prints JSON: calls, 429s (must be 0), the most calls a server window received (must stay under
300), and the desk-clock time until every target had its snapshot (must be before the next slot:
5 hours after the first).

    .venv/bin/python bench/bench_metrics_collect.py [--scale 100]

It works in a throw-away test database (the settings of the test suite), never in yours.
"""

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cm_platform.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ACCOUNTS, PER_ACCOUNT, LIMIT, WINDOW = 10, 1_000, 300, 300.0
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def seed(server):
    from accounts.models import Brand
    from networks.mastodon.adapter import MastodonAdapter
    from networks.models import NetworkAccount
    from posts.models import Post, PostState, PostTarget, TargetState

    brand = Brand.objects.create(name="Bench collect", slug="bench-collect", time_zone="Europe/Paris")
    accounts = []
    for n in range(ACCOUNTS):
        connection_ = MastodonAdapter.connect({"instance_url": server.url, "access_token": server.new_token()})
        accounts.append(
            NetworkAccount.objects.create(
                brand=brand,
                network="mastodon",
                display_name=f"M{n}",
                handle=connection_.handle,
                credentials=connection_.credentials,
                config=connection_.config,
            )
        )
    posts = Post.objects.bulk_create(
        Post(brand=brand, text=f"Post {n}", state=PostState.APPROVED, scheduled_at=T0)
        for n in range(ACCOUNTS * PER_ACCOUNT)
    )
    targets = []
    for n, post in enumerate(posts):
        status = server.post_as("ana@example.social", f"Post {n}")
        server.set_counts(status, replies=n % 3, reblogs=n % 5, favourites=n % 11)
        targets.append(
            PostTarget(
                post=post,
                account=accounts[n % ACCOUNTS],
                state=TargetState.PUBLISHED,
                remote_id=status,
                published_at=T0,
                lateness_seconds=1.0,
            )
        )
    PostTarget.objects.bulk_create(targets, batch_size=5000)


def collect(scale: float) -> dict:
    from analytics.models import MetricSnapshot, Slot, SnapshotSchedule
    from analytics.services import metrics_dispatch, posts_collect

    step = timedelta(seconds=settings.METRICS_DISPATCH_INTERVAL)
    now, runs, began = T0 + timedelta(hours=1), 0, time.perf_counter()
    total = SnapshotSchedule.objects.count() or ACCOUNTS * PER_ACCOUNT
    while True:
        for claim in metrics_dispatch(now=now):
            if not claim.followers:
                posts_collect(account_id=claim.account_id, claim_id=claim.claim_id, now=now)
        runs += 1
        done = MetricSnapshot.objects.filter(slot=Slot.H1, metric="likes").count()
        if done >= total or runs > 10_000:
            break
        now += step
        # Beat's next run, in scaled wall time (never earlier: the server's window is wall time).
        wait = began + runs * settings.METRICS_DISPATCH_INTERVAL / scale - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
    return {
        "targets_read": done,
        "dispatcher_runs": runs,
        "desk_clock_hours_after_first_slot": round((now - (T0 + timedelta(hours=1))).total_seconds() / 3600, 2),
        "wall_seconds": round(time.perf_counter() - began, 1),
    }


def main() -> None:
    from tests.networks.servers.mastodon import MastodonServer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=100.0)
    args = parser.parse_args()
    settings.METRICS_JITTER_SECONDS = 0  # every target due at once: the hardest burst
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with MastodonServer(rate_limit=(LIMIT, WINDOW / args.scale)) as server:
            seed(server)
            result = collect(args.scale)
            calls = len(server.requests_to("GET", "/api/v1/statuses/"))
            print(
                json.dumps(
                    {
                        "database": connection.vendor,
                        "accounts": ACCOUNTS,
                        "targets": ACCOUNTS * PER_ACCOUNT,
                        "scale": args.scale,
                        "server_limit_per_token": {"calls": LIMIT, "seconds": WINDOW, "scaled": WINDOW / args.scale},
                        "pace_calls_per_minute": settings.METRICS_CALLS_PER_MINUTE,
                        "calls": calls,
                        "answered_429": server.throttled,
                        # All ten tokens together: each token's own count is at most this.
                        "most_calls_in_one_window_all_tokens": server.max_calls_per_window(WINDOW / args.scale),
                        **result,
                        "window_hours": 5,
                        "load_average_1min": round(os.getloadavg()[0], 2),
                    },
                    indent=2,
                )
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
