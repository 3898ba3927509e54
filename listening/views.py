"""Listening's pages. Views stay thin: reads in selectors.py, writes in services.py."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import brand_view, can
from accounts.roles import Perm
from core.web import refusals_as_messages
from listening import selectors
from listening.forms import MentionTagForm, NetworkSearchForm, SavedSearchForm, SourceForm
from listening.models import Alert, Mention, MentionTag, SavedSearch, Source, SourceKind
from posts.forms import posted


def _nav(request, tab: str) -> dict:
    membership = request.membership
    return {"tab": tab, "can_listen": can(membership, Perm.LISTEN), "can_crisis": can(membership, Perm.CRISIS)}


# --- saved searches ---------------------------------------------------------------------------
@brand_view()
def searches(request):
    items = SavedSearch.objects.filter(brand=request.brand)
    return render(request, "listening/searches.html", {"searches": items, **_nav(request, "searches")})


def _search_form(request, search: SavedSearch):
    form = SavedSearchForm(request.POST or None, instance=search)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The saved search “%(name)s” is saved.") % {"name": search.name})
        return redirect("listening:searches", brand_slug=request.brand.slug)
    return render(request, "listening/search_form.html", {"form": form, "search": search, **_nav(request, "searches")})


@brand_view(Perm.LISTEN)
def search_create(request):
    return _search_form(request, SavedSearch(brand=request.brand, created_by=request.user))


@brand_view(Perm.LISTEN)
def search_edit(request, pk: int):
    return _search_form(request, get_object_or_404(SavedSearch, brand=request.brand, pk=pk))


@require_POST
@brand_view(Perm.LISTEN)
def search_delete(request, pk: int):
    search = get_object_or_404(SavedSearch, brand=request.brand, pk=pk)
    search.delete()
    messages.success(request, _("The saved search “%(name)s” is deleted.") % {"name": search.name})
    return redirect("listening:searches", brand_slug=request.brand.slug)


# --- sources ----------------------------------------------------------------------------------
@brand_view()
def sources(request):
    items = Source.objects.filter(brand=request.brand)
    return render(request, "listening/sources.html", {"sources": items, **_nav(request, "sources")})


def _source_form(request, source: Source):
    form_class = NetworkSearchForm if source.kind == SourceKind.NETWORK_SEARCH else SourceForm
    form = form_class(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request, _("The source “%(name)s” is saved; it is read within a minute.") % {"name": source.name}
        )
        return redirect("listening:sources", brand_slug=request.brand.slug)
    return render(request, "listening/source_form.html", {"form": form, "source": source, **_nav(request, "sources")})


@brand_view(Perm.LISTEN)
def source_create(request):
    return _source_form(request, Source(brand=request.brand, created_by=request.user, kind=SourceKind.FEED))


@brand_view(Perm.LISTEN)
def network_search_create(request):
    source = Source(brand=request.brand, created_by=request.user, kind=SourceKind.NETWORK_SEARCH)
    return _source_form(request, source)


@brand_view(Perm.LISTEN)
def source_edit(request, pk: int):
    editable = (SourceKind.FEED, SourceKind.NETWORK_SEARCH)
    return _source_form(request, get_object_or_404(Source, brand=request.brand, pk=pk, kind__in=editable))


@require_POST
@brand_view(Perm.LISTEN)
def source_delete(request, pk: int):
    source = get_object_or_404(Source, brand=request.brand, pk=pk)
    source.delete()  # its mentions stay (Mention.source is set to null)
    messages.success(request, _("The source “%(name)s” is deleted; its mentions are kept.") % {"name": source.name})
    return redirect("listening:sources", brand_slug=request.brand.slug)


# --- alerts ------------------------------------------------------------------------------------
@brand_view()
def alerts(request):
    items = Alert.objects.filter(brand=request.brand).select_related("search")[:200]
    return render(request, "listening/alerts.html", {"alerts": items, **_nav(request, "alerts")})


@brand_view()
def alert(request, pk: int):
    item = get_object_or_404(Alert.objects.select_related("search"), brand=request.brand, pk=pk)
    return render(request, "listening/alert.html", {"alert": item, **_nav(request, "alerts")})


# --- mentions -----------------------------------------------------------------------------------
@brand_view()
def mentions(request):
    brand = request.brand
    filters = selectors.MentionFilters.from_query(request.GET)
    rows, more = selectors.mention_page(brand, filters)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "mentions": rows,
        "filters": filters,
        "more": more,
        "query": query.urlencode(),
        "searches": SavedSearch.objects.filter(brand=brand),
        "sources": Source.objects.filter(brand=brand),
        "chart": selectors.volume(brand, filters.search),
        "repliable": selectors.answerable_mentions(brand, rows),
        **_nav(request, "mentions"),
    }
    return render(request, "listening/mentions.html", context)


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) and target.startswith("/"):
        return redirect(target)
    return redirect("listening:mentions", brand_slug=request.brand.slug)


@require_POST
@brand_view(Perm.LISTEN)
def mention_handled(request, pk: int):
    mention = get_object_or_404(Mention, brand=request.brand, pk=pk)
    handled = request.POST.get("handled") == "yes"
    mention.handled_at, mention.handled_by = (timezone.now(), request.user) if handled else (None, None)
    mention.save(update_fields=["handled_at", "handled_by"])
    return _back(request)


@require_POST
@brand_view(Perm.LISTEN)
def mention_tag(request, pk: int):
    mention = get_object_or_404(Mention, brand=request.brand, pk=pk)
    with refusals_as_messages(request) as attempt:
        name = " ".join(posted(MentionTagForm, request.POST)["tag"].split())[:50]
    if attempt.refused:
        return _back(request)
    if not name:
        messages.error(request, _("Write a tag."))
    elif request.POST.get("remove"):
        MentionTag.objects.filter(mention=mention, name=name).delete()
    else:
        MentionTag.objects.get_or_create(mention=mention, name=name)
    return _back(request)
