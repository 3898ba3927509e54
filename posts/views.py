"""Pages of posts: thin views calling posts/services.py and posts/media.py.

Each view is under /b/<brand_slug>/ and decorated with brand_view; the services check the acting
user's permission again (PermissionDenied is a 403), so the pages and the API share the rules.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Max, Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import brand_view, brands_where, can
from accounts.roles import Perm
from cm_platform.ids import parse_ids
from core.exceptions import Forbidden, refusal_text
from core.web import add_to_form, refusals_as_messages, refusals_on_form, tell
from posts import bulk as bulk_service
from posts import media as media_service
from posts import selectors, services, workflow
from posts.forms import (
    AltTextForm,
    BulkForm,
    CommentForm,
    DuplicateForm,
    PostForm,
    RequestChangesForm,
    TurnaroundForm,
    posted,
    prefill_time,
)
from posts.models import EventKind, Media, Post, PostState, SavedText
from posts.workflow import Action
from publishing.decisions import post_publish_now
from publishing.rules import publish_now_refusal
from publishing.waiting import waits_of

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE_SIZE = 100


def post_for(request, pk: int) -> Post:
    """The post of the current brand, or 404 (another brand's post does not exist)."""
    queryset = Post.objects.select_related("brand", "author", "campaign", "approved_by")
    return get_object_or_404(queryset, pk=pk, brand=request.brand)


def _back(request, fallback: str):
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)  # not redirect(): it reads "-1" as a view name to reverse
    return redirect(fallback)


# --- lists -----------------------------------------------------------------------------------
@brand_view(Perm.VIEW)
def post_list(request):
    posts = (
        Post.objects.filter(brand=request.brand)
        .select_related("author", "campaign")
        .prefetch_related("targets__account", "postmedia_set__media")
    )
    state = request.GET.get("state", "")
    if state in PostState.values:
        posts = posts.filter(state=state)
    query = request.GET.get("q", "").strip()
    if query:
        posts = posts.filter(Q(text__icontains=query) | Q(targets__text__icontains=query)).distinct()
    posts = list(posts.order_by("-scheduled_at", "-pk")[:PAGE_SIZE])
    _explain_waits(posts, request.brand)
    context = {"posts": posts, "states": PostState.choices, "state": state, "q": query}
    context.update(may_write=can(request.membership, Perm.WRITE), **_bulk_context(request))
    return render(request, "posts/list.html", context)


def _explain_waits(posts: list[Post], brand) -> None:
    """Each due post that has not gone out says why (`post.wait`, its first target's reason)."""
    targets = []
    for post in posts:
        for target in post.targets.all():
            target.post = post
            targets.append(target)
    found = waits_of(targets, brand=brand)
    for post in posts:
        first = next((found[t.pk] for t in post.targets.all() if t.pk in found), None)
        post.wait = first  # type: ignore[attr-defined]


@brand_view(Perm.REVIEW)
def review(request):
    """What waits for a review, oldest submission first, with the actions at hand."""
    posts = (
        Post.objects.filter(brand=request.brand, state=PostState.IN_REVIEW)
        .annotate(submitted_at=Max("events__created_at", filter=Q(events__kind__in=_SUBMITTING)))
        .select_related("author", "campaign")
        .prefetch_related("targets__account", "postmedia_set__media", "stage_approvals__user")
        .order_by("submitted_at", "pk")
    )
    context = {"posts": posts, "own_forbidden": request.brand.self_approval_forbidden}
    context.update(_bulk_context(request, exclude={BulkForm.Action.SUBMIT}))
    return render(request, "posts/review.html", context)


_SUBMITTING = [EventKind.SUBMITTED, EventKind.BACK_TO_REVIEW]


@require_safe
@brand_view(Perm.REVIEW)
def turnaround(request):
    """How long approvals take, per stage and approver, over the chosen period."""
    form = TurnaroundForm(request.GET or None)
    days = int(form.cleaned_data["days"]) if form.is_valid() else TurnaroundForm.DEFAULT_DAYS
    since = timezone.now() - timedelta(days=days)
    rows = selectors.approval_turnaround(brand=request.brand, since=since)
    return render(request, "posts/turnaround.html", {"rows": rows, "form": form, "days": days})


