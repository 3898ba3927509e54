"""Benchmark of listening's pages with 200,000 mentions in one brand: the mentions page and the
crisis room.

Prints JSON, per backend (the embedded defaults: SQLite; and PostgreSQL): each page as Django's
test client calls it (middleware, session, view, template), p50 / p95 wall time over `--runs`
calls (floor for the mentions page: p95 150 ms), CPU time per call, the queries per call and
the time they took (db_ms: on a machine whose cores are shared, wall time minus CPU time is
mostly waiting for a core, and db_ms tells the database's part):

- mentions: the page unfiltered, by saved search, negative only, a text search, a tag;
- room: an open incident's page (mentions and inbox narrowed to its words, the volume curve
  from the day before it opened, response times, timeline).

The mentions are spread over 30 days (about 280 an hour), four saved searches, a third negative.

    .venv/bin/python bench/bench_listening.py                     # both backends
    .venv/bin/python bench/bench_listening.py --backend embedded  # or: services

Everything happens in a throw-away test database, never in yours.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BACKENDS = {
    "embedded": {},
    # BENCH_DATABASE_URL points elsewhere (a database of your own).
    "services": {
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cm_platform")
    },
}
MENTIONS = 200_000
DAYS = 30
BATCH = 5_000
TEXTS = (
    ("Ma lampe Maison Lumière est superbe, livraison rapide", "positive"),
    ("Le service client Maison Lumière ne répond pas, très déçu", "negative"),
    ("Maison Lumière présente sa collection au salon", "neutral"),
    ("Encore une livraison Maison Lumière en retard, horrible", "negative"),
    ("Quelqu’un a testé les ampoules Maison Lumière ?", "neutral"),
    ("Maison Lumière : bravo pour le SAV", "positive"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="both")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--run", choices=list(BACKENDS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_backend(args)))
        return
    names = list(BACKENDS) if args.backend == "both" else [args.backend]
    print(json.dumps({name: spawn(name, sys.argv[1:]) for name in names}, indent=2))


def spawn(backend: str, argv: list[str]) -> dict:
    """Each backend in its own process: Django reads its settings once."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(BACKENDS[backend])
    env.setdefault("DJANGO_SECRET_KEY", f"bench-only-{uuid.uuid4().hex}-{uuid.uuid4().hex}")
    passed = [a for a in argv if not a.startswith("--backend") and a not in BACKENDS and a != "both"]
    done = subprocess.run(
        [sys.executable, __file__, *passed, "--run", backend],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode != 0:
        return {"error": done.stderr[-3000:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- inside one backend's process ------------------------------------------------------------------
def run_backend(args) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cm_platform.settings_test")
    os.environ["CM_TEST_RUN_ID"] = f"bench-listening-{os.getpid()}"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        began = time.perf_counter()
        brand, user, searches, incident = _seed()
        result: dict = {
            "database": connection.vendor,
            "mentions": MENTIONS,
            "seed_seconds": round(time.perf_counter() - began),
        }
        result.update(_pages(brand, user, searches, incident, args.runs))
        result["load_average_1min"] = round(os.getloadavg()[0], 2)
        return result
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _pages(brand, user, searches, incident, runs: int) -> dict:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    mentions = reverse("listening:mentions", kwargs={"brand_slug": brand.slug})
    room = reverse("listening:incident", kwargs={"brand_slug": brand.slug, "pk": incident.pk})
    cases = {
        "unfiltered": (mentions, {}),
        "one_saved_search": (mentions, {"search": searches[1].pk}),
        "negative": (mentions, {"sentiment": "negative"}),
        "text_search": (mentions, {"q": "livraison"}),
        "tag": (mentions, {"tag": "presse"}),
        "page_20": (mentions, {"page": 20}),
    }
    figures: dict = {
        "mentions_page": {name: _measure(client, url, query, runs) for name, (url, query) in cases.items()}
    }
    figures["mentions_page"]["floor_p95_ms"] = 150
    figures["crisis_room"] = _measure(client, room, {}, runs)
    return figures


def _measure(client, url: str, query: dict, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, query)  # warm-up: resolver, templates, the session's first write
    timings, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, query)
        timings.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(url, query)
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "queries": len(captured),
        # The database's share of one call (its queries' wall time, as Django saw them).
        "db_ms": round(sum(float(q["time"]) for q in captured.captured_queries) * 1000, 1),
    }


def _seed():
    from django.utils import timezone

    from accounts.models import Brand, Membership, User
    from accounts.roles import Role
    from listening import collect
    from listening.models import Incident, IncidentAction, IncidentEvent, Mention, MentionMatch, MentionTag, SavedSearch

    brand = Brand.objects.create(name="Bench listening", slug="bench-listening")
    user = User.objects.create_user(email="bench-listening@bench.invalid", password="x" * 20)
    Membership.objects.create(user=user, brand=brand, role=Role.MANAGER)
    searches = SavedSearch.objects.bulk_create(
        SavedSearch(brand=brand, name=name, expression=name.lower())
        for name in ("Lumière", "Lampe", "Livraison", "SAV")
    )
    now = timezone.now()
    step = timedelta(days=DAYS) / MENTIONS
    for first in range(0, MENTIONS, BATCH):
        rows = []
        for n in range(first, min(first + BATCH, MENTIONS)):
            text, sentiment = TEXTS[n % len(TEXTS)]
            rows.append(
                Mention(
                    brand=brand,
                    network="web",
                    remote_id=f"bench-{n}",
                    url=f"https://forum.example/t/{n}",
                    url_key=f"forum.example/t/{n}",
                    author=f"person{n % 500}",
                    text=f"{text} ({n})",
                    language="fr",
                    sentiment=sentiment,
                    published_at=now - step * n,
                )
            )
        stored = Mention.objects.bulk_create(rows)
        MentionMatch.objects.bulk_create(
            MentionMatch(search=searches[m.pk % len(searches)], mention=m, published_at=m.published_at) for m in stored
        )
        MentionTag.objects.bulk_create(MentionTag(mention=m, name="presse") for m in stored if m.pk % 50 == 0)
        for mention in stored[:: max(1, len(stored) // 50)]:  # the hourly counters the chart reads
            collect.count_in_hour(mention.match_rows.get().search, mention)
    incident = Incident.objects.create(
        brand=brand,
        title="Retards de livraison",
        words=["livraison", "retard"],
        opened_by=user,
        opened_at=now - timedelta(hours=6),
    )
    IncidentEvent.objects.bulk_create(
        IncidentEvent(incident=incident, actor=user, action=IncidentAction.OPENED) for _ in range(20)
    )
    _analyze()
    return brand, user, searches, incident


def _analyze() -> None:
    """PostgreSQL's autovacuum analyzes a table once a tenth of it changed; a bench that loaded
    200,000 rows a second ago measures before it woke up. Do what it would have done."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


if __name__ == "__main__":
    main()
