"""Analytics pages: thin views over analytics/selectors.py (reads) and reports.py."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import brand_view, can
from accounts.roles import Perm
from analytics import reports as reports_service
from analytics import selectors
from analytics.forms import AnalyticsFilterForm, ReportForm, ReportScheduleForm, ShareLinkForm
from analytics.models import ReportSchedule, ShareLink
from analytics.selectors import Filters
from analytics.templatetags.analytics_tags import heatmap_rows


def _filter_form(request) -> AnalyticsFilterForm:
    slugs = sorted(set(request.brand.network_accounts.values_list("network", flat=True)))
    networks = [(slug, selectors.network_name(slug)) for slug in slugs]
    return AnalyticsFilterForm(request.GET or None, brand=request.brand, networks=networks)


@require_safe
@brand_view(Perm.VIEW_ANALYTICS)
def dashboard(request):
    form = _filter_form(request)
    filters = form.filters()
    numbers = selectors.page_numbers(request.brand, filters, metrics=selectors.PAGE_METRICS)
    context = {
        "form": form,
        "filters": filters,
        "hours": range(24),
        "heat_rows": heatmap_rows(numbers["best_hours"], numbers["best_hours_peak"]),
        "chart_labels": {"published": _("Posts published"), "engagement": _("Engagement")},
        **numbers,
    }
    return render(request, "analytics/dashboard.html", context)


def _report_page(request, *, form=None, schedule_form=None, share_form=None, new_link="", status=200):
    brand = request.brand
    context = {
        "form": form or ReportForm(brand=brand),
        "schedule_form": schedule_form or ReportScheduleForm(),
        "share_form": share_form or ShareLinkForm(brand=brand),
        "schedules": brand.report_schedules.all(),
        "links": brand.report_links.filter(revoked_at__isnull=True, expires_at__gt=timezone.now()),
        "can_manage": can(request.membership, Perm.MANAGE_REPORTS),
        "new_link": new_link,
    }
    return render(request, "analytics/reports.html", context, status=status)


@require_safe
@brand_view(Perm.VIEW_ANALYTICS)
def reports(request):
    return _report_page(request)


def _report(request, make, extension: str, content_type: str):
    form = ReportForm(request.GET, brand=request.brand)
    if not form.is_valid():
        return _report_page(request, form=form, status=400)
    filters, language = form.filters(), form.cleaned_data["language"]
    response = HttpResponse(make(request.brand, filters, language=language), content_type=content_type)
    name = reports_service.report_filename(request.brand, filters, extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@brand_view(Perm.VIEW_ANALYTICS)
def report_pdf(request):
    return _report(request, reports_service.report_pdf, "pdf", "application/pdf")


@require_safe
@brand_view(Perm.VIEW_ANALYTICS)
def report_csv(request):
    return _report(request, reports_service.report_csv, "csv", "text/csv; charset=utf-8")


@require_POST
@brand_view(Perm.MANAGE_REPORTS)
def schedule_create(request):
    form = ReportScheduleForm(request.POST)
    if not form.is_valid():
        return _report_page(request, schedule_form=form, status=400)
    form.instance.brand, form.instance.created_by = request.brand, request.user
    form.save()
    messages.success(request, _("The report will be emailed on schedule."))
    return redirect("analytics:reports", request.brand.slug)


@require_POST
@brand_view(Perm.MANAGE_REPORTS)
def schedule_delete(request, pk: int):
    get_object_or_404(ReportSchedule, pk=pk, brand=request.brand).delete()
    messages.success(request, _("The scheduled report was removed."))
    return redirect("analytics:reports", request.brand.slug)


@require_POST
@brand_view(Perm.MANAGE_REPORTS)
def share_create(request):
    form = ShareLinkForm(request.POST, brand=request.brand)
    if not form.is_valid():
        return _report_page(request, share_form=form, status=400)
    _link, token = reports_service.share_link_create(
        brand=request.brand,
        filters=form.filters(),
        language=form.cleaned_data["language"],
        days=form.cleaned_data["days"],
        user=request.user,
    )
    url = request.build_absolute_uri(reverse("analytics:shared_report", args=[token]))
    return _report_page(request, new_link=url)


@require_POST
@brand_view(Perm.MANAGE_REPORTS)
def share_revoke(request, pk: int):
    reports_service.share_link_revoke(link=get_object_or_404(ShareLink, pk=pk, brand=request.brand))
    messages.success(request, _("The link no longer opens the report."))
    return redirect("analytics:reports", request.brand.slug)


@require_safe
def shared_report(request, token: str):
    link = reports_service.share_link_for(token)
    if link is None:
        raise Http404
    filters = Filters(start=link.period_start, end=link.period_end)
    pdf = reports_service.report_pdf(link.brand, filters, language=link.language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{reports_service.report_filename(link.brand, filters, "pdf")}"'
    )
    return response
