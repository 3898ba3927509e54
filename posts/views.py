"""Pages of posts: thin views calling posts/services.py and posts/media.py.

Each view is under /b/<brand_slug>/ and decorated with brand_view; the services check the acting
user's permission again (PermissionDenied is a 403), so the pages and the API share the rules.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from accounts.permissions import brand_view, can
from accounts.roles import Perm
from posts import media as media_service
from posts import services, workflow
from posts.forms import PostForm, prefill_time
from posts.models import EventKind, Media, Notification, Post, PostState
from posts.publishing.waiting import waits_of

PAGE_SIZE = 100


def post_for(request, pk: int) -> Post:
    """The post of the current brand, or 404 (another brand's post does not exist)."""
    queryset = Post.objects.select_related("brand", "author", "campaign", "approved_by")
    return get_object_or_404(queryset, pk=pk, brand=request.brand)


def _errors_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _back(request, fallback: str):
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
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
    return render(request, "posts/list.html", {**context, "may_write": can(request.membership, Perm.WRITE)})


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
        .prefetch_related("targets__account", "postmedia_set__media")
        .order_by("submitted_at", "pk")
    )
    forbidden = request.brand.self_approval_forbidden
    return render(request, "posts/review.html", {"posts": posts, "own_forbidden": forbidden})


_SUBMITTING = [EventKind.SUBMITTED, EventKind.BACK_TO_REVIEW]


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
        "may_publish": can(membership, Perm.SCHEDULE) and post.state == PostState.APPROVED,
        "may_deliver": can(membership, Perm.SCHEDULE),  # retry, "needs checking" answers
        "approval_current": post.state != PostState.APPROVED
        or post.approved_fingerprint == workflow.post_fingerprint(post),
    }
    return render(request, "posts/detail.html", context)