# --- bulk work -------------------------------------------------------------------------------
def _bulk_actions(membership, exclude=frozenset()) -> list[tuple[str, StrOrPromise]]:
    """The bulk actions a page offers this member (the services judge each post anyway)."""
    A = BulkForm.Action  # noqa: N806
    offered = []
    if can(membership, Perm.WRITE):
        offered += [A.SUBMIT, A.SHIFT, A.MOVE, A.CAMPAIGN, A.DELETE]
    if can(membership, Perm.REVIEW):
        offered[1:1] = [A.APPROVE, A.REQUEST_CHANGES]
    return [(action.value, action.label) for action in offered if action not in exclude]


def _bulk_context(request, exclude=frozenset()) -> dict:
    actions = _bulk_actions(request.membership, exclude)
    if not actions:
        return {}
    form = BulkForm(brand=request.brand, actions=[value for value, _label in actions])
    return {"bulk_form": form, "bulk_actions": actions}


BULK_DONE = {
    BulkForm.Action.SUBMIT: ngettext_lazy(
        "%(done)d of %(total)d submitted for review.", "%(done)d of %(total)d submitted for review.", "done"
    ),
    BulkForm.Action.APPROVE: ngettext_lazy(
        "%(done)d of %(total)d approved.", "%(done)d of %(total)d approved.", "done"
    ),
    BulkForm.Action.REQUEST_CHANGES: ngettext_lazy(
        "%(done)d of %(total)d sent back for changes.", "%(done)d of %(total)d sent back for changes.", "done"
    ),
    BulkForm.Action.SHIFT: ngettext_lazy("%(done)d of %(total)d moved.", "%(done)d of %(total)d moved.", "done"),
    BulkForm.Action.MOVE: ngettext_lazy("%(done)d of %(total)d moved.", "%(done)d of %(total)d moved.", "done"),
    BulkForm.Action.CAMPAIGN: ngettext_lazy(
        "Campaign changed on %(done)d of %(total)d.", "Campaign changed on %(done)d of %(total)d.", "done"
    ),
    BulkForm.Action.DELETE: ngettext_lazy("%(done)d of %(total)d deleted.", "%(done)d of %(total)d deleted.", "done"),
}
REFUSALS_SHOWN = 20


def _run_bulk(posts: list[Post], user, data: dict) -> bulk_service.BulkOutcome:
    A = BulkForm.Action  # noqa: N806
    action = data["action"]
    if action == A.REQUEST_CHANGES:
        return bulk_service.posts_bulk_request_changes(posts=posts, user=user, comment=data["comment"])
    if action == A.SHIFT:
        return bulk_service.posts_bulk_shift(posts=posts, user=user, days=data["days"])
    if action == A.MOVE:
        return bulk_service.posts_bulk_move(posts=posts, user=user, day=data["day"], at=data["at"])
    if action == A.CAMPAIGN:
        return bulk_service.posts_bulk_set_campaign(posts=posts, user=user, campaign=data["campaign"])
    plain = {
        A.SUBMIT: bulk_service.posts_bulk_submit,
        A.APPROVE: bulk_service.posts_bulk_approve,
        A.DELETE: bulk_service.posts_bulk_delete,
    }
    return plain[action](posts=posts, user=user)


@require_POST
@brand_view(Perm.WRITE)
def bulk(request):
    """Run one action on the ticked posts; say how many were done and why the others were not."""
    form = BulkForm(request.POST, brand=request.brand, actions=BulkForm.Action.values)
    back = _back(request, reverse("posts:list", kwargs={"brand_slug": request.brand.slug}))
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
        return back
    posts, missing = bulk_service.posts_for_bulk(brand=request.brand, post_ids=form.cleaned_data["posts"])
    outcome = _run_bulk(posts, request.user, form.cleaned_data)
    outcome.refused[:0] = missing
    _report_bulk(request, form.cleaned_data["action"], outcome)
    return back


