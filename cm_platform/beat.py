"""Celery beat's scheduler, which also records that beat is alive.

The tick is written by the beat process itself (not by a task a worker runs), so a dead
scheduler and a dead worker show up as two different facts on /healthz.
"""

import time

from celery.beat import PersistentScheduler
from django.conf import settings
from django.db import close_old_connections


class HeartbeatScheduler(PersistentScheduler):
    # Writing once per beat interval is enough for health and spares the database.
    _last_touch = 0.0

    def tick(self, *args, **kwargs):
        now = time.monotonic()
        if now - self._last_touch >= settings.BEAT_INTERVAL:
            self._touch()
            self._last_touch = now
        return min(super().tick(*args, **kwargs), settings.BEAT_INTERVAL)

    def _touch(self) -> None:
        from cm_platform.models import Heartbeat  # noqa: PLC0415 — app registry: beat imports this class by its path, maybe before setup

        close_old_connections()
        Heartbeat.touch("beat")
