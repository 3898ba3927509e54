"""Celery tasks of notifications: thin, each calls a service.

Their names are the ones they had in the posts and api apps: beat's schedule and the messages
already waiting in the broker when a new version starts name them so.
"""

from celery import shared_task

from notifications import digest
from notifications.delivery import DeliveryFailed, deliver


@shared_task(name="posts.send_digests")
def send_digests() -> int:
    """Beat, every DIGEST_CHECK_INTERVAL: the daily digests whose morning has come (once each)."""
    return digest.digests_send()


@shared_task(
    name="api.deliver_webhook",
    autoretry_for=(DeliveryFailed,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
)
def deliver_webhook(endpoint_id: int, event: str, delivery: str, body: str) -> int | None:
    return deliver(endpoint_id=endpoint_id, event=event, delivery=delivery, body=body)
