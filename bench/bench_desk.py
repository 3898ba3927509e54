"""Benchmark of the home page ("Today" across brands) and of a bulk approval.

A manager of 10 brands holding 500 posts each (5,000 posts: every state, dated from a week ago
to a month ahead, some failed, some held after a pause). Prints JSON: the page's server time
(p50/p95 wall time through Django's test client, middleware and templates included, no
network), its CPU time, and its number of SQL queries, for 5,000 posts and for a brand of 10,
which must be the same; then the time to approve 100 posts in one bulk action (each through
posts.services.post_approve, as one at a time).

    .venv/bin/python bench/bench_desk.py [--runs 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cm_platform .venv/bin/python bench/bench_desk.py

It works in a throw-away test database (the settings of the test suite), never in yours.
"""

import argparse
import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cm_platform.settings_test")

import django  # noqa: E402

from bench import harness  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

BRANDS, POSTS_PER_BRAND, BULK = 10, 500, 100


def seed(manager, editor, index: int, posts: int):
    from accounts.models import Brand, Membership
    from accounts.roles import Role
    from networks.models import NetworkAccount
    from posts.models import Post, PostState, PostTarget, TargetState
    from publishing.models import OverdueHold

    brand = Brand.objects.create(name=f"Bench {index}", slug=f"bench-{index}", time_zone="Europe/Paris")
    Membership.objects.create(user=manager, brand=brand, role=Role.MANAGER)
    Membership.objects.create(user=editor, brand=brand, role=Role.EDITOR)
    account = NetworkAccount.objects.create(brand=brand, network="fake", display_name=f"Account {index}")
    now, states = timezone.now(), list(PostState.values)
    step = timedelta(days=38) / posts
    created = Post.objects.bulk_create(
        Post(
            brand=brand,
            author=(manager, editor)[i % 2],
            text=f"Post {i} " + "lorem ipsum " * 10,
            state=states[i % len(states)],
            scheduled_at=None if i % 11 == 0 else now - timedelta(days=7) + step * i,
        )
        for i in range(posts)
    )
    PostTarget.objects.bulk_create(
        PostTarget(
            post=post,
            account=account,
            state=TargetState.FAILED if i % 13 == 0 else TargetState.PENDING,
            last_error_at=now - timedelta(days=1) if i % 13 == 0 else None,
        )
        for i, post in enumerate(created)
    )
    OverdueHold.objects.bulk_create(OverdueHold(post=post) for post in created[3:60:19])
    return brand


def people(suffix: str):
    from accounts.models import User

    manager = User.objects.create_user(email=f"manager{suffix}@example.com", password="x" * 20)
    editor = User.objects.create_user(email=f"editor{suffix}@example.com", password="x" * 20)
    return manager, editor


def measure_page(user, runs: int) -> dict:
    client = Client()
    client.force_login(user)
    url = reverse("desk:today")
    timings = harness.page_timings(client, url, {}, runs)
    return {"queries": harness.queries_of(client, url, {}), **timings}


def measure_bulk_approve(brand, manager, editor) -> dict:
    from posts import bulk
    from posts.models import Post, PostState, PostTarget

    account = brand.network_accounts.get()
    posts = Post.objects.bulk_create(
        Post(brand=brand, author=editor, text=f"À relire {i}", state=PostState.IN_REVIEW) for i in range(BULK)
    )
    PostTarget.objects.bulk_create(PostTarget(post=post, account=account) for post in posts)
    began = time.perf_counter()
    outcome = bulk.posts_bulk_approve(posts=posts, user=manager)
    elapsed = (time.perf_counter() - began) * 1000
    assert len(outcome.done) == BULK, outcome.refused[:3]
    return {"posts": BULK, "total_ms": round(elapsed), "per_post_ms": round(elapsed / BULK, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        manager, editor = people("big")
        brands = [seed(manager, editor, i, POSTS_PER_BRAND) for i in range(BRANDS)]
        big = measure_page(manager, args.runs)
        small_manager, small_editor = people("small")
        seed(small_manager, small_editor, 99, 10)
        small = measure_page(small_manager, args.runs)
        approve = measure_bulk_approve(brands[0], manager, editor)
        print(
            json.dumps(
                {
                    "database": connection.vendor,
                    "brands": BRANDS,
                    "posts": BRANDS * POSTS_PER_BRAND,
                    "runs": args.runs,
                    "p50_ms": big["p50_ms"],
                    "p95_ms": big["p95_ms"],
                    "cpu_p50_ms": big["cpu_p50_ms"],
                    "load_average_1min": round(os.getloadavg()[0], 2),
                    "queries": big["queries"],
                    "queries_with_1_brand_of_10_posts": small["queries"],
                    "bulk_approve": approve,
                },
                indent=2,
            )
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
