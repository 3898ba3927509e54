"""The clients app's background job as settings see it: its task name and beat entry.

Plain names and dicts, no Django import: settings.py reads this module while the settings load,
and clients/tasks.py names its task from it.
"""

REMIND_CLIENTS = "clients.remind_reviewers"


def schedule(*, reminder_check_every: float) -> dict[str, dict]:
    """Posts waiting for the client longer than their brand's delay (each reminder once per wait)."""
    return {
        "remind-client-reviewers": {
            "task": REMIND_CLIENTS,
            "schedule": reminder_check_every,
            "options": {"expires": reminder_check_every},
        },
    }
