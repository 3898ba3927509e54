"""/healthz: the state of the database and the broker, then each app's own checks: the scheduler and
the publishing engine (publishing/health.py), how reading the inbox goes (informational:
inbox/collect.py's check_collection), and listening (listening/collect.py's check_listening).

Any part down answers 503, so a load balancer or a monitor sees a dead scheduler, and a silently
dead worker shows within seconds: the dispatcher it runs stops (three beat intervals), and due
posts stop draining (PUBLISH_STALL_SECONDS). Listening fails the same way: its dispatcher stops,
or a source waits far past its time to be read (listening/collect.py's check_listening).
"""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from cm_platform.celery import app
from inbox.collect import check_collection
from listening.collect import check_listening
from publishing.health import check_beat, check_dispatcher, check_queue


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True}


def check_broker() -> dict:
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "transport": conn.transport_cls}


CHECKS = {
    "database": check_database,
    "broker": check_broker,
    "beat": check_beat,
    "dispatcher": check_dispatcher,
    "queue": check_queue,
    "inbox": check_collection,
    "listening": check_listening,
}


def run_check(check) -> dict:
    try:
        return check()
    except Exception as exc:  # any failure means "down"; the class name says which, no secret
        return {"ok": False, "error": type(exc).__name__}


@never_cache
def healthz(request):
    report = {name: run_check(check) for name, check in CHECKS.items()}
    healthy = all(part["ok"] for part in report.values())
    return JsonResponse({"ok": healthy, **report}, status=200 if healthy else 503)
