"""Client reviewers reminded, by email with their own link, of posts waiting for them longer than
the brand's delay. When and how often is posts/reminders.py's (one wait, one reminder, stored
with the emails' sending); this says it to the people outside the desk."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clients.models import ClientReviewer
from clients.services import review_url
from posts import reminders
from posts.models import Post, PostState, ReminderAudience


def client_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the active reviewers of each post due; returns how many reminders were stored."""
    now = now or timezone.now()
    sent = 0
    for post_id, hours in reminders.due_for_approvers(state=PostState.AWAITING_CLIENT, now=now):
        sent += reminders.remind_once(
            post_id=post_id,
            audience=ReminderAudience.CLIENT,
            states=[PostState.AWAITING_CLIENT],
            send=partial(_remind_reviewers, hours=hours, now=now),
        )
    return sent


def _remind_reviewers(post: Post, *, hours: int, now: datetime) -> int:
    """One email per active reviewer of the post's brand, after the commit. A reviewer whose
    link was not kept (invited before links were) is not written to: the email has nothing to open."""
    active = ClientReviewer.objects.filter(brand=post.brand, revoked_at=None, expires_at__gt=now)
    told = 0
    for reviewer in active:
        url = review_url(reviewer)
        if url is None:
            continue
        transaction.on_commit(partial(_email, reviewer, url=url, hours=hours))
        told += 1
    return told


def _email(reviewer: ClientReviewer, *, url: str, hours: int) -> None:
    with translation.override(reviewer.language or settings.LANGUAGE_CODE):
        subject = _("%(brand)s: posts still wait for your approval") % {"brand": reviewer.brand.name}
        body = render_to_string("clients/email/reminder.txt", {"reviewer": reviewer, "url": url, "hours": hours})
    send_mail(subject, body, None, [reviewer.email], fail_silently=True)
