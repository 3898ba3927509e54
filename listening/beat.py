"""Listening's background jobs as settings see them: task names, beat entries, routes.

Plain names and dicts, no Django import: settings.py reads this module while the settings load,
and listening/tasks.py names its tasks from it.
"""

DISPATCH = "listening.dispatch"
POLL_SOURCE = "listening.poll_source"


def schedule(*, dispatch_every: float) -> dict[str, dict]:
    """The dispatcher claims the sources due and enqueues one poll each (collect.py)."""
    return {
        "listening-dispatch": {
            "task": DISPATCH,
            "schedule": dispatch_every,
            "options": {"expires": max(2 * dispatch_every, 5.0)},
        },
    }


def routes(*, control_queue: str) -> dict[str, dict]:
    """The dispatcher is a short control task: it must not wait behind a burst of publishes."""
    return {DISPATCH: {"queue": control_queue}}
