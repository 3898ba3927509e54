"""The owner's pages (client reviewers, the audit trail) and the client's pages by link.

The client's pages take no session identity: the link alone says who is there, and any link
that does not open (tampered, expired, revoked, removed reviewer) is the same bare 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import brand_view
from accounts.roles import Perm
from clients import previews, services
from clients.forms import PreviewForm, ReviewerInviteForm
from clients.models import CalendarPreview, ClientReviewer
from clients.services import Decision, Visit
from core.web import refusals_on_form
from posts.models import Post
from posts.workflow import Action, WorkflowError


# --- the owner's pages -----------------------------------------------------------------------
@brand_view(Perm.MANAGE_MEMBERS)
def reviewers(request):
    form = ReviewerInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on_form(form):
            reviewer = services.client_reviewer_invite(brand=request.brand, by=request.user, **form.cleaned_data)
            messages.success(request, _("The link was emailed to %(email)s.") % {"email": reviewer.email})
            return redirect("clients:reviewers", brand_slug=request.brand.slug)
    context = {"form": form, "reviewers": ClientReviewer.objects.filter(brand=request.brand)}
    return render(request, "clients/reviewers.html", context)


@require_POST
@brand_view(Perm.MANAGE_MEMBERS)
def reviewer_revoke(request, pk: int):
    reviewer = get_object_or_404(ClientReviewer, pk=pk, brand=request.brand)
    services.client_reviewer_revoke(reviewer=reviewer, by=request.user)
    messages.success(request, _("The link of %(name)s no longer works.") % {"name": reviewer.name})
    return redirect("clients:reviewers", brand_slug=request.brand.slug)


@require_POST
@brand_view(Perm.MANAGE_MEMBERS)
def reviewer_remove(request, pk: int):
    reviewer = get_object_or_404(ClientReviewer, pk=pk, brand=request.brand)
    services.client_reviewer_remove(reviewer=reviewer, by=request.user)
    messages.success(
        request, _("%(name)s is removed; the audit trail keeps their decisions.") % {"name": reviewer.name}
    )
    return redirect("clients:reviewers", brand_slug=request.brand.slug)


@require_safe
@brand_view(Perm.MANAGE_MEMBERS)
def audit_export(request):
    response = HttpResponse(
        services.audit_csv(brand=request.brand, by=request.user), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{request.brand.slug}-client-review.csv"'
    return response


@brand_view(Perm.MANAGE_MEMBERS)
def calendar_previews(request):
    form = PreviewForm(request.POST or None, brand=request.brand)
    if request.method == "POST" and form.is_valid():
        with refusals_on_form(form):
            preview = previews.calendar_preview_create(
                brand=request.brand, by=request.user, posts=list(form.cleaned_data.pop("posts")), **form.cleaned_data
            )
            messages.success(request, _("The preview for %(name)s is ready: copy its link below.") % {"name": preview})
            return redirect("clients:previews", brand_slug=request.brand.slug)
    shared = [(p, previews.preview_url(p)) for p in CalendarPreview.objects.filter(brand=request.brand)]
    return render(request, "clients/previews.html", {"form": form, "shared": shared})


@require_POST
@brand_view(Perm.MANAGE_MEMBERS)
def calendar_preview_revoke(request, pk: int):
    preview = get_object_or_404(CalendarPreview, pk=pk, brand=request.brand)
    previews.calendar_preview_revoke(preview=preview, by=request.user)
    messages.success(request, _("The preview for %(name)s no longer opens.") % {"name": preview.name})
    return redirect("clients:previews", brand_slug=request.brand.slug)


# --- the client's pages ----------------------------------------------------------------------
def _reviewer(token: str) -> ClientReviewer:
    return services.reviewer_for_token(token)  # ReviewLinkInvalid is a 404 (core's NotFound)


def _visit(request) -> Visit:
    # REMOTE_ADDR: behind a proxy, the proxy must set it (e.g. gunicorn's forwarded_allow_ips).
    return Visit(ip_address=request.META.get("REMOTE_ADDR") or None, user_agent=request.headers.get("User-Agent", ""))


def _private(response: HttpResponse) -> HttpResponse:
    """The link is a secret: no cache keeps the page, no referrer carries the URL to another site.
    Not "no-referrer": Chromium then sends `Origin: null` with the page's own forms, which
    Django's CSRF check refuses (the client could not decide at all)."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


@require_safe
def review(request, token: str):
    reviewer = _reviewer(token)
    posts = list(services.posts_awaiting(reviewer))
    fingerprints = services.review_viewed(reviewer=reviewer, posts=posts, visit=_visit(request))
    context = {
        "reviewer": reviewer,
        "brand": reviewer.brand,
        "token": token,
        "items": list(zip(posts, fingerprints, strict=True)),
    }
    return _private(render(request, "clients/review.html", context))


@require_safe
def preview(request, token: str):
    """Read-only: the chosen posts by day, in the brand's time; no link leads anywhere else."""
    shared = previews.preview_for_token(token)  # PreviewLinkInvalid is a 404
    brand = shared.brand
    days: dict = {}
    for post in previews.preview_posts(shared):
        day = timezone.localtime(post.scheduled_at, brand.tz).date() if post.scheduled_at else None
        days.setdefault(day, []).append(post)
    context = {"preview": shared, "brand": brand, "days": list(days.items())}
    return _private(render(request, "clients/preview.html", context))


@require_POST
def review_decide(request, token: str):
    reviewer = _reviewer(token)
    decisions = _decisions(request.POST)
    if not decisions:
        messages.error(request, _("Choose at least one post."))
    for decision in decisions:
        _decide(request, reviewer, decision)
    return _private(redirect("clients:review", token=token))


# What a client may decide, by the workflow's names (the page's buttons post them).
CLIENT_DECISIONS = (Action.CLIENT_APPROVE, Action.CLIENT_REQUEST_CHANGES)


def _decisions(data) -> list[Decision]:
    """One post (its own button, `one` = "<action>:<id>") or the ticked ones (`decision` =
    "<action>", `post` = ids), the action one of CLIENT_DECISIONS."""
    if data.get("one"):
        verb, _sep, raw_id = data["one"].partition(":")
        verbs, ids = [verb], [raw_id]
    else:
        verbs, ids = [data.get("decision", "")], data.getlist("post")
    if verbs[0] not in CLIENT_DECISIONS:
        return []
    approve = verbs[0] == Action.CLIENT_APPROVE
    picked = [int(raw) for raw in ids if raw.isdigit()]
    return [
        Decision(
            post_id=pk,
            fingerprint=data.get(f"fingerprint_{pk}", ""),
            approve=approve,
            comment=data.get(f"comment_{pk}", "") or data.get("comment_all", ""),
        )
        for pk in dict.fromkeys(picked)
    ]


def _decide(request, reviewer: ClientReviewer, decision: Decision) -> None:
    number = {"number": decision.post_id}
    try:
        services.review_decide(reviewer=reviewer, decision=decision, visit=_visit(request))
    except Post.DoesNotExist:
        messages.error(request, _("Post %(number)s is not one of those waiting for you.") % number)
    except ValidationError:
        messages.error(request, _("Post %(number)s: say what should change in the comment.") % number)
    except WorkflowError as error:  # StaleContent included: the reason is said
        messages.error(request, _("Post %(number)s: %(reason)s") % {**number, "reason": error.message})
    else:
        done = _("Post %(number)s approved.") if decision.approve else _("Post %(number)s: changes requested.")
        messages.success(request, done % number)
