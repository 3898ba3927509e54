"""How analytics numbers read on pages and in reports: "not available" is words, never 0."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.dates import WEEKDAYS
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def not_available() -> str:
    return format_html('<span class="cm-na">{}</span>', _("not available"))


@register.filter
def number(value):
    return not_available() if value is None else floatformat(value, "0g")


@register.filter
def decimal(value):
    return not_available() if value is None else floatformat(value, "1g")


@register.filter
def percent(value):
    # A non-breaking space before % in both languages (French typography; harmless in English).
    return not_available() if value is None else f"{floatformat(value * 100, '1g')}\u00a0%"


@register.filter
def duration(seconds):
    if seconds is None:
        return not_available()
    if seconds < 90:
        return _("%(n)s s") % {"n": floatformat(seconds, "0g")}
    return _("%(n)s min") % {"n": floatformat(seconds / 60, "1g")}


@register.filter
def minutes(value):
    """A response time in minutes; in hours past two (a day's wait reads 24 h, not 1,440 min)."""
    if value is None:
        return not_available()
    if value < 120:
        return _("%(n)s min") % {"n": floatformat(value, "1g")}
    return _("%(n)s h") % {"n": floatformat(value / 60, "1g")}


@register.filter
def heat(value, peak):
    """A CSS class from cm-heat-0 (no post) to cm-heat-4 (the best hour)."""
    if value is None or not peak:
        return "cm-heat-0"
    return f"cm-heat-{min(4, 1 + int(3 * value / peak))}"


def heatmap_rows(grid: list[list[float | None]], peak: float | None) -> list[dict]:
    """The best-hours heatmap's 7 x 24 cells as (class, title), made once here: through template
    filters the 168 cells took a third of the page's time."""
    na = str(_("not available"))

    def cell(value: float | None) -> tuple[str, str]:
        title = na if value is None else number_format(round(value, 1), 1, use_l10n=True, force_grouping=True)
        return heat(value, peak), title

    return [{"label": WEEKDAYS[day], "cells": [cell(value) for value in grid[day]]} for day in range(7)]
