"""What the benchmarks share: each backend measured in a process of its own, a throw-away test
database, and a page's timings as Django's test client sees them.

A benchmark names its backends (environment variables over the embedded defaults), adds its own
options and gives the function that measures inside one backend's process:

    harness.run(__file__, __doc__, BACKENDS, run_backend, options=add_options, timeout=1800)

Django is imported inside the functions: the parent process only spawns, and each child reads its
settings once, after the backend's environment is in place.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# BENCH_DATABASE_URL / BENCH_BROKER_URL point elsewhere (a database and a Redis db of your own).
SERVICES_DATABASE = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cm_platform")
SERVICES_BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
# Set by the backends only: the embedded run must not inherit the shell's.
BACKEND_VARIABLES = ("DATABASE_URL", "CELERY_BROKER_URL")


def run(
    script: str,
    doc: str,
    backends: dict[str, dict[str, str]],
    run_backend: Callable[[argparse.Namespace], dict],
    *,
    options: Callable[[argparse.ArgumentParser], None] = lambda parser: None,
    timeout: float,
) -> None:
    """The command line: each chosen backend in a child process, the JSON of them all printed."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--backend", choices=[*backends, "both"], default="both")
    parser.add_argument("--run", choices=list(backends), help=argparse.SUPPRESS)
    options(parser)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_backend(args)))
        return
    names = list(backends) if args.backend == "both" else [args.backend]
    passed = [a for a in sys.argv[1:] if not a.startswith("--backend") and a not in backends and a != "both"]
    results = {name: spawn(script, name, backends[name], passed, timeout=timeout) for name in names}
    print(json.dumps(results, indent=2))


def spawn(script: str, backend: str, variables: dict[str, str], argv: list[str], *, timeout: float) -> dict:
    """Each backend in its own process (Django reads its settings once): `script argv --run backend`
    with the backend's variables; its last line of output is the JSON of its figures."""
    env = {k: v for k, v in os.environ.items() if k not in BACKEND_VARIABLES}
    env.update(variables)
    env.setdefault("DJANGO_SECRET_KEY", f"bench-only-{uuid.uuid4().hex}-{uuid.uuid4().hex}")
    done = subprocess.run(
        [sys.executable, script, *argv, "--run", backend],
        env=env,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(script))),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        return {"error": done.stderr[-3000:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def throwaway_database(name: str) -> Iterator[None]:
    """Django set up on the test suite's settings and a test database made for this run, dropped
    after it: a benchmark never writes to yours."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cm_platform.settings_test")
    os.environ["CM_TEST_RUN_ID"] = f"{name}-{os.getpid()}"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def page_timings(client, url: str, query: dict, runs: int) -> dict:
    """p50 / p95 wall time and p50 CPU time (ms) of `runs` GETs, after one warm-up call
    (resolver, templates, the session's first write)."""
    client.get(url, query)
    timings, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, query)
        timings.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
    }


def queries_of(client, url: str, query: dict) -> int:
    """How many SQL queries one GET makes."""
    return query_cost(client, url, query)["queries"]


def query_cost(client, url: str, query: dict) -> dict:
    """One GET's SQL queries and the database's share of it (their wall time, as Django saw them)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url, query)
    db_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    return {"queries": len(captured), "db_ms": round(db_ms, 1)}


def load_average() -> float:
    """The machine's 1-minute load, printed with the figures: a busy machine explains slow ones."""
    return round(os.getloadavg()[0], 2)
