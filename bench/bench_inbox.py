"""Benchmark of the inbox: collecting 10,000 messages with a poller killed midway, and the list.

Prints JSON, per backend (the embedded defaults: SQLite + filesystem://; and PostgreSQL + Redis):
- ingest: a local Mastodon server holding 10,000 mentions of the account (each page answered after
  `--latency`, 20 ms by default); a real `celery worker` and `celery beat` read them from the
  first read (newest first, 80 a page, back to 7 days); the worker is SIGKILLed once 3,000 are
  stored and started again. Seconds from the start until all are stored (floor: 30 s),
  duplicates (0) and lost (0), the pages read and the worker's restart cost included;
- list: the inbox page of a brand holding 100,000 messages (20,000 conversations of five), as
  Django's test client calls it (middleware, session, view, template): p50 / p95 wall time over
  `--runs` calls (floor: p95 150 ms), CPU time per call, and the queries for a page of 10 and a
  page of 100 (the same number), for the default view and for text searches (a word in a quarter
  of the messages, one in a single message, one in none).

    .venv/bin/python bench/bench_inbox.py                     # both backends
    .venv/bin/python bench/bench_inbox.py --backend embedded  # or: services
    .venv/bin/python bench/bench_inbox.py --only list         # or: ingest

Everything happens in a throw-away test database, never in yours.
"""

import argparse
import json
import os
import signal
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
    "services": {
        # BENCH_DATABASE_URL / BENCH_BROKER_URL point elsewhere (a database and a Redis db of your own).
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cm_platform"),
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14"),
    },
}
INGEST_MESSAGES = 10_000
KILL_AFTER = 3_000
LIST_CONVERSATIONS, MESSAGES_EACH = 20_000, 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="both")
    parser.add_argument("--only", choices=["ingest", "list"])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--run", choices=list(BACKENDS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_backend(args)))
        return
    names = list(BACKENDS) if args.backend == "both" else [args.backend]
    print(json.dumps({name: spawn(name, sys.argv[1:]) for name in names}, indent=2))


