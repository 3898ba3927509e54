"""The networks app's background jobs as settings see them: task names and beat entries.

Plain names and dicts, no Django import: settings.py reads this module while the settings load,
and networks/tasks.py names its tasks from it.
"""

REFRESH_TOKENS = "networks.refresh_tokens"


def schedule(*, refresh_every: float) -> dict[str, dict]:
    """OAuth tokens renewed before they expire (X's last two hours)."""
    return {
        "refresh-network-tokens": {
            "task": REFRESH_TOKENS,
            "schedule": refresh_every,
            "options": {"expires": refresh_every},
        },
    }
