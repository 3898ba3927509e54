"""Benchmark of listening's polling: a full cycle of 20 feeds for 50 saved searches, and the cost
of detecting a new mention against a short and a long history.

Prints JSON, per backend (the embedded defaults: SQLite + filesystem://; and PostgreSQL + Redis):

- cycle: 5 brands, each with 10 saved searches (words, "phrases", OR, NOT, #hashtags) and 4 RSS
  2.0 feeds served by a local site on 127.0.0.1 (each answer after `--latency`, 50 ms by
  default; ETag and 304 as real sites do). Each feed holds its 50 latest entries (title, link,
  guid, an HTML description of a few sentences, author, categories); before each cycle, three
  feeds in four publish `--new` entries (20 by default) and the fourth is unchanged (it answers
  304). A cycle is what beat's dispatcher starts every 5 minutes in production: the dispatcher
  claims every due source and a real `celery worker` (2 threads: the machine's 2 cores) polls
  them. Seconds from the dispatch until every source has been read: p50 / p99 / max over
  `--cycles` cycles (floor: p99 60 s), with the mentions stored and the alerts raised;
- detection: the work of a poll for each new mention (match every search, store it once, its
  counters, judge its searches' last hour against their baseline: collect.items_store then
  alerts.judge_after_insert, in one transaction as a poll does), in milliseconds per stored
  mention, with 10,000 and then 200,000 mentions in the brand's history. Detection reads an
  indexed hour and 14 hourly counters, so the two figures should be alike (the ratio is printed).

    .venv/bin/python bench/bench_listening_cycle.py                     # both backends
    .venv/bin/python bench/bench_listening_cycle.py --backend embedded  # or: services
    .venv/bin/python bench/bench_listening_cycle.py --only detection    # or: cycle

Everything happens in a throw-away test database, never in yours.
"""

import math
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import harness  # noqa: E402

BACKENDS = {
    "embedded": {},
    "services": {"DATABASE_URL": harness.SERVICES_DATABASE, "CELERY_BROKER_URL": harness.SERVICES_BROKER},
}
BRANDS, SEARCHES_EACH, FEEDS_EACH, ENTRIES_PER_FEED = 5, 10, 4, 50
HISTORIES = (10_000, 200_000)
DETECTION_BATCH = 300
BATCH = 5_000
CYCLE_TIMEOUT = 600.0
VOCABULARY = (
    "livraison retard colis commande service client remboursement qualité prix magasin site application"
    " garantie retour échange vendeur conseil nouveauté collection soldes promotion avis expérience produit"
    " lampe luminaire ampoule design salon décoration installation montage notice carton emballage"
)
WORDS = tuple(VOCABULARY.split())
MOODS = (
    "très déçu, horrible, jamais plus",
    "super, bravo, je recommande",
    "correct sans plus",
    "scandaleux, inadmissible, arnaque",
    "génial, parfait, merci",
    "",
)


def main() -> None:
    harness.run(__file__, __doc__, BACKENDS, run_backend, options=_options, timeout=3600)


def _options(parser) -> None:
    parser.add_argument("--only", choices=["cycle", "detection"])
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--new", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.05)


# --- inside one backend's process ------------------------------------------------------------------
def run_backend(args) -> dict:
    os.environ["CELERY_QUEUE"] = f"bench-{uuid.uuid4().hex[:8]}"  # this run's polls, for its worker only
    with harness.throwaway_database("bench-listening-cycle"):
        from django.conf import settings
        from django.db import connection

        result: dict = {"database": connection.vendor, "broker": settings.CELERY_BROKER_URL.split(":")[0]}
        if args.only in (None, "cycle"):
            result["cycle"] = cycle_scenario(Path(settings.VAR_DIR) / "bench-listening-cycle", args)
        if args.only in (None, "detection"):
            result["detection"] = detection_scenario()
        result["load_average_1min"] = harness.load_average()
        return result


