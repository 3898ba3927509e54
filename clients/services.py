"""Client review by link: invite, revoke, remove reviewers (owners); resolve a link; record every
view and decision as evidence; export the evidence as CSV.

The link is `/review/<token>/`, the token made by clients/links.py (salt LINK_SALT) over the
reviewer's id and a random nonce whose SHA-256 the reviewer row keeps. A link that is tampered
with, names an unknown or removed reviewer, carries another nonce, is revoked or expired gives
ReviewLinkInvalid, which every view turns into the same 404: nothing tells the cases apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Brand, User
from accounts.permissions import require_member
from accounts.roles import Perm
from clients import links
from clients.models import ClientReviewer, ReviewAction, ReviewRecord
from cm_platform.spreadsheets import csv_text
from core.exceptions import NotFound
from posts import services as post_services
from posts.models import Post, PostState

LINK_SALT = "clients.review"


class ReviewLinkInvalid(NotFound):  # a 404 for every reason, on purpose
    """The link does not open anything (tampered, unknown, revoked, expired or removed)."""


@dataclass(frozen=True)
class Visit:
    """Who looks, from where: kept with each view and decision."""

    ip_address: str | None
    user_agent: str


# --- the owner's side ------------------------------------------------------------------------
def client_reviewer_invite(*, brand: Brand, by: User, name: str, email: str) -> ClientReviewer:
    """A new client reviewer, emailed their link after the commit."""
    require_member(by, brand, Perm.MANAGE_MEMBERS)
    name, email = (name or "").strip(), User.objects.normalize_email((email or "").strip()).lower()
    errors = {}
    if not name:
        errors["name"] = [_("Give the reviewer's name.")]
    if not email:
        errors["email"] = [_("Give the reviewer's email address.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    reviewer = ClientReviewer(
        brand=brand,
        name=name,
        email=email,
        invited_by=by,
        created_at=now,
        expires_at=now + timedelta(days=brand.client_link_days),
        language=translation.get_language() or "",
    )
    nonce = links.new_secret(reviewer)
    with transaction.atomic():
        reviewer.save()
        url = _review_url(links.sign(reviewer, salt=LINK_SALT, nonce=nonce))
        transaction.on_commit(lambda: _send_link(reviewer, url))
    return reviewer


def review_url(reviewer: ClientReviewer) -> str | None:
    """The reviewer's link again (None for a reviewer invited before links were kept)."""
    token = links.token(reviewer, salt=LINK_SALT)
    return _review_url(token) if token else None


def _review_url(token: str) -> str:
    return settings.SITE_URL + reverse("clients:review", args=[token])


def _send_link(reviewer: ClientReviewer, url: str) -> None:
    # The reviewer has no profile: the email is in the inviting owner's language (the request's).
    context = {"reviewer": reviewer, "url": url, "days": reviewer.brand.client_link_days}
    subject = _("%(brand)s: posts wait for your approval") % {"brand": reviewer.brand.name}
    send_mail(subject, render_to_string("clients/email/link.txt", context), None, [reviewer.email])


def client_reviewer_revoke(*, reviewer: ClientReviewer, by: User) -> ClientReviewer:
    """The link stops working for good; the reviewer stays named in the audit trail."""
    require_member(by, reviewer.brand, Perm.MANAGE_MEMBERS)
    if reviewer.revoked_at is None:
        reviewer.revoked_at = timezone.now()
        reviewer.save(update_fields=["revoked_at"])
    return reviewer


def client_reviewer_remove(*, reviewer: ClientReviewer, by: User) -> None:
    """Delete the reviewer (their link with them); the records keep their name and email."""
    require_member(by, reviewer.brand, Perm.MANAGE_MEMBERS)
    reviewer.delete()


AUDIT_FIELDS = ("when", "reviewer", "email", "post", "action", "fingerprint", "comment", "ip_address", "user_agent")


