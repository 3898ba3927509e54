"""Logging of the desk's processes: the engine's routine beats are DEBUG lines.

Beat sends the dispatcher twice a second and the sweeper every few seconds, and the worker runs
them: at INFO their "Sending due task", "received" and "succeeded" lines buried everything else
in `make run`'s terminal and in a deployment's logs. Errors about them keep their level.
"""

import logging

# Celery's loggers of those three lines (celery.beat, celery.worker.strategy, celery.app.trace).
ROUTINE_TASK_LOGGERS = ("celery.beat", "celery.worker.strategy", "celery.app.trace")


class RoutineTasksAtDebug(logging.Filter):
    """Lowers the INFO lines that name one of `tasks` to DEBUG, shown only when the logger's level
    lets DEBUG through (`--loglevel=DEBUG`)."""

    def __init__(self, tasks: tuple[str, ...]):
        super().__init__()
        self.tasks = tasks

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO:
            return True
        message = record.getMessage()
        if not any(task in message for task in self.tasks):
            return True
        record.levelno, record.levelname = logging.DEBUG, logging.getLevelName(logging.DEBUG)
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