# --- a full cycle ----------------------------------------------------------------------------------
class Site:
    """The 20 feeds: each keeps its 50 latest entries; publish() adds new ones (a new ETag)."""

    def __init__(self, server, names: list[str]):
        self.server = server
        self.entries: dict[str, list[dict]] = {name: [] for name in names}
        self.serial = 0
        self.random = random.Random(17)

    def publish(self, name: str, count: int) -> None:
        now = datetime.now(UTC)
        for _ in range(count):
            self.serial += 1
            self.entries[name].insert(0, self._entry(name, now - timedelta(seconds=self.serial % 240)))
        del self.entries[name][ENTRIES_PER_FEED:]
        body = self._rss(name).encode()
        self.server.put(f"/{name}.xml", body, content_type="application/rss+xml", etag=f'"{name}-{self.serial}"')

    def _entry(self, name: str, at: datetime) -> dict:
        pick = self.random
        brand = pick.choice(["Maison Lumière", "Lumibox", "Atelier Néon", "Clair & Co", "Lucioles"])
        words = " ".join(pick.choice(WORDS) for _ in range(40))
        mood = pick.choice(MOODS)
        tag = pick.choice(["#lumiere", "#deco", "#sav", ""])
        return {
            "id": f"https://{name}.example/t/{self.serial}",
            "title": f"{brand} : {' '.join(pick.choice(WORDS) for _ in range(6))}",
            "html": f"<p>{escape(brand)} {escape(words)}.</p><p>{escape(mood)} {tag}</p>",
            "author": f"membre{pick.randrange(400)}",
            "at": at,
            "categories": pick.sample(["avis", "forum", "deco", "sav", "presse"], 2),
        }

    def _rss(self, name: str) -> str:
        items = "".join(
            f"<item><title>{escape(e['title'])}</title><link>{e['id']}</link><guid>{e['id']}</guid>"
            f"<description>{escape(e['html'])}</description><author>{e['author']}@{name}.example</author>"
            f"<pubDate>{format_datetime(e['at'])}</pubDate>"
            + "".join(f"<category>{c}</category>" for c in e["categories"])
            + "</item>"
            for e in self.entries[name]
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Forum {name}</title><link>https://{name}.example/</link><description>Discussions</description>"
            f"<language>fr</language>{items}</channel></rss>"
        )


EXPRESSIONS = (
    '"{brand}"',
    '"{brand}" AND (livraison OR colis OR retard)',
    '"{brand}" AND (déçu OR horrible OR scandaleux OR arnaque)',
    '"{brand}" AND NOT promotion',
    "#lumiere OR #deco",
    '"{brand}" AND (remboursement OR retour OR échange)',
    "lampe AND design AND NOT soldes",
    '"{brand}" AND "service client"',
    '"{brand}" AND (bravo OR génial OR parfait)',
    "#sav AND (retard OR colis)",
)


def _cycle_setup(server_url: str) -> tuple[list, list[str]]:
    from accounts.models import Brand
    from listening.models import SavedSearch, Source

    names = ["Maison Lumière", "Lumibox", "Atelier Néon", "Clair & Co", "Lucioles"]
    feeds, sources = [], []
    for n in range(BRANDS):
        brand = Brand.objects.create(name=f"Bench cycle {n}", slug=f"bench-cycle-{n}")
        SavedSearch.objects.bulk_create(
            SavedSearch(brand=brand, name=f"Search {k}", expression=EXPRESSIONS[k].format(brand=names[n]))
            for k in range(SEARCHES_EACH)
        )
        for f in range(FEEDS_EACH):
            name = f"forum{n}-{f}"
            feeds.append(name)
            sources.append(Source.objects.create(brand=brand, name=name, url=f"{server_url}/{name}.xml", interval=300))
    return sources, feeds


def cycle_scenario(folder: Path, args) -> dict:
    from django.utils import timezone

    from listening import collect
    from listening.models import Alert, Mention, Source
    from tests.networks.servers.feeds import FeedServer

    with FeedServer(latency=args.latency) as server:
        sources, feeds = _cycle_setup(server.url)
        site = Site(server, feeds)
        for name in feeds:
            site.publish(name, ENTRIES_PER_FEED)
        processes = _worker_processes(folder)
        queue = processes.queue
        processes.start(
            "worker",
            [
                "worker",
                "-Q",
                f"{queue},{queue}-control",
                "-n",
                f"w-{queue}@%h",
                "--pool",
                "threads",
                "--concurrency",
                "2",
            ],
        )
        seconds = []
        try:
            for cycle in range(args.cycles + 1):  # the first reads every feed whole: not counted
                if cycle:
                    for k, name in enumerate(feeds):
                        if (k + cycle) % 4:
                            site.publish(name, args.new)
                Source.objects.update(next_poll_at=timezone.now())
                began = time.perf_counter()
                started = timezone.now()
                collect.dispatch_due()  # as beat's dispatcher does; its polls go to the worker
                _wait_all_read(started)
                if cycle:
                    seconds.append(time.perf_counter() - began)
        finally:
            processes.stop()
        failed = list(Source.objects.exclude(last_error="").values_list("name", "last_error")[:3])
        seconds.sort()
        return {
            "brands": BRANDS,
            "saved_searches": BRANDS * SEARCHES_EACH,
            "feeds": len(feeds),
            "entries_per_feed": ENTRIES_PER_FEED,
            "new_entries_per_changed_feed": args.new,
            "feed_latency_ms": round(args.latency * 1000),
            "worker_threads": 2,
            "cycles": len(seconds),
            "cycle_p50_s": round(statistics.median(seconds), 2),
            "cycle_p99_s": round(seconds[math.ceil(len(seconds) * 0.99) - 1], 2),
            "cycle_max_s": round(seconds[-1], 2),
            "floor_p99_s": 60,
            "mentions_stored": Mention.objects.count(),
            "alerts": Alert.objects.count(),
            "sources_failing": failed,
        }


