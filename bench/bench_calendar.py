"""Benchmark of the calendar's events endpoint: a month holding 2,000 posts over 20 network accounts.

Prints JSON: server time per call (p50/p95 wall time over repeated calls through Django's test
client, so middleware, sessions, the view and JSON encoding are counted; no network), the CPU
time per call (the honest figure when other work loads the machine) and the number of SQL
queries, for 2,000 posts and for 10, which must be the same.

    .venv/bin/python bench/bench_calendar.py [--runs 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cm_platform .venv/bin/python bench/bench_calendar.py

It works in a throw-away test database (the settings of the test suite), never in yours.
"""

import argparse
import json
import os
import sys
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cm_platform.settings_test")

import django  # noqa: E402

from bench import harness  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

POSTS, ACCOUNTS = 2000, 20


def seed(month_start: datetime, posts: int):
    from accounts.models import Brand, Membership, User
    from accounts.roles import Role
    from networks.models import NetworkAccount
    from posts.models import Campaign, Media, Post, PostMedia, PostState, PostTarget, TargetState

    brand = Brand.objects.create(name=f"Bench {posts}", slug=f"bench-{posts}", time_zone="Europe/Paris")
    user = User.objects.create_user(email=f"bench{posts}@example.com", password="x" * 20)
    Membership.objects.create(user=user, brand=brand, role=Role.MANAGER)
    accounts = NetworkAccount.objects.bulk_create(
        NetworkAccount(
            brand=brand, network=("mastodon", "bluesky", "fake", "webhook")[i % 4], display_name=f"Account {i}"
        )
        for i in range(ACCOUNTS)
    )
    campaigns = Campaign.objects.bulk_create(
        Campaign(
            brand=brand,
            name=f"Campaign {i}",
            starts_on=(month_start + timedelta(days=7 * i)).date(),
            ends_on=(month_start + timedelta(days=7 * i + 5)).date(),
        )
        for i in range(4)
    )
    states = list(PostState.values)
    step = timedelta(days=28) / posts
    created = Post.objects.bulk_create(
        Post(
            brand=brand,
            author=user,
            text=f"Post {i} " + "lorem ipsum " * 10,
            state=states[i % len(states)],
            campaign=campaigns[i % 5] if i % 5 < 4 else None,
            scheduled_at=month_start + step * i,
        )
        for i in range(posts)
    )
    PostTarget.objects.bulk_create(
        PostTarget(
            post=post,
            account=accounts[(i + k) % ACCOUNTS],
            state=TargetState.PUBLISHED if i % 7 == 0 else TargetState.PENDING,
        )
        for i, post in enumerate(created)
        for k in range(1 + i % 3)
    )
    media = Media.objects.create(
        brand=brand,
        file="media/bench.jpg",
        thumbnail="thumbs/bench.jpg",
        content_type="image/jpeg",
        original_name="bench.jpg",
    )
    PostMedia.objects.bulk_create(PostMedia(post=post, media=media) for post in created[::4])
    return brand, user


def measure(brand, user, month_start: datetime, runs: int) -> dict:
    client = Client()
    client.force_login(user)
    url = reverse("calendars:events", kwargs={"brand_slug": brand.slug})
    params = {"start": month_start.isoformat(), "end": (month_start + timedelta(days=35)).isoformat()}
    timings = harness.page_timings(client, url, params, runs)
    with CaptureQueriesContext(connection) as queries:
        events = client.get(url, params).json()
    return {
        "events": sum(1 for e in events if e.get("display") != "background"),
        "queries": len(queries),
        **timings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        month_start = (datetime.now().astimezone() + timedelta(days=40)).replace(
            day=1, hour=0, minute=0, second=0, microsecond=0
        )
        brand, user = seed(month_start, POSTS)
        big = measure(brand, user, month_start, args.runs)
        brand, user = seed(month_start, 10)
        small = measure(brand, user, month_start, args.runs)
        print(
            json.dumps(
                {
                    "database": connection.vendor,
                    "posts": POSTS,
                    "accounts": ACCOUNTS,
                    "runs": args.runs,
                    "events": big["events"],
                    "p50_ms": big["p50_ms"],
                    "p95_ms": big["p95_ms"],
                    # CPU time of this process per call: what the wall time would be on an idle machine
                    # (SQLite runs in-process, so its work is counted too).
                    "cpu_p50_ms": big["cpu_p50_ms"],
                    "load_average_1min": round(os.getloadavg()[0], 2),
                    "queries": big["queries"],
                    "queries_with_10_posts": small["queries"],
                    "budget_ms": 150,
                },
                indent=2,
            )
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
