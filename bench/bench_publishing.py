"""Benchmark of the publishing engine with real Celery worker and beat processes.

Prints JSON, per backend (the embedded defaults: SQLite + filesystem://; and PostgreSQL + Redis):
- lateness: 50 posts scheduled at spread times through the fake network: p50 / p99 of
  published_at - scheduled_at (target: p99 <= 1.5 s);
- burst: 1,000 targets due at the same second against a local Mastodon server answering every
  request after 100 ms: seconds until all are published (target <= 15 s), duplicates on the
  network (0), lost (0), lateness p50 / p99, and the worker's memory (RSS) after the burst;
- media: 100 posts due together on ONE Mastodon-like account (300 calls / 5 min, enforced by the
  server with 429s), 25 of them with 1-4 images that the server processes for 1 s, every
  request answered after 100 ms, on `make run`'s worker (one process, the configured size):
  seconds until all are out (target <= 30 s), duplicates (0), lost (0), the most calls the
  server saw in one of its windows (<= the budget) and how many it refused (0).

    .venv/bin/python bench/bench_publishing.py                     # both backends
    .venv/bin/python bench/bench_publishing.py --backend embedded  # or: services

Workers are started as `make run` and docker-compose start them: `--pool threads` and no
--concurrency, so each has the one configured size (cm_platform/settings.py: 8 threads per CPU,
16 on this 2-core machine). Publishing waits on the network, so threads keep many calls in
flight cheaply (prefork would need a process per call). The lateness and burst scenarios run two
such processes (`BENCH_WORKERS` to change), as a deployment scales workers, because the ORM work
around each call is CPU and one process's threads share one core (the GIL); the media scenario
runs one, as `make run` does. Everything happens in a throw-away test database, never in yours.
"""

import argparse
import json
import os
import signal
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
        # BENCH_DATABASE_URL / BENCH_BROKER_URL: another server or Redis database (the
        # benchmark makes a throw-away database next to the one named).
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cm_platform"),
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14"),
    },
}
# Worker processes: the threads of one process take turns on one core (the GIL), and the ORM
# work around each call is CPU; this machine has two cores, so two processes.
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
BURST_TARGETS = 1000
BURST_ACCOUNTS = 100  # 10 targets each: a burst of many brands, not one account's backlog
LATENCY = 0.1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="both")
    parser.add_argument("--run", choices=list(BACKENDS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_backend(args.run)))
        return
    names = list(BACKENDS) if args.backend == "both" else [args.backend]
    results = {name: spawn(name) for name in names}
    print(json.dumps(results, indent=2))


