"""Background work of the calendar: thin tasks that load by id and call a service."""

from celery import shared_task

from calendars import services


@shared_task(acks_late=True)
def import_job_run_task(job_id: int) -> None:
    """Run a confirmed CSV import (calendars.services.import_job_run); a second delivery is a no-op."""
    services.import_job_run(job_id=job_id)
