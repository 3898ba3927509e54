"""Celery task of the clients app, run by beat (clients/beat.py): thin, it calls the service."""

from celery import shared_task

from clients import beat, reminders


@shared_task(name=beat.REMIND_CLIENTS)
def remind_reviewers() -> int:
    """Beat, every APPROVAL_REMINDER_INTERVAL: posts waiting for the client too long."""
    return reminders.client_reminders_send()