def _report_bulk(request, action: str, outcome: bulk_service.BulkOutcome) -> None:
    done = len(outcome.done)
    summary = BULK_DONE[BulkForm.Action(action)] % {"done": done, "total": outcome.total}
    (messages.success if not outcome.refused else messages.warning)(request, summary)
    for refusal in outcome.refused[:REFUSALS_SHOWN]:
        messages.error(request, _("“%(post)s”: %(reason)s") % {"post": refusal.excerpt, "reason": refusal.reason})
    hidden = len(outcome.refused) - REFUSALS_SHOWN
    if hidden > 0:
        messages.error(
            request,
            ngettext("%(count)d more post was not changed.", "%(count)d more posts were not changed.", hidden)
            % {"count": hidden},
        )


# --- the post page ---------------------------------------------------------------------------
@brand_view(Perm.VIEW)
def post_detail(request, pk: int):
    post = post_for(request, pk)
    membership = request.membership
    targets = list(post.targets.select_related("account").order_by("account__network", "account__display_name"))
    for target in targets:
        target.post = post
    found = waits_of(targets, brand=request.brand)
    for target in targets:
        target.wait = found.get(target.pk)  # type: ignore[attr-defined]
    context = {
        "post": post,
        "targets": targets,
        "media": [link.media for link in post.postmedia_set.select_related("media")],
        "events": post.events.select_related("actor"),
        "account_names": {str(a.pk): a.display_name for a in request.brand.network_accounts.all()},
        "comments": post.comments.select_related("author"),
        "transitions": workflow.allowed_transitions(post, membership, request.user),
        "may_edit": workflow.may_edit(post, membership),
        "may_move": workflow.may_move(post, membership),
        "may_write": can(membership, Perm.WRITE),
        "may_comment": can(membership, Perm.COMMENT),
        "may_publish": can(membership, Perm.SCHEDULE) and publish_now_refusal(post) is None,
        "may_deliver": can(membership, Perm.SCHEDULE),  # retry, "needs checking" answers
        "approval_current": post.state != PostState.APPROVED or post.approved_fingerprint == post.content.fingerprint,
    }
    return render(request, "posts/detail.html", context)


