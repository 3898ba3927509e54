"""Analytics pages: thin views over analytics/selectors.py (reads) and reports.py."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.permissions import brand_view
from accounts.roles import Perm
from analytics import selectors
from analytics.forms import AnalyticsFilterForm
from calendars.models import Weekday


def _filter_form(request) -> AnalyticsFilterForm:
    slugs = sorted(set(request.brand.network_accounts.values_list("network", flat=True)))
    networks = [(slug, selectors.network_name(slug)) for slug in slugs]
    return AnalyticsFilterForm(request.GET or None, brand=request.brand, networks=networks)


@require_safe
@brand_view(Perm.VIEW_ANALYTICS)
def dashboard(request):
    form = _filter_form(request)
    filters = form.filters()
    numbers = selectors.page_numbers(request.brand, filters)
    context = {
        "form": form,
        "filters": filters,
        "hours": range(24),
        "heat_rows": [{"label": day.label, "values": numbers["best_hours"][day.value]} for day in Weekday],
        "chart_labels": {"published": _("Posts published"), "engagement": _("Engagement")},
        **numbers,
    }
    return render(request, "analytics/dashboard.html", context)
