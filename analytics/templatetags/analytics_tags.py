"""How analytics numbers read on pages and in reports: "not available" is words, never 0."""

from django import template
from django.template.defaultfilters import floatformat
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
def heat(value, peak):
    """A CSS class from cm-heat-0 (no post) to cm-heat-4 (the best hour)."""
    if value is None or not peak:
        return "cm-heat-0"
    return f"cm-heat-{min(4, 1 + int(3 * value / peak))}"