# --- the composer ----------------------------------------------------------------------------
@brand_view(Perm.WRITE)
def post_create(request):
    initial = prefill_time(request.GET.get("at"), request.brand)
    form = PostForm(request.POST or None, brand=request.brand, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(brand=request.brand, author=request.user, content=form.content())
            _save_alt_texts(request, form)
            return _after_save(request, post)
        except ValidationError as error:
            add_to_form(form, error, renames=SERVICE_FIELDS)
    return _composer(request, form, None)


@brand_view(Perm.WRITE)
def post_edit(request, pk: int):
    post = post_for(request, pk)
    if workflow.is_locked(post):
        messages.error(request, _("This post is published or being published: it can no longer be changed."))
        return redirect("posts:detail", brand_slug=request.brand.slug, pk=post.pk)
    form = PostForm(request.POST or None, brand=request.brand, initial=PostForm.initial_for(post))
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"] or 0
        was_approved = post.state == PostState.APPROVED
        try:
            post = services.post_update(post=post, user=request.user, version=version, content=form.content())
            _save_alt_texts(request, form)
            if was_approved and post.state != PostState.APPROVED:
                messages.warning(
                    request, _("The content changed: the approval is withdrawn and the post is back in review.")
                )
            return _after_save(request, post)
        except services.StaleVersion as stale:
            # The form keeps what this person typed; the new version lets them save over it knowingly.
            messages.error(
                request,
                _(
                    "%(name)s saved this post while you were editing it. Your text is kept below: "
                    "compare with the saved post, then save again."
                )
                % {"name": _last_editor(stale.post)},
            )
            data = request.POST.copy()
            data["version"] = str(stale.post.version)
            form.data = data
            return _composer(request, form, post, stale=stale.post, status=409)
        except ValidationError as error:
            add_to_form(form, error, renames=SERVICE_FIELDS)
        except workflow.WorkflowError as error:
            tell(request, error)
    return _composer(request, form, post)


def _last_editor(post: Post) -> str:
    event = post.events.exclude(actor=None).order_by("-created_at", "-pk").first()
    return str(event.actor) if event else _("Someone")


def _save_alt_texts(request, form: PostForm) -> None:
    for item in form.cleaned_data["media_ids"]:
        alt = form.alt_texts(request.POST).get(item.pk)
        if alt is not None and alt.strip() != item.alt_text:
            media_service.media_set_alt_text(media=item, user=request.user, alt_text=alt)


# The services name their arguments; the composer shows the problem beside the matching field.
SERVICE_FIELDS = {"media": "media_ids", "scheduled_at": "at"}


# What the composer offers after saving (its plain "save" is no workflow action).
COMPOSER_ACTIONS = frozenset({Action.SUBMIT, Action.SCHEDULE, Action.PUBLISH_NOW})


def _after_save(request, post: Post):
    """Save first, then the action the person chose (submit, schedule, publish now)."""
    action = request.POST.get("action", "save")
    messages.success(request, _("The post is saved."))
    if action in COMPOSER_ACTIONS:
        with refusals_as_messages(request, also=(PermissionDenied,)):  # saved: say why the action was not taken
            _run_action(request, post, Action(action), from_composer=True)
    return redirect("posts:detail", brand_slug=request.brand.slug, pk=post.pk)


def _composer(request, form: PostForm, post: Post | None, *, stale: Post | None = None, status: int = 200):
    brand, membership = request.brand, request.membership
    accounts = form.account_list
    chosen_media = _chosen_media(form, post)
    may_schedule = workflow.may_schedule(brand, membership, request.user, post.author_id if post else None)
    context = {
        "form": form,
        "post": post,
        "stale": stale,
        "accounts": accounts,
        "account_limits": {
            str(a.pk): {
                "name": a.display_name,
                "network": a.adapter_class.name,
                "limits": a.adapter().get_limits().as_json(),
            }
            for a in accounts
        },
        "library": Media.objects.filter(brand=brand)[:60],
        "saved_texts": SavedText.objects.filter(brand=brand).order_by("kind", "name", "pk"),
        "chosen_media": chosen_media,
        "may_schedule": may_schedule,
        "may_publish": may_schedule and can(membership, Perm.SCHEDULE),
        # Saving a content change withdraws an approval (posts/workflow.py): the page says so
        # before, and the save button's words change once the content differs.
        "approved": post is not None and post.state == PostState.APPROVED,
        "may_submit": post is None or post.state in workflow.TRANSITIONS[Action.SUBMIT].sources,
        "user_zone": request.user.time_zone if request.user.time_zone != brand.time_zone else "",
        "max_upload": settings.MAX_UPLOAD_BYTES,
        "max_upload_text": filesizeformat(settings.MAX_UPLOAD_BYTES),
        "i18n": _composer_strings(),
    }
    return render(request, "posts/composer.html", context, status=status)


def _composer_strings() -> dict[str, str]:
    """What composer.js and media_upload.js say, in the page's language."""
    return {
        **upload_strings(),
        "over_limit": _("%(name)s: %(count)s characters, over the limit of %(limit)s"),
        "cut_here": _("The network cuts the text here: %(count)s for a limit of %(limit)s."),
        "video": _("Video"),
        "too_many_media": _("This network takes at most %(limit)s images or videos."),
        "alt_label": _("Description (alt text)"),
        "alt_missing": _("No description: people using screen readers will miss this image."),
        "remove": _("Remove"),
        "your_time": _("Your time: %(time)s (%(zone)s)"),
        "save_and_review": _("Save and send back to review"),
    }


def upload_strings() -> dict[str, str]:
    return {
        "too_large": _("This file is larger than the limit (%(limit)s).")
        % {"limit": filesizeformat(settings.MAX_UPLOAD_BYTES)},
        "failed": _("The upload failed."),
        "done": _("Uploaded."),
    }


def _chosen_media(form: PostForm, post: Post | None) -> list[Media]:
    raw = form.data.get("media_ids") if form.is_bound else form.initial.get("media_ids", "")
    ids = parse_ids((raw or "").split(","))
    found = {m.pk: m for m in Media.objects.filter(brand=form.brand, pk__in=ids)}
    return [found[pk] for pk in dict.fromkeys(ids) if pk in found]


# --- actions on a post -----------------------------------------------------------------------
# The workflow actions a member takes from a page (the client's and the deadline's are not).
MEMBER_ACTIONS = frozenset(action for action in Action if action.perm is not None)


def _take(request, post: Post, action: Action, *, from_composer: bool) -> Post:
    """The service that takes `action` (posts/services.py judges whether it may be taken).
    `from_composer`: "publish now" in the composer approves the post being written first."""
    user = request.user
    if action == Action.REQUEST_CHANGES:
        comment = posted(RequestChangesForm, request.POST)["comment"]
        return services.post_request_changes(post=post, user=user, comment=comment)
    if action == Action.PUBLISH_NOW:
        return post_publish_now(post=post, user=user, approve=from_composer)
    plain = {
        Action.SUBMIT: services.post_submit,
        Action.APPROVE: services.post_approve,
        Action.APPROVE_FOR_CLIENT: services.post_approve,
        Action.SCHEDULE: services.post_schedule,
        Action.UNSCHEDULE: services.post_unschedule,
    }
    return plain[action](post=post, user=user)


def _run_action(request, post: Post, action: Action, *, from_composer: bool = False) -> None:
    """Run one workflow action; a refusal becomes a message. PermissionDenied stays a 403."""
    with refusals_as_messages(request):
        taken = _take(request, post, action, from_composer=from_composer)
        if action.approves and taken.state == PostState.IN_REVIEW:  # the first of two approvals
            messages.success(request, _("Your approval is kept: a second approval by someone else is needed."))
        else:
            messages.success(request, action.done_message)


@require_POST
@brand_view(Perm.VIEW)
def post_transition(request, pk: int, action: str):
    post = post_for(request, pk)
    detail = reverse("posts:detail", kwargs={"brand_slug": request.brand.slug, "pk": post.pk})
    if action == "duplicate":
        copy = services.post_duplicate(post=post, user=request.user)
        messages.success(request, _("A copy was made as a draft: here it is."))
        return redirect("posts:edit", brand_slug=request.brand.slug, pk=copy.pk)
    if action == "delete":
        with refusals_as_messages(request) as attempt:
            services.post_delete(post=post, user=request.user)
            messages.success(request, _("The post is deleted."))
        return redirect(detail) if attempt.refused else redirect("posts:list", brand_slug=request.brand.slug)
    if action not in MEMBER_ACTIONS:
        raise Http404
    _run_action(request, post, Action(action))
    return _back(request, detail)


@brand_view(Perm.VIEW)
def post_duplicate(request, pk: int):
    """Copy a post to another date, or into another brand where the user writes."""
    post = post_for(request, pk)
    brands = brands_where(request.user, Perm.WRITE)
    if not brands.exists():
        raise Forbidden(_("You may not write posts in any brand."))
    form = DuplicateForm(request.POST or None, brands=brands, initial={"brand": request.brand.pk})
    if request.method == "POST" and form.is_valid():
        brand = form.cleaned_data["brand"]
        with refusals_on_form(form, renames=SERVICE_FIELDS):
            copy = services.post_duplicate(
                post=post, user=request.user, brand=brand, scheduled_at=form.cleaned_data["scheduled_at"]
            )
            if brand == request.brand:
                messages.success(request, _("A copy was made as a draft: here it is."))
            else:
                messages.success(
                    request,
                    _("A copy was made as a draft in %(brand)s: choose its network accounts.") % {"brand": brand},
                )
            return redirect("posts:edit", brand_slug=brand.slug, pk=copy.pk)
    return render(request, "posts/duplicate.html", {"post": post, "form": form})


@require_POST
@brand_view(Perm.COMMENT)
def comment_create(request, pk: int):
    post = post_for(request, pk)
    with refusals_as_messages(request):
        services.comment_add(post=post, user=request.user, text=posted(CommentForm, request.POST)["text"])
        messages.success(request, _("Your comment is added."))
    return redirect(reverse("posts:detail", kwargs={"brand_slug": request.brand.slug, "pk": post.pk}) + "#comments")


# --- media library ---------------------------------------------------------------------------
@brand_view(Perm.VIEW)
def media_library(request):
    items = Media.objects.filter(brand=request.brand).select_related("uploaded_by")[:300]
    context = {
        "items": items,
        "may_write": can(request.membership, Perm.WRITE),
        "max_upload": settings.MAX_UPLOAD_BYTES,
        "max_upload_text": filesizeformat(settings.MAX_UPLOAD_BYTES),
        "i18n": upload_strings(),
    }
    return render(request, "posts/media_library.html", context)


@brand_view(Perm.WRITE)
def media_upload(request):
    """One or several files; JSON for the page's uploader, a redirect for a plain form.

    An oversized body never reaches this view: the upload gate (cm_platform/uploads.py) answers 413.
    """
    if request.method != "POST":
        return HttpResponse(status=405)
    wants_json = _wants_json(request)
    results, errors = [], []
    for upload in request.FILES.getlist("file"):
        try:
            item = media_service.media_upload(brand=request.brand, user=request.user, upload=upload)
            results.append(_media_json(item))
        except ValidationError as error:
            errors.append(refusal_text(error))
    if not results and not errors:
        errors.append(_("Choose a file to upload."))
    if wants_json:
        return JsonResponse({"media": results, "errors": errors}, status=400 if errors and not results else 200)
    for message in errors:
        messages.error(request, message)
    if results:
        added = ngettext("%(count)d file added to the library.", "%(count)d files added to the library.", len(results))
        messages.success(request, added % {"count": len(results)})
    return redirect("posts:media_library", brand_slug=request.brand.slug)


@require_safe
def media_serve(request, path: str):
    """Every stored file (media, thumbnails, variants, logos), public at its unguessable name.

    Public because Instagram and Threads download what they publish from SITE_URL. Served with
    the type it was verified to be (never guessed from its name), `nosniff`, and as a download
    for anything that is not a verified image or video: no stored file can run as a page here.
    """
    try:
        if not default_storage.exists(path):
            raise Http404
        handle = default_storage.open(path, "rb")
    except (SuspiciousFileOperation, OSError):  # OSError: a name longer than the file system holds
        raise Http404 from None
    content_type = media_service.stored_file_type(path)
    response = FileResponse(
        handle,
        content_type=content_type or "application/octet-stream",
        as_attachment=content_type is None,
        filename=path.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _wants_json(request) -> bool:
    return request.headers.get("x-requested-with") == "XMLHttpRequest"


def _media_json(item: Media) -> dict:
    return {
        "id": item.pk,
        "name": item.original_name,
        "kind": item.kind,
        "content_type": item.content_type,
        "size": item.size,
        "url": item.file.url,
        "thumbnail": item.thumbnail.url if item.thumbnail else "",
        "alt_text": item.alt_text,
    }


@require_POST
@brand_view(Perm.WRITE)
def media_alt_text(request, pk: int):
    item = get_object_or_404(Media, pk=pk, brand=request.brand)
    with refusals_as_messages(request):
        alt_text = posted(AltTextForm, request.POST)["alt_text"]
        media_service.media_set_alt_text(media=item, user=request.user, alt_text=alt_text)
        messages.success(request, _("The description of %(name)s is saved.") % {"name": item.original_name})
    return redirect("posts:media_library", brand_slug=request.brand.slug)
