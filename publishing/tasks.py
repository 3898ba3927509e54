"""Celery tasks of the publishing engine: thin, each calls a service.

Beat runs `dispatch_due` and `sweep_expired` (publishing/beat.py); the dispatcher enqueues
`publish_target` once its claim committed; the sweeper enqueues `recover_target`. No task
carries a long ETA: the database holds the schedule, retries set next_attempt_at.

The tasks keep the names they had when they lived in posts/tasks.py ("posts.…"): a message
already queued under that name by an older release still finds its task.
"""

from celery import shared_task
from celery.signals import worker_init, worker_process_init

from publishing import beat, dispatcher, engine, leases

# Each worker process renews the leases of the claims it holds (the threads pool runs tasks in
# the worker's own process; prefork in its children).
worker_init.connect(leases.start_heartbeat, weak=False)
worker_process_init.connect(leases.start_heartbeat, weak=False)


@shared_task(name=beat.DISPATCH_DUE)
def dispatch_due() -> int:
    return len(dispatcher.dispatch_due())


@shared_task(name=beat.SWEEP_EXPIRED)
def sweep_expired() -> int:
    return len(dispatcher.sweep_expired())


@shared_task(name=beat.PUBLISH_TARGET)
def publish_target(target_id: int, claim: str) -> str:
    return engine.target_publish(target_id=target_id, claim=claim)


@shared_task(name=beat.RECOVER_TARGET)
def recover_target(target_id: int, claim: str) -> str:
    return engine.target_recover(target_id=target_id, claim=claim)
