"""Benchmark of the approval reminders' beat job (posts/reminders.py).

20 brands (4 different delays) of 250 waiting posts each (5,000 posts in review), of which 500
have waited past their brand's delay. Prints JSON: the time and SQL queries to find what is due
(one query per delay in use, whatever the number of posts), the time to send the 500 reminders
(each one locked, stored and told to a manager and an owner, under the bell and by email), and
the time and queries of the next run, which finds nothing left to send.

    .venv/bin/python bench/bench_reminders.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cm_platform .venv/bin/python bench/bench_reminders.py

It works in a throw-away test database (the settings of the test suite), never in yours.
"""

import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cm_platform.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

BRANDS, POSTS_PER_BRAND, DUE_PER_BRAND = 20, 250, 25
DELAYS = (6, 12, 24, 48)


def seed(index: int) -> None:
    from accounts.models import Brand, Membership, User
    from accounts.roles import Role
    from posts.models import Post, PostState

    hours = DELAYS[index % len(DELAYS)]
    brand = Brand.objects.create(name=f"Bench {index}", slug=f"bench-{index}", approval_reminder_hours=hours)
    for role in (Role.OWNER, Role.MANAGER, Role.EDITOR):
        user = User.objects.create_user(email=f"{role}{index}@example.com", password="x" * 20)
        Membership.objects.create(user=user, brand=brand, role=role)
    now = timezone.now()
    Post.objects.bulk_create(
        Post(
            brand=brand,
            text=f"Post {i}",
            state=PostState.IN_REVIEW,
            scheduled_at=now + timedelta(days=10),
            state_since=now - timedelta(hours=hours + 1 if i < DUE_PER_BRAND else hours - 1),
        )
        for i in range(POSTS_PER_BRAND)
    )


def timed(call):
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        result = call()
        elapsed = (time.perf_counter() - began) * 1000
    return result, round(elapsed, 1), len(queries)


def main() -> None:
    from posts import reminders
    from posts.models import PostState

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        for index in range(BRANDS):
            seed(index)
        now = timezone.now()
        due, find_ms, find_queries = timed(lambda: reminders.due_for_approvers(state=PostState.IN_REVIEW, now=now))
        sent, send_ms, _ = timed(lambda: reminders.approval_reminders_send(now=now))
        again, again_ms, again_queries = timed(lambda: reminders.approval_reminders_send(now=now))
        assert len(due) == sent == BRANDS * DUE_PER_BRAND and again == 0, (len(due), sent, again)
        print(
            json.dumps(
                {
                    "database": connection.vendor,
                    "waiting_posts": BRANDS * POSTS_PER_BRAND,
                    "delays_in_use": len(DELAYS),
                    "due": len(due),
                    "find_due_ms": find_ms,
                    "find_due_queries": find_queries,
                    "send_ms": round(send_ms),
                    "send_per_reminder_ms": round(send_ms / sent, 1),
                    "next_run_ms": again_ms,
                    "next_run_queries": again_queries,
                    "load_average_1min": round(os.getloadavg()[0], 2),
                },
                indent=2,
            )
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