def _worker_processes(folder: Path):
    """A worker reading the queue (and, embedded, the broker folder) this process sends polls to."""
    from django.conf import settings

    from bench.bench_inbox import Processes

    processes = Processes(folder)
    processes.queue = settings.CELERY_TASK_DEFAULT_QUEUE
    processes.env.update(CELERY_QUEUE=processes.queue, CM_VAR_DIR=str(settings.VAR_DIR))
    return processes


def _wait_all_read(started) -> None:
    from listening.models import Source

    deadline = time.monotonic() + CYCLE_TIMEOUT
    while time.monotonic() < deadline:
        if (
            not Source.objects.filter(last_polled_at__lt=started).exists()
            and not Source.objects.filter(last_polled_at__isnull=True).exists()
        ):
            return
        time.sleep(0.05)
    raise TimeoutError("a cycle did not finish in 10 minutes")


# --- detection against the history ------------------------------------------------------------------
def detection_scenario() -> dict:
    from accounts.models import Brand
    from listening.models import SavedSearch, Source

    brand = Brand.objects.create(name="Bench detection", slug="bench-detection")
    searches = SavedSearch.objects.bulk_create(
        SavedSearch(brand=brand, name=f"Search {k}", expression=EXPRESSIONS[k].format(brand="Maison Lumière"))
        for k in range(SEARCHES_EACH)
    )
    source = Source.objects.create(brand=brand, name="Forum", url="https://forum.example/rss")
    _detect(source, 10**7, batch=20)  # warm-up: the sentiment lexicons load, the first queries compile
    figures: dict = {}
    seeded = 0
    for history in HISTORIES:
        _seed_history(brand, searches[0], seeded, history)
        seeded = history
        figures[f"history_{history}"] = _detect(source, history)
    low, high = (figures[f"history_{h}"]["ms_per_mention"] for h in HISTORIES)
    figures["ratio_long_to_short"] = round(high / low, 2) if low else None
    return figures


def _seed_history(brand, search, first: int, last: int) -> None:
    """Past mentions over 30 days, each found by the first search, with its hourly counters."""
    from django.db.models import Count, Q
    from django.db.models.functions import TruncHour
    from django.utils import timezone

    from listening.models import Mention, MentionHourly, MentionMatch

    now = timezone.now() - timedelta(hours=1)
    step = timedelta(days=30) / max(HISTORIES)
    for start in range(first, last, BATCH):
        stored = Mention.objects.bulk_create(
            Mention(
                brand=brand,
                network="web",
                remote_id=f"past-{n}",
                text=f"Maison Lumière {WORDS[n % len(WORDS)]} ({n})",
                language="fr",
                sentiment=("negative", "neutral", "positive")[n % 3],
                published_at=now - step * n,
            )
            for n in range(start, min(start + BATCH, last))
        )
        MentionMatch.objects.bulk_create(
            MentionMatch(search=search, mention=m, published_at=m.published_at) for m in stored
        )
    MentionHourly.objects.filter(search=search).delete()
    hours = (
        Mention.objects.filter(brand=brand)
        .annotate(hour=TruncHour("published_at"))
        .values("hour")
        .annotate(n=Count("pk"), negative=Count("pk", filter=Q(sentiment="negative")))
    )
    MentionHourly.objects.bulk_create(
        MentionHourly(search=search, hour=row["hour"], count=row["n"], negative=row["negative"]) for row in hours
    )
    _analyze()


def _analyze() -> None:
    """What PostgreSQL's autovacuum does once a tenth of a table changed (see bench_listening.py)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _detect(source, history: int, batch: int = DETECTION_BATCH) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from listening import alerts, collect, feeds

    searches = collect.active_searches(source.brand_id)
    site = Site(None, ["detect"])
    site.serial = history  # new ids
    items = []
    for _ in range(batch):
        site.serial += 1
        entry = site._entry("detect", timezone.now())
        items.append(
            feeds.Item(
                remote_id=entry["id"],
                url=entry["id"],
                title=entry["title"],
                text=feeds.plain_text(entry["html"]),
                author=entry["author"],
                language="fr",
                published_at=entry["at"],
                tags=tuple(entry["categories"]),
            )
        )
    began = time.perf_counter()
    with transaction.atomic():
        now = timezone.now()
        stored = collect.items_store(source=source, items=items, searches=searches, now=now)
        raised = alerts.judge_after_insert(stored, now=now)
    elapsed = time.perf_counter() - began
    return {
        "items_read": len(items),
        "mentions_stored": len(stored),
        "alerts": len(raised),
        "ms_per_item": round(1000 * elapsed / len(items), 2),
        "ms_per_mention": round(1000 * elapsed / max(len(stored), 1), 2),
    }


if __name__ == "__main__":
    main()
