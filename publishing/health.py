"""Is the engine alive? The engine's checks, for /healthz (cm_platform/health.py lists them) and for
the banner managers see. Facts stored in the database (web, worker and beat are separate processes):

- "beat": the last tick of the scheduler (cm_platform/beat.py writes it).
- "dispatcher": the last run of the dispatcher (a worker ran it: a dead worker stops it).
- "publish": the last publish that finished, whatever its outcome.

The queue is not draining when a target has been due for longer than PUBLISH_STALL_SECONDS and
no publish finished in that time: the worker is dead, stuck, or not consuming.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from cm_platform.models import Heartbeat
from core.db import writing
from networks import budget
from publishing import rules

# Each worker process writes the publish heartbeat at most this often: a burst of a thousand
# publishes must neither queue behind one row lock nor pay a query each to read it.
PUBLISH_TOUCH_SECONDS = 1.0
_last_publish_touch = float("-inf")  # this process's last write, on time.monotonic()'s clock


def note_publish_finished() -> None:
    global _last_publish_touch
    now = time.monotonic()
    if now - _last_publish_touch < PUBLISH_TOUCH_SECONDS:
        return
    _last_publish_touch = now  # threads racing here write the heartbeat twice at worst: harmless
    with writing():
        Heartbeat.touch("publish")


def check_beat() -> dict:
    age = Heartbeat.age("beat")
    limit = 3 * settings.BEAT_INTERVAL
    return {"ok": age is not None and age <= limit, "last_tick_age_seconds": age, "limit_seconds": limit}


def check_dispatcher() -> dict:
    age = Heartbeat.age("dispatcher")
    limit = 3 * settings.BEAT_INTERVAL
    return {"ok": age is not None and age <= limit, "last_run_age_seconds": age, "limit_seconds": limit}


def check_queue() -> dict:
    """Fails when something has waited longer than the stall limit and nothing finished since."""
    limit = settings.PUBLISH_STALL_SECONDS
    now = timezone.now()
    # An account waiting for its network's reset (or its daily limit) is not a stall.
    due = budget.room(now=now).exclude_held(rules.due_targets(now))
    oldest = due.aggregate(oldest=Min("post__scheduled_at"))["oldest"]
    waiting = (now - oldest).total_seconds() if oldest else 0.0
    since_publish = Heartbeat.age("publish")
    draining = waiting <= limit or (since_publish is not None and since_publish <= limit)
    return {"ok": draining, "oldest_due_seconds": round(waiting, 1), "last_publish_age_seconds": since_publish}


def engine_problems() -> list[str]:
    """What a manager should know about the engine, in words (empty when all is well)."""
    problems = []
    if not check_beat()["ok"]:
        problems.append(_("The scheduler is not running: scheduled posts will not go out."))
    elif not check_dispatcher()["ok"]:
        problems.append(_("No publishing worker is running: scheduled posts will not go out."))
    if not check_queue()["ok"]:
        problems.append(_("Posts are due but none has been published for a while: the workers may be stuck."))
    return problems
