"""The posts app's background jobs as settings see them: task names and beat entries.

Plain names and dicts, no Django import: settings.py reads this module while the settings load,
and posts/tasks.py names its tasks from it.
"""

EXPIRE_UNAPPROVED = "posts.expire_unapproved"
REMIND_APPROVERS = "posts.remind_approvers"


def schedule(*, deadline_check_every: float, reminder_check_every: float) -> dict[str, dict]:
    """The posts whose time came before their approvals, and the approvals waiting too long
    (both idempotent: each post once, each reminder once per wait)."""
    return {
        "expire-unapproved-posts": {
            "task": EXPIRE_UNAPPROVED,
            "schedule": deadline_check_every,
            "options": {"expires": deadline_check_every},
        },
        "remind-approvers": {
            "task": REMIND_APPROVERS,
            "schedule": reminder_check_every,
            "options": {"expires": reminder_check_every},
        },
    }
