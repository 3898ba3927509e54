"""Celery tasks of the networks app (thin: the work is in networks/tokens.py)."""

from celery import shared_task

from networks import beat, tokens


@shared_task(name=beat.REFRESH_TOKENS)
def refresh_tokens() -> dict[str, int]:
    """Beat: renew OAuth tokens before they expire; warn owners of those that cannot be renewed."""
    report = tokens.token_health_check()
    return {"refreshed": report.refreshed, "failed": report.failed, "warned": report.warned, "expired": report.expired}
