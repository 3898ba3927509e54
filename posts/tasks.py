"""Celery tasks of the publishing engine: thin, each calls a service.

Beat runs `dispatch_due` and `sweep_expired` (settings.CELERY_BEAT_SCHEDULE); the dispatcher
enqueues `publish_target` once its claim committed; the sweeper enqueues `recover_target`.
No task carries a long ETA: the database holds the schedule, retries set next_attempt_at.
"""

from celery import shared_task
from celery.signals import task_postrun, task_prerun, worker_init, worker_process_init
from django.db import close_old_connections

from posts import services as post_services
from posts.publishing import dispatcher, leases, services


def _connections_as_for_a_request(**kwargs) -> None:
    """Drop a connection that is too old or broken, keep a good one (CELERY_DB_REUSE_MAX)."""
    close_old_connections()


task_prerun.connect(_connections_as_for_a_request, weak=False)
task_postrun.connect(_connections_as_for_a_request, weak=False)
# Each worker process renews the leases of the claims it holds (the threads pool runs tasks in
# the worker's own process; prefork in its children).
worker_init.connect(leases.start_heartbeat, weak=False)
worker_process_init.connect(leases.start_heartbeat, weak=False)


@shared_task(name="posts.dispatch_due")
def dispatch_due() -> int:
    return len(dispatcher.dispatch_due())


@shared_task(name="posts.sweep_expired")
def sweep_expired() -> int:
    return len(dispatcher.sweep_expired())


@shared_task(name="posts.publish_target")
def publish_target(target_id: int, claim: str) -> str:
    return services.target_publish(target_id=target_id, claim=claim)


@shared_task(name="posts.recover_target")
def recover_target(target_id: int, claim: str) -> str:
    return services.target_recover(target_id=target_id, claim=claim)


@shared_task(name="posts.expire_unapproved")
def expire_unapproved() -> int:
    """Beat, every APPROVAL_DEADLINE_INTERVAL: posts whose time came before their approvals."""
    return post_services.posts_expire()
