"""Analytics' background jobs as settings see them: task names and beat entries.

Plain names and dicts, no Django import: settings.py reads this module while the settings load,
and analytics/tasks.py names its tasks from it. (analytics/schedule.py is another thing: when
each post's numbers are read.)
"""

DISPATCH = "analytics.dispatch"
SEND_REPORTS = "analytics.send_reports"


def schedule(*, dispatch_every: float, reports_every: float) -> dict[str, dict]:
    """The metrics dispatcher (schedules new published targets, claims due reads), and the
    scheduled report emails (each period sent once)."""
    return {
        "analytics-dispatch": {
            "task": DISPATCH,
            "schedule": dispatch_every,
            "options": {"expires": dispatch_every},
        },
        "analytics-send-reports": {"task": SEND_REPORTS, "schedule": reports_every},
    }
