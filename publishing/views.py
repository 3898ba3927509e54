"""Pages of the engine: the crisis pause, the overdue list, and a person's answers about a post.

Thin: each view checks the brand (brand_view), calls one service, says what happened.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.permissions import brand_view, can
from accounts.roles import Perm
from core.web import refusals_as_messages, refusals_on_form
from posts.models import Post, PostTarget
from publishing import decisions
from publishing.forms import OverdueDecisionForm, PauseForm, ResolveForm
from publishing.pause import brand_pause, brand_resume, pause_of


def _post_page(request, post):
    return redirect("posts:detail", brand_slug=request.brand.slug, pk=post.pk)


@brand_view(Perm.PAUSE)
def pause(request):
    form = PauseForm(request.POST or None, brand=request.brand, initial=PauseForm.initial_for(request.brand))
    if request.method == "POST" and form.is_valid():
        with refusals_on_form(form):
            brand_pause(brand=request.brand, user=request.user, **form.cleaned_data)
            messages.warning(request, _("Publishing is paused for %(brand)s.") % {"brand": request.brand})
            return redirect("publishing:pause", brand_slug=request.brand.slug)
    context = {"form": form, "brand": request.brand, "pause": pause_of(request.brand)}
    return render(request, "publishing/pause.html", context)


@require_POST
@brand_view(Perm.PAUSE)
def resume(request):
    held = brand_resume(brand=request.brand, user=request.user)
    messages.success(request, _("Publishing is running again for %(brand)s.") % {"brand": request.brand})
    if held:
        messages.info(
            request,
            ngettext(
                "%(count)d post fell due during the pause: decide what to do with it.",
                "%(count)d posts fell due during the pause: decide what to do with each.",
                held,
            )
            % {"count": held},
        )
        return redirect("publishing:overdue", brand_slug=request.brand.slug)
    return redirect("accounts:brand_home", brand_slug=request.brand.slug)


@brand_view(Perm.VIEW)
def overdue(request):
    """Every member sees what a pause left waiting (an author must find their post); the
    decisions are the managers'."""
    posts = decisions.overdue_posts(request.brand)
    form = OverdueDecisionForm(brand=request.brand)
    may_decide = can(request.membership, Perm.SCHEDULE)
    return render(request, "publishing/overdue.html", {"posts": posts, "form": form, "may_decide": may_decide})


@require_POST
@brand_view(Perm.SCHEDULE)
def overdue_decide(request, pk):
    post = get_object_or_404(Post, pk=pk, brand=request.brand, overdue_hold__isnull=False)
    form = OverdueDecisionForm(request.POST, brand=request.brand)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect("publishing:overdue", brand_slug=request.brand.slug)
    action, scheduled_at = form.cleaned_data["action"], form.cleaned_data["scheduled_at"]
    with refusals_as_messages(request):
        if action == OverdueDecisionForm.Action.RESCHEDULE:
            decisions.overdue_reschedule(post=post, user=request.user, scheduled_at=scheduled_at)
            messages.success(request, _("The post was given a new time."))
        elif action == OverdueDecisionForm.Action.PUBLISH_NOW:
            decisions.post_publish_now(post=post, user=request.user)
            messages.success(request, _("The post is being published."))
        else:
            decisions.overdue_cancel(post=post, user=request.user)
            messages.success(request, _("The post will not be published."))
    return redirect("publishing:overdue", brand_slug=request.brand.slug)


@require_POST
@brand_view(Perm.SCHEDULE)
def publish_now(request, pk):
    post = get_object_or_404(Post, pk=pk, brand=request.brand)
    with refusals_as_messages(request):
        decisions.post_publish_now(post=post, user=request.user)
        messages.success(request, _("The post is being published."))
    return _post_page(request, post)


@require_POST
@brand_view(Perm.SCHEDULE)
def target_retry(request, pk):
    target = get_object_or_404(PostTarget, pk=pk, post__brand=request.brand)
    with refusals_as_messages(request):
        decisions.target_retry(target=target, user=request.user)
        messages.success(request, _("It will be sent again to %(account)s.") % {"account": target.account})
    return _post_page(request, target.post)


@require_POST
@brand_view(Perm.SCHEDULE)
def target_resolve(request, pk):
    target = get_object_or_404(PostTarget, pk=pk, post__brand=request.brand)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the post is on the network."))
        return _post_page(request, target.post)
    with refusals_as_messages(request):
        decisions.target_resolve(target=target, user=request.user, **form.cleaned_data)
        messages.success(request, _("Thank you: the post's state is up to date."))
    return _post_page(request, target.post)
