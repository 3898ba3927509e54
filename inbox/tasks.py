"""Celery tasks of the inbox: thin, each loads by id and calls a service.

Beat runs `inbox.dispatch` (settings.CELERY_BEAT_SCHEDULE), which enqueues one `inbox.poll_account`
per account due for reading and hands pending replies to `inbox.send_reply`.
"""

from celery import shared_task

from inbox import sending


@shared_task(name="inbox.send_reply")
def send_reply(reply_id: int) -> str:
    return sending.reply_send(reply_id=reply_id)