# --- the composer ----------------------------------------------------------------------------
@brand_view(Perm.WRITE)
def post_create(request):
    initial = prefill_time(request.GET.get("at"), request.brand)
    form = PostForm(request.POST or None, brand=request.brand, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(brand=request.brand, author=request.user, **form.service_arguments())
            _save_alt_texts(request, form)
            return _after_save(request, post)
        except ValidationError as error:
            _attach(form, error)
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
        try:
            post = services.post_update(post=post, user=request.user, version=version, **form.service_arguments())
            _save_alt_texts(request, form)
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
            _attach(form, error)
        except workflow.WorkflowError as error:
            messages.error(request, error.message)
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


def _attach(form: PostForm, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        name = SERVICE_FIELDS.get(field, field)
        form.add_error(name if name in form.fields else None, problems)


def _after_save(request, post: Post):
    """Save first, then the action the person chose (submit, schedule, publish now)."""
    action = request.POST.get("action", "save")
    messages.success(request, _("The post is saved."))
    if action in ("submit", "schedule", "publish_now"):
        try:
            _run_action(request, post, action)
        except PermissionDenied as refusal:  # the post is saved: say why the action was not taken
            messages.error(request, str(refusal) or _("You may not do this on this brand."))
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
        "chosen_media": chosen_media,
        "may_schedule": may_schedule,
        "may_publish": may_schedule and can(membership, Perm.SCHEDULE),
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
    ids = [int(part) for part in (raw or "").split(",") if part.strip().isdigit()]
    found = {m.pk: m for m in Media.objects.filter(brand=form.brand, pk__in=ids)}
    return [found[pk] for pk in dict.fromkeys(ids) if pk in found]


# --- actions on a post -----------------------------------------------------------------------
ACTION_DONE = {
    "submit": lambda: _("The post is submitted for review."),
    "approve": lambda: _("The post is approved."),
    "request_changes": lambda: _("Changes are requested; the author is told."),
    "schedule": lambda: _("The post is scheduled."),
    "publish_now": lambda: _("The post is being published."),
    "unschedule": lambda: _("The post has no time any more: it will not go out."),
}


def _run_action(request, post: Post, action: str) -> Post | None:
    """Run one workflow action; a refusal becomes a message. PermissionDenied stays a 403."""
    try:
        if action == "submit":
            post = services.post_submit(post=post, user=request.user)
        elif action == "approve":
            post = services.post_approve(post=post, user=request.user)
        elif action == "request_changes":
            post = services.post_request_changes(post=post, user=request.user, comment=request.POST.get("comment", ""))
        elif action == "schedule":
            post = services.post_schedule(post=post, user=request.user)
        elif action == "unschedule":
            post = services.post_unschedule(post=post, user=request.user)
        elif action == "publish_now":
            post = _publish_now(post, request.user)
    except ValidationError as error:
        messages.error(request, _errors_text(error))
        return None
    except workflow.WorkflowError as error:
        messages.error(request, error.message)
        return None
    messages.success(request, ACTION_DONE[action]())
    return post


@transaction.atomic
def _publish_now(post: Post, user) -> Post:
    """From the composer a post may not be approved yet: schedule it (approve) now, then send it."""
    # The publishing engine's service (posts/publishing/ is its app), imported when used so the
    # composer keeps working while the engine changes alongside.
    from posts.publishing import services as publishing

    if post.state != PostState.APPROVED:
        if post.scheduled_at is None:
            post = services.post_reschedule(post=post, user=user, scheduled_at=timezone.now())
        post = services.post_schedule(post=post, user=user)
    return publishing.post_publish_now(post=post, user=user)


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
        try:
            services.post_delete(post=post, user=request.user)
        except workflow.WorkflowError as error:
            messages.error(request, error.message)
            return redirect(detail)
        messages.success(request, _("The post is deleted."))
        return redirect("posts:list", brand_slug=request.brand.slug)
    if action not in ACTION_DONE:
        return HttpResponse(status=404)
    _run_action(request, post, action)
    return _back(request, detail)


@require_POST
@brand_view(Perm.COMMENT)
def comment_create(request, pk: int):
    post = post_for(request, pk)
    try:
        services.comment_add(post=post, user=request.user, text=request.POST.get("text", ""))
        messages.success(request, _("Your comment is added."))
    except ValidationError as error:
        messages.error(request, _errors_text(error))
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


# A request is refused by its Content-Length before its body is read: the multipart wrapping of
# one file adds a few hundred bytes, so this margin is ample.
MULTIPART_MARGIN = 64 * 1024


@csrf_exempt  # checked below, once the size is known to be acceptable
def media_upload(request, brand_slug: str):
    """One or several files; JSON for the page's uploader, a redirect for a plain form.

    A request too large is refused from its Content-Length alone, before anything reads its body
    (the CSRF check reads the form, so it runs after this one).
    """
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if request.method == "POST" and declared > settings.MAX_UPLOAD_BYTES + MULTIPART_MARGIN:
        return _too_large(request, declared)
    return _media_upload(request, brand_slug)


@csrf_protect
@brand_view(Perm.WRITE)
def _media_upload(request):
    if request.method != "POST":
        return HttpResponse(status=405)
    wants_json = _wants_json(request)
    results, errors = [], []
    for upload in request.FILES.getlist("file"):
        try:
            item = media_service.media_upload(brand=request.brand, user=request.user, upload=upload)
            results.append(_media_json(item))
        except ValidationError as error:
            errors.append(_errors_text(error))
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


def _wants_json(request) -> bool:
    return request.headers.get("x-requested-with") == "XMLHttpRequest"


def _too_large(request, declared: int):
    # The body is never read (WSGI servers drop what is left of it with the connection).
    message = _("This file is too large (%(size)s); the limit is %(limit)s.") % {
        "size": filesizeformat(declared),
        "limit": filesizeformat(settings.MAX_UPLOAD_BYTES),
    }
    if _wants_json(request):
        return JsonResponse({"media": [], "errors": [message]}, status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


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
    media_service.media_set_alt_text(media=item, user=request.user, alt_text=request.POST.get("alt_text", ""))
    messages.success(request, _("The description of %(name)s is saved.") % {"name": item.original_name})
    return redirect("posts:media_library", brand_slug=request.brand.slug)


# --- notifications ---------------------------------------------------------------------------
@login_required
def notifications(request):
    items = Notification.objects.filter(user=request.user).select_related("brand", "post")[:100]
    return render(request, "posts/notifications.html", {"items": items})


@require_POST
@login_required
def notification_open(request, pk: int):
    """Mark one notification read and go to its post."""
    item = get_object_or_404(Notification, pk=pk, user=request.user)
    item.read_at = item.read_at or timezone.now()
    item.save(update_fields=["read_at"])
    if item.post_id:
        return redirect("posts:detail", brand_slug=item.brand.slug, pk=item.post_id)
    return redirect("posts:notifications")


@require_POST
@login_required
def notifications_read(request):
    Notification.objects.filter(user=request.user, read_at=None).update(read_at=timezone.now())
    messages.success(request, _("All notifications are marked as read."))
    return redirect("posts:notifications")
