"""The Celery app: tasks are autodiscovered in each app's tasks.py; settings use the CELERY_ prefix."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cm_platform.settings")

app = Celery("cm_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _connections_as_for_a_request(**kwargs) -> None:
    """Drop a connection that is too old or broken, keep a good one (CELERY_DB_REUSE_MAX)."""
    close_old_connections()


task_prerun.connect(_connections_as_for_a_request, weak=False)
task_postrun.connect(_connections_as_for_a_request, weak=False)
