"""Celery tasks of the inbox: thin, each loads by id and calls a service.

Beat runs `inbox.dispatch` (inbox/beat.py), which enqueues one
`inbox.poll_account` per account due for reading (on INBOX_POLL_QUEUE) and hands pending replies
to `inbox.send_reply`; and `inbox.warn_due`, which tells people of answers about to be late.
"""

from celery import shared_task

from inbox import beat, collect, ontime, sending, webhooks
from networks.base import PublishError

MENTION_RETRY_MAX = 300.0  # seconds


@shared_task(name=beat.DISPATCH)
def dispatch() -> int:
    return len(collect.inbox_dispatch())


@shared_task(name=beat.POLL_ACCOUNT)
def poll_account(read_state_id: int, claim: str) -> str:
    return collect.account_poll(read_state_id=read_state_id, claim=claim)


@shared_task(name=beat.SEND_REPLY)
def send_reply(reply_id: int) -> str:
    return sending.reply_send(reply_id=reply_id)


@shared_task(name=beat.WARN_DUE)
def warn_due() -> int:
    return ontime.conversations_warn_due()


@shared_task(name=beat.READ_MENTION, bind=True, max_retries=5)
def read_mention(self, account_id: int, media_id: str, comment_id: str) -> str:
    try:
        return webhooks.mention_read(account_id=account_id, media_id=media_id, comment_id=comment_id)
    except PublishError as error:  # a short wait: never a long ETA on the broker
        raise self.retry(countdown=min(error.retry_after or 60.0, MENTION_RETRY_MAX)) from None