def audit_csv(*, brand: Brand, by: User) -> str:
    """Every view and decision of the brand's client reviewers, oldest first (spreadsheet-safe)."""
    require_member(by, brand, Perm.MANAGE_MEMBERS)
    headers = [_("When (UTC)"), _("Reviewer"), _("Email"), _("Post"), _("Action"), _("Content fingerprint")]
    headers += [_("Comment"), _("IP address"), _("Browser")]
    records = ReviewRecord.objects.filter(brand=brand).order_by("created_at", "pk")
    rows = (
        [
            record.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            record.reviewer_name,
            record.reviewer_email,
            record.post_number,
            record.get_action_display(),
            record.fingerprint,
            record.comment,
            record.ip_address or "",
            record.user_agent,
        ]
        for record in records.iterator()
    )
    return csv_text([headers, *rows])


# --- the client's side -----------------------------------------------------------------------
def reviewer_for_token(token: str) -> ClientReviewer:
    """The active reviewer a link names, or ReviewLinkInvalid (whatever the reason)."""
    reviewer = links.opened(token, salt=LINK_SALT, rows=ClientReviewer.objects.select_related("brand"))
    if reviewer is None:
        raise ReviewLinkInvalid
    return reviewer


def posts_awaiting(reviewer: ClientReviewer):
    """What waits for the client of the reviewer's brand, soonest first."""
    return (
        Post.objects.filter(brand=reviewer.brand, state=PostState.AWAITING_CLIENT)
        .select_related("brand", "campaign")  # the campaign: part of post.content, read per post
        .prefetch_related("targets__account", "postmedia_set__media")
        .order_by("scheduled_at", "pk")
    )


def review_viewed(*, reviewer: ClientReviewer, posts: Iterable[Post], visit: Visit) -> list[str]:
    """Record that the reviewer saw these posts as they are now; returns their fingerprints."""
    posts = list(posts)
    fingerprints = [post.content.fingerprint for post in posts]
    ReviewRecord.objects.bulk_create(
        _record(reviewer, post, ReviewAction.VIEWED, visit, fingerprint=fingerprint)
        for post, fingerprint in zip(posts, fingerprints, strict=True)
    )
    return fingerprints


def _record(reviewer, post: Post, action: str, visit: Visit, *, fingerprint: str, comment: str = ""):
    return ReviewRecord(
        brand_id=reviewer.brand_id,
        reviewer=reviewer,
        reviewer_name=reviewer.name,
        reviewer_email=reviewer.email,
        post=post,
        post_number=post.pk,
        action=action,
        fingerprint=fingerprint,
        comment=comment,
        ip_address=visit.ip_address,
        user_agent=visit.user_agent[:500],
    )


@dataclass(frozen=True)
class Decision:
    post_id: int
    fingerprint: str  # of the content shown when the page was drawn
    approve: bool
    comment: str = ""


def review_decide(*, reviewer: ClientReviewer, decision: Decision, visit: Visit) -> Post:
    """One decision of the reviewer on one post of their brand, bound to what they were shown.

    Raises Post.DoesNotExist for a post of another brand, ValidationError (no comment),
    WorkflowError (no longer waiting for the client) or posts.services.StaleContent (changed
    since shown: recorded too, so the evidence says a decision was refused).
    """
    post = Post.objects.select_related("brand").get(pk=decision.post_id, brand=reviewer.brand)
    action = ReviewAction.APPROVED if decision.approve else ReviewAction.CHANGES_REQUESTED
    try:
        with transaction.atomic():  # the decision and its evidence, together or not at all
            post = post_services.post_client_decide(
                post=post,
                reviewer_name=reviewer.name,
                fingerprint=decision.fingerprint,
                approve=decision.approve,
                comment=decision.comment,
            )
            comment = decision.comment.strip()
            _record(reviewer, post, action, visit, fingerprint=decision.fingerprint, comment=comment).save()
    except post_services.StaleContent:
        _record(reviewer, post, ReviewAction.REFUSED_STALE, visit, fingerprint=decision.fingerprint).save()
        raise
    return post
