"""Celery tasks of analytics: thin, each calls a service (analytics/services.py).

Beat runs `analytics.dispatch` (analytics/beat.py): it claims what is due and
enqueues one collection per claim; the database holds the schedule, no task carries an ETA.
"""

from celery import shared_task
from django.utils import timezone

from analytics import beat, reports, services


@shared_task(name=beat.DISPATCH)
def dispatch() -> int:
    claims = services.metrics_dispatch(now=timezone.now())
    for claim in claims:
        if claim.followers:
            collect_followers.delay(claim.account_id)
        else:
            collect_posts.delay(claim.account_id, claim.claim_id)
    return len(claims)


@shared_task(name="analytics.collect_posts")
def collect_posts(account_id: int, claim_id: str) -> int:
    return services.posts_collect(account_id=account_id, claim_id=claim_id)


@shared_task(name="analytics.collect_followers")
def collect_followers(account_id: int) -> bool:
    return services.followers_collect(account_id=account_id)


@shared_task(name=beat.SEND_REPORTS)
def send_reports() -> int:
    return reports.reports_send_due()
