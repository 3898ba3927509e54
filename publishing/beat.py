"""The engine's background jobs as settings see them: task names, beat entries, routes.

Plain names and dicts, no Django import: settings.py reads this module while the settings load
(before any app), and publishing/tasks.py names its tasks from it, so each name is written once.
The names are those the tasks had in posts/tasks.py: a message already queued under one by an
older release still finds its task.
"""

DISPATCH_DUE = "posts.dispatch_due"
SWEEP_EXPIRED = "posts.sweep_expired"
PUBLISH_TARGET = "posts.publish_target"
RECOVER_TARGET = "posts.recover_target"

# The short control tasks have a queue of their own: behind a burst of a thousand publish
# messages, a dispatcher run would otherwise wait (and expire).
CONTROL = (DISPATCH_DUE, SWEEP_EXPIRED, RECOVER_TARGET)
# Sent every few seconds: their routine log lines are DEBUG, not INFO (cm_platform/logs.py).
ROUTINE = (DISPATCH_DUE, SWEEP_EXPIRED)


def schedule(*, dispatch_every: float, sweep_every: float) -> dict[str, dict]:
    """Beat's entries. A dispatcher message older than a few seconds is dropped: a later one does
    its work, and a worker coming back after an outage does not run hundreds of stale dispatches."""
    return {
        "dispatch-due-targets": {
            "task": DISPATCH_DUE,
            "schedule": dispatch_every,
            "options": {"expires": max(10 * dispatch_every, 5.0)},
        },
        "sweep-expired-claims": {
            "task": SWEEP_EXPIRED,
            "schedule": sweep_every,
            "options": {"expires": 2 * sweep_every},
        },
    }


def routes(*, control_queue: str) -> dict[str, dict]:
    return {task: {"queue": control_queue} for task in CONTROL}
