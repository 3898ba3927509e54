from celery import shared_task

from api import webhooks


@shared_task(
    name="api.deliver_webhook",
    autoretry_for=(webhooks.DeliveryFailed,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
)
def deliver_webhook(endpoint_id: int, event: str, delivery: str, body: str) -> int | None:
    return webhooks.deliver(endpoint_id=endpoint_id, event=event, delivery=delivery, body=body)