def spawn(backend: str, argv: list[str]) -> dict:
    """Each backend in its own process: Django reads its settings once."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(BACKENDS[backend])
    env.setdefault("DJANGO_SECRET_KEY", f"bench-only-{uuid.uuid4().hex}-{uuid.uuid4().hex}")
    passed = [a for a in argv if not a.startswith("--backend") and a not in BACKENDS and a != "both"]
    done = subprocess.run(
        [sys.executable, __file__, *passed, "--run", backend],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        return {"error": done.stderr[-3000:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- inside one backend's process ------------------------------------------------------------------
def run_backend(args) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cm_platform.settings_test")
    os.environ["CM_TEST_RUN_ID"] = f"bench-inbox-{os.getpid()}"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        result: dict = {"database": connection.vendor, "broker": settings.CELERY_BROKER_URL.split(":")[0]}
        if args.only in (None, "ingest"):
            result["ingest"] = ingest_scenario(Path(settings.VAR_DIR) / "bench-inbox", args.latency)
        if args.only in (None, "list"):
            result["list"] = list_scenario(args.runs)
        result["load_average_1min"] = round(os.getloadavg()[0], 2)
        return result
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


class Processes:
    """A worker and a beat on the benchmark's database and a queue of their own."""

    def __init__(self, folder: Path):
        from django.db import connection

        folder.mkdir(parents=True, exist_ok=True)
        db = connection.settings_dict
        url = (
            f"sqlite:///{db['NAME']}"
            if connection.vendor == "sqlite"
            else f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        self.folder = folder
        self.queue = f"bench-{uuid.uuid4().hex[:8]}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cm_platform.settings_test",
            "DATABASE_URL": url,
            "CM_VAR_DIR": str(folder),
            "CELERY_QUEUE": self.queue,
            "DJANGO_DEBUG": "false",  # as in production: DEBUG's query log would cost every query
            "INBOX_DISPATCH_INTERVAL": "0.5",
            "INBOX_POLL_INTERVAL": "0.5",
            "INBOX_POLL_MAX_PAGES": "1000",  # one poll reads all that waits
            "INBOX_POLL_LEASE_SECONDS": "3",  # a killed poller's claim is taken back quickly
        }
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, args: list[str]) -> None:
        celery = str(ROOT / ".venv" / "bin" / "celery")
        with open(self.folder / f"{name}.log", "ab") as out:
            self.processes[name] = subprocess.Popen(
                [celery, "-A", "cm_platform", *args],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def start_worker(self) -> None:
        queues = f"{self.queue},{self.queue}-control"
        self.start("worker", ["worker", "-Q", queues, "-n", f"w-{self.queue}@%h", "--pool", "threads"])

    def start_beat(self) -> None:
        self.start("beat", ["beat", "-s", str(self.folder / "schedule"), "--loglevel", "WARNING"])

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


def ingest_scenario(folder: Path, latency: float) -> dict:
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import Brand
    from inbox.models import Message
    from networks.models import NetworkAccount, ReadState
    from tests.networks.servers.mastodon import MastodonServer

    brand = Brand.objects.create(name="Bench inbox", slug="bench-inbox")
    with MastodonServer(latency=latency) as server:
        start = timezone.now() - timedelta(days=6)
        for n in range(INGEST_MESSAGES):
            author, at = f"person{n % 500}@other.example", start + timedelta(seconds=n)
            server.post_as(author, f"@desk Message {n}", created_at=at)
        account = NetworkAccount.objects.create(
            brand=brand,
            network="mastodon",
            display_name="Mastodon",
            credentials={"access_token": server.token},
            config={"instance_url": server.url, "account_id": "109000000000000001"},
        )
        processes = Processes(folder)
        began = time.monotonic()
        processes.start_worker()
        processes.start_beat()
        try:
            first_stored = _wait(lambda: Message.objects.exists(), timeout=300)
            killed_at = _wait(lambda: Message.objects.count() >= KILL_AFTER, timeout=300)
            processes.kill("worker")
            stored_at_kill = Message.objects.count()
            processes.start_worker()
            restarted = time.monotonic()
            resumed = _wait(lambda: Message.objects.count() > stored_at_kill, timeout=120)
            _wait(lambda: Message.objects.count() >= INGEST_MESSAGES, timeout=600)
            done = time.monotonic()
            _wait(lambda: '"min_id"' in ReadState.objects.get(account=account).cursor, timeout=60)
        finally:
            processes.stop()
        per_id = Message.objects.values("remote_id").annotate(n=Count("pk"))
        distinct = per_id.count()
        return {
            "messages_on_the_network": INGEST_MESSAGES,
            "network_latency_seconds": latency,
            "stored": Message.objects.count(),
            "seconds_until_all_stored": round(done - began, 1),
            "floor_seconds": 30,
            # Without the two starts of a worker (Celery's own start, slow on a loaded machine).
            "seconds_reading": round((killed_at - first_stored) + (done - resumed), 1),
            "seconds_from_start_to_first_stored": round(first_stored - began, 1),
            "worker_killed_after_seconds": round(killed_at - began, 1),
            "stored_when_killed": stored_at_kill,
            # The new worker's start, and the dead one's claim expiring (INBOX_POLL_LEASE_SECONDS 3).
            "seconds_from_restart_to_reading_again": round(resumed - restarted, 1),
            "messages_per_second_while_reading": round(
                (INGEST_MESSAGES - stored_at_kill) / max(done - resumed, 0.001), 1
            ),
            "duplicates": Message.objects.count() - distinct,
            "lost": INGEST_MESSAGES - distinct,
            "pages_read": len(server.requests_to("GET", "/api/v1/notifications")),
        }


def _wait(condition, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the benchmark's condition was never met")
        time.sleep(0.1)
    return time.monotonic()


def list_scenario(runs: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    brand, user = _seed_list()
    client = Client()
    client.force_login(user)
    url = reverse("inbox:list", kwargs={"brand_slug": brand.slug})
    figures: dict[str, object] = {"messages": LIST_CONVERSATIONS * MESSAGES_EACH, "conversations": LIST_CONVERSATIONS}
    searches = (
        ("text_search", {"q": "livraison"}),  # in a quarter of the messages
        ("text_search_rare", {"q": "(1234, 3)"}),  # in one message
        ("text_search_nothing", {"q": "remboursement"}),  # in none: the whole index is asked
    )
    for name, query in (("default", {}), ("all_states", {"state": ""}), *searches):
        client.get(url, query)  # warm-up: resolver, templates, the session's first write
        timings, cpu = [], []
        for _ in range(runs):
            began, began_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, query)
            timings.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
            assert response.status_code == 200, response.status_code
        queries = {}
        for size in (10, 100):
            with CaptureQueriesContext(connection) as captured:
                client.get(url, {**query, "size": size})
            queries[f"page_of_{size}"] = len(captured)
        timings.sort()
        figures[name] = {
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
            "cpu_p50_ms": round(statistics.median(cpu), 1),
            "queries": queries,
        }
    figures["floor_p95_ms"] = 150
    return figures


def _seed_list():
    from django.utils import timezone

    from accounts.models import Brand, Membership, User
    from accounts.roles import Role
    from inbox.models import Conversation, ConversationState, Message, Tag
    from networks.models import NetworkAccount

    brand = Brand.objects.create(name="Bench list", slug="bench-list")
    user = User.objects.create_user(email="bench-list@bench.invalid", password="x" * 20)
    Membership.objects.create(user=user, brand=brand, role=Role.EDITOR)
    accounts = NetworkAccount.objects.bulk_create(
        NetworkAccount(brand=brand, network=("mastodon", "fake")[i % 2], display_name=f"Account {i}") for i in range(10)
    )
    tags = Tag.objects.bulk_create(Tag(brand=brand, name=name) for name in ("SAV", "Livraison", "Presse", "Avis"))
    states = list(ConversationState.values)
    now = timezone.now()
    words = ("Bonjour, où en est ma livraison ?", "Super produit !", "Un souci avec ma commande", "Merci")
    for first in range(0, LIST_CONVERSATIONS, 2000):
        batch = range(first, min(first + 2000, LIST_CONVERSATIONS))
        conversations = Conversation.objects.bulk_create(
            Conversation(
                brand=brand,
                account=accounts[n % 10],
                kind="mention",
                root_remote_id=f"root-{n}",
                state=states[n % len(states)],
                last_message_at=now - timedelta(minutes=n),
                last_message_text=words[n % 4],
                last_author=f"@person{n % 300}@example.org",
                message_count=MESSAGES_EACH,
            )
            for n in batch
        )
        Message.objects.bulk_create(
            Message(
                conversation=conversation,
                account_id=conversation.account_id,
                remote_id=f"m-{conversation.root_remote_id}-{k}",
                kind="mention",
                author_handle=conversation.last_author,
                text=words[(n + k) % 4] + f" ({n}, {k})",
                created_at=conversation.last_message_at - timedelta(seconds=k),
            )
            for n, conversation in zip(batch, conversations, strict=True)
            for k in range(MESSAGES_EACH)
        )
        Conversation.tags.through.objects.bulk_create(
            Conversation.tags.through(conversation_id=c.pk, tag_id=tags[i % 4].pk)
            for i, c in enumerate(conversations)
            if i % 3 == 0
        )
    return brand, user


if __name__ == "__main__":
    main()
