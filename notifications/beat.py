"""The notifications app's background jobs as settings see them: task names and beat entries.

Plain names and dicts, no Django import: settings.py reads this module while the settings load.
The names are the ones these tasks had in the posts and api apps: beat's schedule and the
messages already waiting in the broker when a new version starts name them so.
"""

SEND_DIGESTS = "posts.send_digests"
DELIVER_WEBHOOK = "api.deliver_webhook"


def schedule(*, digest_check_every: float) -> dict[str, dict]:
    """The daily digests whose morning has come (idempotent: each digest once)."""
    return {
        "send-daily-digests": {
            "task": SEND_DIGESTS,
            "schedule": digest_check_every,
            "options": {"expires": digest_check_every},
        },
    }
