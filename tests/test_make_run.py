"""`make run`: web, worker and beat as one supervised group (honcho and the Procfile).

Runs the real `make run` (without its set-up and demo, which the suite has done its own way) in
a process group of its own, as a terminal does, on a free port, against the test database.
"""

import contextlib
import os
import re
import signal
import socket
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

from cm_platform.models import Heartbeat
from tests.publishing.conftest import database_url, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _processes_with(marker: bytes) -> set[int]:
    """The running processes whose environment holds `marker` (what make run started carries
    it; the test process does not). Zombies count as gone."""
    found = set()
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            ours = marker in (proc / "environ").read_bytes().split(b"\0")
            if ours and (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                found.add(int(proc.name))
        except (OSError, IndexError):
            continue  # it ended while we read, or is not ours to read
    return found


def _answers(url: str) -> bool:
    try:
        requests.get(url, timeout=2)
    except requests.RequestException:
        return False
    return True


def _dispatcher_runs() -> float:
    """Changes each time the dispatcher runs (it stamps its heartbeat)."""
    beat_at = Heartbeat.objects.filter(name="dispatcher").values_list("beat_at", flat=True).first()
    return beat_at.timestamp() if beat_at else 0


@pytest.fixture
def make_run(tmp_path):
    """Starts `make run` on a free port; yields (process, port, output reader, marker: the
    environment entry that every process it starts carries)."""
    port = _free_port()
    queue = f"test-{uuid.uuid4().hex[:10]}"
    inherited = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env = {
        **inherited,
        "PORT": str(port),
        "DJANGO_SETTINGS_MODULE": "cm_platform.settings_test",
        "DATABASE_URL": database_url(),
        "CM_VAR_DIR": str(tmp_path),
        "CELERY_QUEUE": queue,
    }
    marker = f"CELERY_QUEUE={queue}".encode()
    log = tmp_path / "make-run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "-o", "demo", "run"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a group of its own, as a terminal's foreground job
        )

    def output() -> str:
        return log.read_text(errors="replace")

    yield process, port, output, marker
    for pid in _processes_with(marker):  # left only if the test failed
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param(lambda make: os.killpg(make.pid, signal.SIGINT), id="ctrl-c to the group"),
        pytest.param(lambda make: make.send_signal(signal.SIGTERM), id="term to make alone"),
    ],
)
def test_make_run_stops_web_worker_and_beat_and_frees_the_port(make_run, stop):
    make, port, output, marker = make_run
    wait_for(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), timeout=90, message=output)
    wait_for(lambda: "ready." in output() and "beat: Starting" in output(), timeout=60, message=output)
    first = wait_for(_dispatcher_runs, timeout=30, message=output)
    wait_for(lambda: _dispatcher_runs() != first, timeout=30, message=output)
    assert len(_processes_with(marker)) >= 4  # make, honcho, web, worker, beat and their helpers

    stop(make)
    make.wait(timeout=15)
    wait_for(lambda: not _processes_with(marker), timeout=5, message=output)
    assert _port_is_free(port)

    text = output()
    for name in ("web.1", "worker.1", "beat.1"):
        assert f"{name} stopped" in text
        assert re.search(rf"^\S+ {re.escape(name)} +\| ", text, re.MULTILINE)  # its lines carry its name
    assert "Segmentation fault" not in text
    # The dispatcher ran (twice a second) and its routine lines stayed at debug level.
    assert "Sending due task dispatch" not in text
    assert "posts.dispatch_due[" not in text
