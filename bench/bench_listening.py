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

import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import harness  # noqa: E402

BACKENDS = {"embedded": {}, "services": {"DATABASE_URL": harness.SERVICES_DATABASE}}
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
    harness.run(__file__, __doc__, BACKENDS, run_backend, options=_options, timeout=3600)


def _options(parser) -> None:
    parser.add_argument("--runs", type=int, default=40)


# --- inside one backend's process ------------------------------------------------------------------
def run_backend(args) -> dict:
    with harness.throwaway_database("bench-listening"):
        from django.db import connection

        began = time.perf_counter()
        brand, user, searches, incident = _seed()
        result: dict = {
            "database": connection.vendor,
            "mentions": MENTIONS,
            "seed_seconds": round(time.perf_counter() - began),
        }
        result.update(_pages(brand, user, searches, incident, args.runs))
        result["load_average_1min"] = harness.load_average()
        return result


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
    return {**harness.page_timings(client, url, query, runs), **harness.query_cost(client, url, query)}


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
