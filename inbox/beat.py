"""The inbox's background jobs as settings see them: task names, beat entries, routes.

Plain names and dicts, no Django import: settings.py reads this module while the settings load,
and inbox/tasks.py names its tasks from it.
"""

DISPATCH = "inbox.dispatch"
POLL_ACCOUNT = "inbox.poll_account"
SEND_REPLY = "inbox.send_reply"
WARN_DUE = "inbox.warn_due"
READ_MENTION = "inbox.read_mention"


def schedule(*, dispatch_every: float, warn_every: float) -> dict[str, dict]:
    """The dispatcher claims the accounts due for reading and hands pending replies to senders;
    the warning looks for conversations about to miss their response target (inbox/ontime.py)."""
    return {
        "inbox-dispatch": {
            "task": DISPATCH,
            "schedule": dispatch_every,
            "options": {"expires": max(2 * dispatch_every, 5.0)},
        },
        "inbox-warn-due": {
            "task": WARN_DUE,
            "schedule": warn_every,
            "options": {"expires": max(2 * warn_every, 5.0)},
        },
    }


def routes(*, control_queue: str, poll_queue: str) -> dict[str, dict]:
    """The dispatcher is a short control task; polls go where the deployment reads accounts."""
    return {DISPATCH: {"queue": control_queue}, POLL_ACCOUNT: {"queue": poll_queue}}
