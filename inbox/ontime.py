"""On time: a conversation about to miss the brand's response target is shown as such (the
list's badges) and its assignee, else the brand's managers, told once, while the team works.

Beat runs `inbox.warn_due` (settings.CELERY_BEAT_SCHEDULE) every INBOX_WARN_INTERVAL.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.roles import Perm, has_perm
from inbox.models import Conversation, InboxSettings
from inbox.services import conversation_url, inbox_settings_for
from inbox.states import OPEN
from notifications.models import NotificationKind
from notifications.services import notify

DUE_SOON = timedelta(minutes=15)  # "about to miss its target"
BATCH = 500


def due_state(conversation: Conversation, now: datetime) -> str:
    """ "late" when the response target ran out, "soon" within DUE_SOON, else ""."""
    if conversation.reply_due_at is None or conversation.state not in OPEN:
        return ""
    if conversation.reply_due_at <= now:
        return "late"
    return "soon" if conversation.reply_due_at <= now + DUE_SOON else ""


def conversations_warn_due(*, now: datetime | None = None) -> int:
    """Tell each conversation's assignee (else the managers) that its answer is due soon or
    late, once per response clock and only while the brand's team works. Returns how many."""
    now = now or timezone.now()
    due = Conversation.objects.filter(
        state__in=OPEN, reply_due_at__lte=now + DUE_SOON, due_warned_at__isnull=True
    ).select_related("brand", "assignee")
    settings_of: dict[int, InboxSettings] = {}
    warned = 0
    for conversation in due.order_by("reply_due_at")[:BATCH]:
        rules = settings_of.setdefault(conversation.brand_id, inbox_settings_for(conversation.brand))
        if rules.hours().is_open(now) and _warn_once(conversation, now):
            warned += 1
    return warned


@transaction.atomic
def _warn_once(conversation: Conversation, now: datetime) -> bool:
    # Taken before telling anyone: a second beat (or worker) finds it taken and says nothing.
    if not Conversation.objects.filter(pk=conversation.pk, due_warned_at__isnull=True).update(due_warned_at=now):
        return False
    late = due_state(conversation, now) == "late"
    zone = inbox_settings_for(conversation.brand).hours().zone
    due_at = conversation.reply_due_at

    def message_for() -> str:
        values = {
            "author": conversation.last_author,
            "when": date_format(timezone.localtime(due_at, zone), "SHORT_DATETIME_FORMAT"),
        }
        if late:
            return _("%(author)s has waited for an answer since %(when)s: the response target is missed.") % values
        return _("%(author)s is waiting for an answer, due by %(when)s.") % values

    notify(
        _recipients(conversation),
        brand=conversation.brand,
        kind=NotificationKind.INBOX_DUE,
        link=conversation_url(conversation),
        excerpt=" ".join(conversation.last_message_text.split())[:60],
        message_for=message_for,
    )
    return True


def _recipients(conversation: Conversation) -> list:
    if conversation.assignee is not None:
        return [conversation.assignee]
    memberships = conversation.brand.memberships.select_related("user")
    return [m.user for m in memberships if has_perm(m.role, Perm.INBOX_ASSIGN)]
