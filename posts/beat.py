"""The posts app's background jobs as settings see them: task names and beat entries.

Plain names and dicts, no Django import: settings.py reads this module while the settings load,
and posts/tasks.py names its tasks from it.
"""

EXPIRE_UNAPPROVED = "posts.expire_unapproved"


def schedule(*, deadline_check_every: float) -> dict[str, dict]:
    """The posts whose time came before their approvals (idempotent: each post once)."""
    return {
        "expire-unapproved-posts": {
            "task": EXPIRE_UNAPPROVED,
            "schedule": deadline_check_every,
            "options": {"expires": deadline_check_every},
        },
    }