def spawn(backend: str) -> dict:
    """Each backend in its own process: Django reads its settings once."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(BACKENDS[backend])
    # One secret for this process and its workers: the credentials it encrypts, they decrypt.
    env.setdefault("DJANGO_SECRET_KEY", f"bench-only-{uuid.uuid4().hex}-{uuid.uuid4().hex}")
    done = subprocess.run(
        [sys.executable, __file__, "--run", backend], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        return {"error": done.stderr[-2000:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- inside one backend's process ------------------------------------------------------------------
def run_backend(backend: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cm_platform.settings_test")
    os.environ["CM_TEST_RUN_ID"] = f"bench-{os.getpid()}"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with Engine(Path(settings.VAR_DIR) / "bench") as engine:
            result = {
                "database": connection.vendor,
                "broker": settings.CELERY_BROKER_URL.split(":")[0],
                "workers": engine.describe(),
            }
            result["lateness"] = lateness_scenario()
            result["burst"] = burst_scenario(engine)
        # `make run`'s worker: one process of the configured size (BENCH_MEDIA_CONCURRENCY to
        # force another, e.g. 2: `make run`'s --concurrency before the size came from the config).
        concurrency = os.environ.get("BENCH_MEDIA_CONCURRENCY")
        with Engine(Path(settings.VAR_DIR) / "bench-media", workers=1, concurrency=concurrency) as engine:
            result["media"] = media_scenario(engine)
            result["media"]["worker"] = engine.describe()
        return result
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


class Engine:
    """A worker and a beat for the benchmark's database, on a queue of their own."""

    def __init__(self, folder: Path, *, workers: int = WORKERS, concurrency: int | str | None = None):
        from django.db import connection

        folder.mkdir(parents=True, exist_ok=True)
        db = connection.settings_dict
        if connection.vendor == "sqlite":
            url = f"sqlite:///{db['NAME']}"
        else:
            url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
        self.folder = folder
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cm_platform.settings_test",
            "DATABASE_URL": url,
            "CM_VAR_DIR": str(folder),
            "CELERY_QUEUE": f"bench-{uuid.uuid4().hex[:8]}",
            # Workers and beat run as in production: DEBUG's query log would cost every query.
            "DJANGO_DEBUG": "false",
        }
        self.worker_count, self.concurrency = workers, concurrency
        self.workers: list[subprocess.Popen] = []
        self.beat: subprocess.Popen | None = None

    def describe(self) -> str:
        from django.conf import settings

        configured = f"(the configured size: {settings.CELERY_WORKER_CONCURRENCY} threads)"
        size = f"--concurrency {self.concurrency}" if self.concurrency else configured
        return f"{self.worker_count} x celery worker --pool threads {size}"

    def __enter__(self):
        from cm_platform.models import Heartbeat

        celery = str(ROOT / ".venv" / "bin" / "celery")
        queue = self.env["CELERY_QUEUE"]
        self.workers = [
            self._start(celery, self._worker_args(queue, f"w{i}-{queue}@%h"), f"worker{i}.log")
            for i in range(self.worker_count)
        ]
        self.beat = self._start(
            celery, ["beat", "-s", str(self.folder / "schedule"), "--loglevel", "WARNING"], "beat.log"
        )
        started = time.monotonic()
        deadline = started + 60

        def dispatcher_ran() -> bool:  # since this engine started (an earlier one's run is older)
            age = Heartbeat.age("dispatcher")
            return age is not None and age <= time.monotonic() - started

        while not dispatcher_ran():
            if time.monotonic() > deadline:
                raise RuntimeError((self.folder / "worker0.log").read_text()[-2000:])
            time.sleep(0.2)
        return self

    def _worker_args(self, queue: str, name: str) -> list[str]:
        args = ["worker", "-Q", f"{queue},{queue}-control", "-n", name, "--pool", "threads"]
        if self.concurrency:
            args += ["--concurrency", str(self.concurrency)]
        return args + ["--loglevel", "WARNING", "--without-mingle"]

    def _start(self, celery: str, args: list[str], log: str) -> subprocess.Popen:
        with open(self.folder / log, "ab") as out:
            return subprocess.Popen(
                [celery, "-A", "cm_platform", *args],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker process, in MB."""
        sizes = []
        for worker in self.workers:
            status = Path(f"/proc/{worker.pid}/status").read_text().splitlines()
            kilobytes = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
            sizes.append(round(kilobytes / 1024, 1))
        return sizes

    def __exit__(self, *exc_info):
        for process in (self.beat, *self.workers):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 3)


def _brand_and_author(slug: str):
    from accounts.models import Brand, User

    author = User.objects.create_user(email=f"{slug}@bench.invalid")
    return Brand.objects.create(name=slug, slug=slug), author


def _wait_until_done(targets, timeout: float) -> None:
    from posts.models import TargetState

    deadline = time.monotonic() + timeout
    finished = (TargetState.PUBLISHED, TargetState.FAILED, TargetState.NEEDS_CHECKING)
    while targets.exclude(state__in=finished).exists() and time.monotonic() < deadline:
        time.sleep(0.2)


def lateness_scenario() -> dict:
    """50 posts at spread times (a few seconds apart, random fractions of a second)."""
    import random

    from django.utils import timezone

    from networks.models import NetworkAccount
    from posts.models import Post, PostState, PostTarget

    brand, author = _brand_and_author("bench-lateness")
    account = NetworkAccount.objects.create(brand=brand, network="fake", display_name="Fake")
    start = timezone.now() + timedelta(seconds=3)
    posts = Post.objects.bulk_create(
        Post(
            brand=brand,
            author=author,
            text=f"Lateness {i}",
            state=PostState.APPROVED,
            scheduled_at=start + timedelta(seconds=i * 0.4 + random.random()),
        )
        for i in range(50)
    )
    PostTarget.objects.bulk_create(PostTarget(post=post, account=account) for post in posts)
    targets = PostTarget.objects.filter(post__brand=brand)
    _wait_until_done(targets, timeout=60)
    lateness = [t for t in targets.values_list("lateness_seconds", flat=True) if t is not None]
    return {
        "posts": 50,
        "published": len(lateness),
        "p50_seconds": _percentile(lateness, 0.5),
        "p99_seconds": _percentile(lateness, 0.99),
        "max_seconds": round(max(lateness), 3) if lateness else None,
        "target_p99_seconds": 1.5,
    }


def burst_scenario(engine: Engine) -> dict:
    """1,000 targets due at the same second on a Mastodon server with 100 ms per request."""
    from collections import Counter

    from django.utils import timezone

    from networks.models import NetworkAccount
    from posts.models import Post, PostState, PostTarget, TargetState
    from tests.networks.servers.mastodon import MastodonServer

    brand, author = _brand_and_author("bench-burst")
    with MastodonServer(latency=LATENCY) as server:
        accounts = NetworkAccount.objects.bulk_create(
            NetworkAccount(
                brand=brand,
                network="mastodon",
                display_name=f"Mastodon {i}",
                credentials={"access_token": server.token},
                config={"instance_url": server.url, "account_id": "1", "max_characters": 500},
            )
            for i in range(BURST_ACCOUNTS)
        )
        due = (timezone.now() + timedelta(seconds=3)).replace(microsecond=0) + timedelta(seconds=1)
        per_account = BURST_TARGETS // BURST_ACCOUNTS
        posts = Post.objects.bulk_create(
            Post(brand=brand, author=author, text=f"Burst {i}", state=PostState.APPROVED, scheduled_at=due)
            for i in range(per_account)
        )
        PostTarget.objects.bulk_create(
            PostTarget(post=post, account=account, text=f"{post.text} on {account.display_name}")
            for post in posts
            for account in accounts
        )
        targets = PostTarget.objects.filter(post__brand=brand)
        _wait_until_done(targets, timeout=120)
        published = targets.filter(state=TargetState.PUBLISHED)
        last = max((t for t in published.values_list("published_at", flat=True) if t), default=due)
        per_text = Counter(status["text"] for status in server.statuses)
        lateness = [t for t in published.values_list("lateness_seconds", flat=True) if t is not None]
        per_second = Counter(int(t) for t in lateness)
        return {
            "targets": BURST_TARGETS,
            "accounts": BURST_ACCOUNTS,
            "network_latency_seconds": LATENCY,
            "published": published.count(),
            "seconds_until_all_published": round((last - due).total_seconds(), 3),
            "target_seconds": 15,
            "duplicates_on_network": sum(count - 1 for count in per_text.values()),
            "lost": BURST_TARGETS - len(per_text & Counter(targets.values_list("text", flat=True))),
            "not_published": targets.exclude(state=TargetState.PUBLISHED).count(),
            "requests_to_network": len(server.requests_to("POST", "/api/v1/statuses")),
            "lateness_p50_seconds": _percentile(lateness, 0.5) if lateness else None,
            "lateness_p99_seconds": _percentile(lateness, 0.99) if lateness else None,
            # How many went out in each second after the due time: the engine's pace.
            "published_per_second": [per_second[second] for second in range(max(per_second, default=-1) + 1)],
            "worker_rss_mb_after": engine.worker_rss_mb(),  # one figure per worker process
        }


MEDIA_POSTS = 100
MEDIA_WITH_IMAGES = 25
MEDIA_PROCESSING_SECONDS = 1.0
# Mastodon's documented API budget, which the bench's server enforces as Mastodon does.
MASTODON_CALLS = (300, 300)


def _images(brand, count: int) -> list:
    """`count` small PNG images in the brand's library."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from posts.models import Media

    items = []
    for i in range(count):
        buffer = io.BytesIO()
        Image.new("RGB", (64, 48), (i * 7 % 256, 90, 160)).save(buffer, "PNG")
        media = Media(brand=brand, content_type="image/png", size=buffer.tell(), width=64, height=48)
        media.original_name = f"bench-{i}.png"
        media.alt_text = f"Image {i}"
        media.file.save(media.original_name, ContentFile(buffer.getvalue()), save=True)
        items.append(media)
    return items


def media_scenario(engine: Engine) -> dict:
    """100 posts due together on one account, 25 with 1-4 images processed for 1 s each."""
    from collections import Counter

    from django.utils import timezone

    from networks.models import NetworkAccount
    from posts.models import Post, PostMedia, PostState, PostTarget, TargetState
    from tests.networks.servers.mastodon import MastodonServer

    brand, author = _brand_and_author("bench-media")
    with MastodonServer(
        latency=LATENCY,
        process_all_media=True,
        processing_seconds=MEDIA_PROCESSING_SECONDS,
        rate_limit=MASTODON_CALLS,
    ) as server:
        account = NetworkAccount.objects.create(
            brand=brand,
            network="mastodon",
            display_name="Mastodon",
            credentials={"access_token": server.token},
            # This server takes more than Mastodon's 30 media uploads per 30 minutes (62 images
            # here); the account declares it, as an instance with other limits would.
            config={"instance_url": server.url, "account_id": "1", "rate_limits": {"media": [300, 1800]}},
        )
        due = (timezone.now() + timedelta(seconds=3)).replace(microsecond=0) + timedelta(seconds=1)
        posts = Post.objects.bulk_create(
            Post(brand=brand, author=author, text=f"Media {i}", state=PostState.APPROVED, scheduled_at=due)
            for i in range(MEDIA_POSTS)
        )
        counts = [1 + i % 4 for i in range(MEDIA_WITH_IMAGES)]  # 1, 2, 3, 4, 1, ...: 62 images
        images = iter(_images(brand, sum(counts)))
        PostMedia.objects.bulk_create(
            PostMedia(post=post, media=next(images), position=position)
            for post, count in zip(posts[::4], counts, strict=True)
            for position in range(count)
        )
        PostTarget.objects.bulk_create(PostTarget(post=post, account=account) for post in posts)
        targets = PostTarget.objects.filter(post__brand=brand)
        _wait_until_done(targets, timeout=240)
        published = targets.filter(state=TargetState.PUBLISHED)
        last = max((t for t in published.values_list("published_at", flat=True) if t), default=due)
        per_text = Counter(status["text"] for status in server.statuses)
        lateness = [t for t in published.values_list("lateness_seconds", flat=True) if t is not None]
        return {
            "posts": MEDIA_POSTS,
            "posts_with_images": MEDIA_WITH_IMAGES,
            "images": sum(counts),
            "media_processing_seconds": MEDIA_PROCESSING_SECONDS,
            "network_latency_seconds": LATENCY,
            "published": published.count(),
            "seconds_until_all_published": round((last - due).total_seconds(), 3),
            "target_seconds": 30,
            "duplicates_on_network": sum(count - 1 for count in per_text.values()),
            "lost": MEDIA_POSTS - len(set(per_text) & {post.text for post in posts}),
            "lateness_p50_seconds": _percentile(lateness, 0.5) if lateness else None,
            "lateness_p99_seconds": _percentile(lateness, 0.99) if lateness else None,
            "calls_to_network": len(server.api_calls()),
            "budget_calls_per_window": list(MASTODON_CALLS),
            "most_calls_in_one_window": server.max_calls_per_window(MASTODON_CALLS[1]),
            "calls_refused_429": server.throttled,
        }


if __name__ == "__main__":
    main()
