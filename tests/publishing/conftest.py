"""Fixtures of the engine's tests: approved posts, a local Mastodon account, and real Celery
worker and beat processes (subprocesses, never eager mode) sharing the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from posts.models import PostState
from tests.factories import NetworkAccountFactory, PostFactory, PostTargetFactory
from tests.networks.servers.mastodon import MastodonServer

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(ROOT / ".venv" / "bin" / "celery")


def approved_post(brand, accounts, *, at=None, text=None, author=None):
    """An approved post of `brand` scheduled `at` (default now) with one target per account."""
    extra = {"author": author} if author is not None else {}
    post = PostFactory(
        brand=brand,
        state=PostState.APPROVED,
        scheduled_at=at or timezone.now(),
        text=text or f"Post {uuid.uuid4().hex[:8]}",
        **extra,
    )
    for account in accounts:
        PostTargetFactory(post=post, account=account)
    return post


def wait_for(condition: Callable[[], object], *, timeout: float, interval: float = 0.2, message=""):
    """Poll `condition` until it is truthy; fail the test after `timeout` seconds.

    `message` may be a callable (e.g. reading a worker's log), called only on failure.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s: {message() if callable(message) else message}")


def database_url() -> str:
    """The test database as a URL for the worker processes (pytest-django renamed it)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def broker_is_redis() -> bool:
    return settings.CELERY_BROKER_URL.startswith("redis")


class Engine:
    """Real `celery worker` and `celery beat` processes for one test.

    Each test gets its own queue name (and, on the embedded broker, its own broker folders), so
    parallel runs never take each other's messages.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.queue = f"test-{uuid.uuid4().hex[:10]}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cm_platform.settings_test",
            "DATABASE_URL": database_url(),
            "CM_VAR_DIR": str(folder),
            "CELERY_QUEUE": self.queue,
            # Tests run against a clock: short retry delays and leases, quick stall detection.
            "PUBLISH_BACKOFF_BASE": "0.5",
            "PUBLISH_BACKOFF_MAX": "2",
            "PUBLISH_LEASE_SECONDS": "6",
            "PUBLISH_QUEUE_LEASE_SECONDS": "10",
            "PUBLISH_SWEEP_INTERVAL": "1",
            "HTTP_READ_TIMEOUT": "3",
        }
        self.processes: dict[str, subprocess.Popen] = {}

    def _start(self, name: str, args: list[str], **env: str) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [CELERY, "-A", "cm_platform", *args],
            cwd=ROOT,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches the whole worker
        )
        self.processes[name] = process
        return process

    def start_worker(self, *, concurrency: int = 8, name: str = "worker", **env: str) -> subprocess.Popen:
        queues = f"{self.queue},{self.queue}-control"  # publish tasks, and the engine's control tasks
        args = ["worker", "-Q", queues, "-n", f"{name}-{self.queue}@%h", "--pool", "threads"]
        args += ["--concurrency", str(concurrency), "--loglevel", "INFO", "--without-mingle", "--without-gossip"]
        return self._start(name, args, **env)

    def start_beat(self, **env: str) -> subprocess.Popen:
        schedule = self.folder / "celerybeat-schedule"
        return self._start("beat", ["beat", "-s", str(schedule), "--loglevel", "INFO"], **env)

    def supervise(self, name: str, start: Callable[[], subprocess.Popen]) -> Callable[[], None]:
        """What a deployment's supervisor does (docker-compose: `restart: unless-stopped`): a
        check that starts the process again if it has exited. kombu's Redis transport can end a
        worker on a lost broker connection ("Unrecoverable error" while closing its channel)."""

        def restart_if_exited() -> None:
            if self.processes[name].poll() is not None:
                start()

        return restart_if_exited

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        for name in list(self.processes):
            process = self.processes.pop(name)
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


@pytest.fixture
def engine(transactional_db, tmp_path):
    """Start processes with engine.start_worker() / engine.start_beat(); all stop at the end."""
    engine = Engine(tmp_path)
    yield engine
    engine.stop()


@pytest.fixture
def fake_account(brand_a):
    return NetworkAccountFactory(brand=brand_a, network="fake")


@pytest.fixture
def mastodon():
    """A local Mastodon instance (tests needing latency start their own MastodonServer)."""
    with MastodonServer() as server:
        yield server


@pytest.fixture
def mastodon_account(brand_a, mastodon):
    return mastodon_account_for(brand_a, mastodon)


def mastodon_account_for(brand, server, **fields):
    return NetworkAccountFactory(
        brand=brand,
        network="mastodon",
        handle="@desk@127.0.0.1",
        credentials={"access_token": server.token},
        config={"instance_url": server.url, "account_id": "109000000000000001", "max_characters": 500},
        **fields,
    )


def soon(seconds: float):
    return timezone.now() + timedelta(seconds=seconds)


# The exact command of scripts/services.sh, so the restarted server is the one the suite expects.
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]


def restart_redis() -> None:
    """Stop the Redis server (losing every message it held) and start it again."""
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"], check=False, timeout=10)
    wait_for(lambda: subprocess.run(["redis-cli", "ping"], capture_output=True).returncode != 0, timeout=10)
    Path("/var/lib/redis").mkdir(parents=True, exist_ok=True)
    Path("/var/log/redis").mkdir(parents=True, exist_ok=True)
    subprocess.run(REDIS_START, check=True, timeout=10)
    wait_for(lambda: b"PONG" in subprocess.run(["redis-cli", "ping"], capture_output=True).stdout, timeout=10)
