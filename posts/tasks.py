"""Celery tasks of the posts app, run by beat (posts/beat.py): thin, each calls a service."""

from celery import shared_task

from posts import beat, reminders
from posts import services as post_services


@shared_task(name=beat.EXPIRE_UNAPPROVED)
def expire_unapproved() -> int:
    """Beat, every APPROVAL_DEADLINE_INTERVAL: posts whose time came before their approvals."""
    return post_services.posts_expire()


@shared_task(name=beat.REMIND_APPROVERS)
def remind_approvers() -> int:
    """Beat, every APPROVAL_REMINDER_INTERVAL: approvals waiting longer than their brand's delay."""
    return reminders.approval_reminders_send()
