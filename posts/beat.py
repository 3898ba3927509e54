"""The posts app's background jobs as settings see them: task names and beat entries.

Plain names and dicts, no Django import: settings.py reads this module while the settings load,
and posts/tasks.py names its tasks from it.
"""

EXPIRE_UNAPPROVED = "posts.expire_unapproved"
SEND_DIGESTS = "posts.send_digests"


def schedule(*, digest_check_every: float, deadline_check_every: float) -> dict[str, dict]:
    """The daily digests whose morning has come, and the posts whose time came before their
    approvals (both idempotent: each digest, each post, once)."""
    return {
        "send-daily-digests": {
            "task": SEND_DIGESTS,
            "schedule": digest_check_every,
            "options": {"expires": digest_check_every},
        },
        "expire-unapproved-posts": {
            "task": EXPIRE_UNAPPROVED,
            "schedule": deadline_check_every,
            "options": {"expires": deadline_check_every},
        },
    }
