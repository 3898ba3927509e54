"""Celery tasks of the posts app, run by beat (posts/beat.py): thin, each calls a service."""

from celery import shared_task

from posts import beat, notifications
from posts import services as post_services


@shared_task(name=beat.EXPIRE_UNAPPROVED)
def expire_unapproved() -> int:
    """Beat, every APPROVAL_DEADLINE_INTERVAL: posts whose time came before their approvals."""
    return post_services.posts_expire()


@shared_task(name=beat.SEND_DIGESTS)
def send_digests() -> int:
    """Beat, every DIGEST_CHECK_INTERVAL: the daily digests whose morning has come (once each)."""
    return notifications.digests_send()
