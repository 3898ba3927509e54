"""Who may do what: the one table of roles and permissions.

Every view, service and API call asks `has_perm(role, perm)` (through accounts.permissions);
no other module compares role names.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    EDITOR = "editor", _("Community manager")
    VIEWER = "viewer", _("Viewer")


class Perm(StrEnum):
    VIEW = "view"  # see the brand's calendar, posts, networks
    COMMENT = "comment"
    WRITE = "write"  # create and edit posts, upload media, submit for review
    REVIEW = "review"  # approve or request changes
    SCHEDULE = "schedule"  # schedule, publish now, reschedule approved posts
    PAUSE = "pause"  # crisis pause and resume
    # Listening: viewers read mentions and alerts (VIEW).
    LISTEN = "listen"  # saved searches, feed sources, tag and mark mentions handled
    CRISIS = "crisis"  # open and close incidents, approve holding statements
    # The inbox: viewers read it (VIEW) and write notes (COMMENT).
    INBOX_REPLY = "inbox_reply"  # answer a conversation (subject to the approval setting)
    INBOX_TRIAGE = "inbox_triage"  # tag, prioritise, change the state, take a conversation
    INBOX_ASSIGN = "inbox_assign"  # give a conversation to anyone
    INBOX_APPROVE = "inbox_approve"  # approve or decline replies waiting for approval
    INBOX_MODERATE = "inbox_moderate"  # hide or delete messages on the network
    INBOX_SAVED_REPLIES = "inbox_saved_replies"  # write the brand's saved replies (editors use them)
    MANAGE_NETWORKS = "manage_networks"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_BRAND = "manage_brand"
    VIEW_ANALYTICS = "view_analytics"  # analytics pages, reports (PDF, CSV) and their numbers in the API
    MANAGE_REPORTS = "manage_reports"  # scheduled report emails and share links


_VIEWER = {Perm.VIEW, Perm.COMMENT, Perm.VIEW_ANALYTICS}
_EDITOR = _VIEWER | {Perm.WRITE, Perm.LISTEN, Perm.INBOX_REPLY, Perm.INBOX_TRIAGE}
_MANAGER = _EDITOR | {
    Perm.REVIEW,
    Perm.SCHEDULE,
    Perm.PAUSE,
    Perm.MANAGE_REPORTS,
    Perm.CRISIS,
    Perm.INBOX_ASSIGN,
    Perm.INBOX_APPROVE,
    Perm.INBOX_MODERATE,
    Perm.INBOX_SAVED_REPLIES,
}
_OWNER = _MANAGER | {Perm.MANAGE_NETWORKS, Perm.MANAGE_MEMBERS, Perm.MANAGE_BRAND}

ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.VIEWER: frozenset(_VIEWER),
    Role.EDITOR: frozenset(_EDITOR),
    Role.MANAGER: frozenset(_MANAGER),
    Role.OWNER: frozenset(_OWNER),
}


def has_perm(role: str, perm: Perm) -> bool:
    return perm in ROLE_PERMS.get(role, frozenset())
