"""Thin Celery tasks: load by id, call a service (listening/collect.py), let the database decide."""

from celery import shared_task
from django.db import close_old_connections

from listening import beat, collect


@shared_task(name=beat.DISPATCH, ignore_result=True)
def dispatch() -> int:
    close_old_connections()
    try:
        return len(collect.dispatch_due())
    finally:
        close_old_connections()


@shared_task(name=beat.POLL_SOURCE, ignore_result=True)
def poll_source(source_id: int, claim: str) -> str:
    close_old_connections()
    try:
        return collect.source_poll(source_id=source_id, claim=claim)
    finally:
        close_old_connections()
