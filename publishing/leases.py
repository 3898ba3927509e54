"""Live workers keep their claims; a dead worker's claims are noticed within seconds.

A claim is leased (PostTarget.lease_expires_at). The lease is short (PUBLISH_LEASE_SECONDS,
10 s by default) and each worker process renews the leases of the claims it is working on
from a heartbeat thread, every quarter of it. A worker killed mid-call stops renewing: its
claims expire within one lease, the sweeper (every PUBLISH_SWEEP_INTERVAL) takes them back
and they go through the usual recovery (never called: pending again; called: the same key
where the network recognises repeats, a look, or a person's check), and the account's
in-flight slots are free again. A claim still waiting in the broker for a worker has the
longer PUBLISH_QUEUE_LEASE_SECONDS (nobody renews it yet).

The renewal is one UPDATE per process and beat, whatever the number of claims, and only for
claims still held by this process (a compare-and-set on the claim, as every write of the engine).
A claim held longer than PUBLISH_MAX_HOLD_SECONDS (a call stuck past every time-out: a bug) is
no longer renewed, so it is recovered as a dead worker's would be.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from core.db import writing
from posts.models import PostTarget, TargetState
from publishing.dispatcher import lease_until

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_held: dict[int, tuple[str, float]] = {}  # target id -> (claim, since: monotonic), in this process
_heartbeat_pid: int | None = None  # the process whose heartbeat thread runs (a fork has none)


@contextmanager
def held(target_id: int, claim: str) -> Iterator[None]:
    """While inside, this process renews the target's lease."""
    with _lock:
        _held[target_id] = (claim, time.monotonic())
    try:
        yield
    finally:
        with _lock:
            _held.pop(target_id, None)


def renew() -> int:
    """Extend the lease of every claim this process holds; returns how many were renewed."""
    oldest = time.monotonic() - settings.PUBLISH_MAX_HOLD_SECONDS
    with _lock:
        claims = {target_id: claim for target_id, (claim, since) in _held.items() if since > oldest}
    if not claims:
        return 0
    with writing():
        held_here = PostTarget.objects.filter(pk__in=list(claims), claim_id__in=list(claims.values()))
        return held_here.filter(state=TargetState.PUBLISHING).update(lease_expires_at=lease_until(timezone.now()))


def interval() -> float:
    return settings.PUBLISH_LEASE_SECONDS / 4


def start_heartbeat(**_signal) -> None:
    """One daemon thread per worker process (publishing/tasks.py starts it as the worker starts)."""
    global _heartbeat_pid
    with _lock:
        if _heartbeat_pid == os.getpid():
            return
        _heartbeat_pid = os.getpid()
    threading.Thread(target=_beat, name="publish-lease-heartbeat", daemon=True).start()


def _beat() -> None:
    while True:
        time.sleep(interval())
        try:
            close_old_connections()
            renew()
        except Exception:  # a database hiccup: the next beat tries again, well within the lease
            logger.exception("could not renew the publishing leases")
