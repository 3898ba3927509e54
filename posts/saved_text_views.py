"""The brand's saved captions and hashtag groups: every member reads them, writers manage them."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import brand_view, can
from accounts.roles import Perm
from core.web import refusals_on_form
from posts import saved_texts
from posts.forms import SavedTextForm
from posts.models import SavedText


def _page(request, form: SavedTextForm, status: int = 200):
    context = {
        "items": SavedText.objects.filter(brand=request.brand).select_related("created_by"),
        "form": form,
        "may_write": can(request.membership, Perm.WRITE),
    }
    return render(request, "posts/saved_texts.html", context, status=status)


def _save(request, form: SavedTextForm, saved: SavedText | None) -> bool:
    """Through the services (they check the role); problems land on the form's fields."""
    if not form.is_valid():
        return False
    with refusals_on_form(form) as attempt:
        if saved is None:
            saved_texts.saved_text_create(brand=request.brand, user=request.user, **form.cleaned_data)
        else:
            saved_texts.saved_text_update(saved=saved, user=request.user, **form.cleaned_data)
    return not attempt.refused


@brand_view(Perm.VIEW)
def saved_text_list(request):
    """GET: the list (and, for writers, a form to add one); POST: add one (writers)."""
    if request.method != "POST":
        return _page(request, SavedTextForm())
    form = SavedTextForm(request.POST)
    if _save(request, form, None):
        messages.success(request, _("“%(name)s” is saved.") % {"name": form.cleaned_data["name"].strip()})
        return redirect("posts:saved_texts", brand_slug=request.brand.slug)
    return _page(request, form, status=400)


@brand_view(Perm.WRITE)
def saved_text_edit(request, pk: int):
    saved = get_object_or_404(SavedText, pk=pk, brand=request.brand)
    form = SavedTextForm(request.POST or None, instance=SavedText(kind=saved.kind, name=saved.name, text=saved.text))
    if request.method == "POST":
        if _save(request, form, saved):
            messages.success(request, _("“%(name)s” is saved.") % {"name": saved.name})
            return redirect("posts:saved_texts", brand_slug=request.brand.slug)
        return render(request, "posts/saved_text_edit.html", {"form": form, "saved": saved}, status=400)
    return render(request, "posts/saved_text_edit.html", {"form": form, "saved": saved})


@require_POST
@brand_view(Perm.WRITE)
def saved_text_delete(request, pk: int):
    saved = get_object_or_404(SavedText, pk=pk, brand=request.brand)
    saved_texts.saved_text_delete(saved=saved, user=request.user)
    messages.success(request, _("“%(name)s” is deleted.") % {"name": saved.name})
    return redirect("posts:saved_texts", brand_slug=request.brand.slug)
