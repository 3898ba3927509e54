"""Reports for management: a brand's numbers for a period as a PDF (a Django template rendered by
WeasyPrint, charts drawn here as SVG: no browser) and as CSV of the same numbers; emailed on a
schedule (once per period) and shared by signed links that expire and can be revoked.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from PIL import ImageFile

from accounts.models import Brand
from analytics import selectors
from analytics.models import ReportDelivery, ReportSchedule, ShareLink
from analytics.selectors import Filters
from analytics.templatetags.analytics_tags import decimal, duration, minutes, number, percent
from cm_platform.spreadsheets import neutralise
from core.sentiment import Label
from networks.capabilities.metrics import Metric

SHARE_SALT = "analytics.report-share"


# --- the numbers and the two formats ----------------------------------------------------------
def report_context(brand: Brand, filters: Filters) -> dict:
    numbers = selectors.page_numbers(brand, filters, top=10)
    trend = numbers["chart_data"]["trend"]
    community, listening = numbers["community"], numbers["listening"]
    return {
        "brand": brand,
        "filters": filters,
        "metrics": [
            (metric.label, numbers["totals"].get(str(metric))) for metric in Metric if metric != Metric.FOLLOWERS
        ],
        "empty": not numbers["publishing"].planned
        and numbers["totals"].engagement is None
        and not community.messages
        and not listening.mentions
        and not listening.incidents,
        "community_sentiment": _by_label(community.sentiment),
        "listening_sentiment": _by_label(listening.sentiment),
        "published_chart": bar_chart([d[8:] for d in trend["days"]], trend["published"]),
        "engagement_chart": bar_chart([d[8:] for d in trend["days"]], trend["engagement"]),
        **numbers,
    }


def _by_label(counts: dict[str, int]) -> list[tuple[str, int]]:
    """(words, count) for each sentiment, in one order (a label nobody had counts 0)."""
    return [(label.verbose, counts.get(str(label), 0)) for label in Label]


def report_pdf(brand: Brand, filters: Filters, *, language: str) -> bytes:
    import weasyprint  # noqa: PLC0415 — heavy (Pango, fonts: seconds, ~40 MB): only in the process making a PDF

    # WeasyPrint's import turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES; our reports hold
    # only SVG drawn here, and the image pipeline (core/images.py) must keep refusing
    # truncated images in the same worker.
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    with translation.override(language):
        html = render_to_string("analytics/report.html", report_context(brand, filters))
    return weasyprint.HTML(string=html, base_url=settings.SITE_URL).write_pdf()


def report_csv(brand: Brand, filters: Filters, *, language: str) -> str:
    """The PDF's numbers, one per row (section, item, value); "not available" in words."""
    with translation.override(language):
        context = report_context(brand, filters)
        rows = _csv_rows(context)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([_("Section"), _("Item"), _("Value")])
        for row in rows:
            writer.writerow([neutralise(str(cell)) for cell in row])
    return "\ufeff" + buffer.getvalue()


def _plain(value) -> str:
    """A formatted number without the page's HTML ("not available" stays words)."""
    return str(value).replace('<span class="cm-na">', "").replace("</span>", "")


def _csv_rows(context: dict) -> list[tuple[str, str, str]]:
    publishing, totals = context["publishing"], context["totals"]
    rows = [
        (_("Publishing"), _("Planned"), _plain(number(publishing.planned))),
        (_("Publishing"), _("Published"), _plain(number(publishing.published))),
        (_("Publishing"), _("Failed"), _plain(number(publishing.failed))),
        (_("Publishing"), _("On time"), _plain(percent(publishing.on_time_rate))),
        (_("Publishing"), _("Average lateness"), _plain(duration(publishing.average_lateness))),
        (_("Engagement"), _("Engagement"), _plain(number(totals.engagement))),
        (_("Engagement"), _("Engagement rate"), _plain(percent(totals.engagement_rate))),
        (_("Engagement"), _("Follower growth"), _plain(number(context["follower_growth"]))),
    ]
    rows += [(_("Engagement"), label, _plain(number(value))) for label, value in context["metrics"]]
    rows += [
        (_("Top posts"), row.target.post.text[:100], _plain(number(row.engagement))) for row in context["top_posts"]
    ]
    rows += [(_("By network"), row["name"], _plain(number(row["totals"].engagement))) for row in context["networks"]]
    return rows + _community_rows(context) + _listening_rows(context)


def _community_rows(context: dict) -> list[tuple[str, str, str]]:
    community, section = context["community"], _("Community")
    rows = [
        (section, _("Messages received"), _plain(number(community.messages))),
        (section, _("Conversations started"), _plain(number(community.conversations))),
        (section, _("Conversations answered"), _plain(number(community.answered))),
        (section, _("Median first response (business hours)"), _plain(minutes(community.median_response_minutes))),
        (
            section,
            _("Answered within the target (%(target)s min)") % {"target": community.target_minutes},
            _plain(percent(community.within_target_rate)),
        ),
    ]
    if community.messages:
        rows += [
            (section, _("Messages (sentiment: %(label)s)") % {"label": label}, _plain(number(count)))
            for label, count in context["community_sentiment"]
        ]
    return rows


def _listening_rows(context: dict) -> list[tuple[str, str, str]]:
    listening, section = context["listening"], _("Listening")
    rows = [(section, _("Mentions"), _plain(number(listening.mentions)))]
    if listening.mentions:
        rows += [
            (section, _("Mentions (sentiment: %(label)s)") % {"label": label}, _plain(number(count)))
            for label, count in context["listening_sentiment"]
        ]
    rows += [
        (section, _("Spikes"), _plain(number(listening.spikes_total))),
        (section, _("Crisis incidents"), _plain(number(len(listening.incidents)))),
    ]
    for incident in listening.incidents:
        rows += [
            (
                _("Crisis incidents"),
                f"{incident.title} · {_('Mentions (negative)')}",
                f"{incident.mentions} ({incident.negative})",
            ),
            (_("Crisis incidents"), f"{incident.title} · {_('Duration')}", _plain(minutes(incident.duration_minutes))),
            (
                _("Crisis incidents"),
                f"{incident.title} · {_('First statement or reply out')}",
                _plain(minutes(incident.first_response_minutes)),
            ),
        ]
    return rows


def report_filename(brand: Brand, filters: Filters, extension: str) -> str:
    return f"report-{brand.slug}-{filters.start.isoformat()}-{filters.end.isoformat()}.{extension}"


# --- charts drawn on the server ---------------------------------------------------------------
@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    label: str
    value: str


def bar_chart(labels: list[str], values: list[int | float | None], *, width: int = 640, height: int = 160) -> dict:
    """Bars for an SVG template: a value None draws no bar (not available), never a zero bar."""
    peak = max((v for v in values if v is not None), default=0) or 1
    step = width / max(1, len(values))
    bars = [
        Bar(
            x=round(i * step + step * 0.1, 1),
            y=round(height - (value or 0) / peak * height, 1),
            height=round((value or 0) / peak * height, 1),
            label=label,
            value="" if value is None else _plain(decimal(value)),
        )
        for i, (label, value) in enumerate(zip(labels, values, strict=True))
        if value is not None
    ]
    return {"bars": bars, "width": width, "height": height, "bar_width": round(step * 0.8, 1), "peak": peak}


# --- share links ------------------------------------------------------------------------------
def share_link_create(*, brand: Brand, filters: Filters, language: str, days: int, user) -> tuple[ShareLink, str]:
    link = ShareLink.objects.create(
        brand=brand,
        period_start=filters.start,
        period_end=filters.end,
        language=language,
        expires_at=timezone.now() + timedelta(days=days),
        created_by=user,
    )
    return link, share_token(link)


def share_token(link: ShareLink) -> str:
    return signing.dumps({"link": link.pk}, salt=SHARE_SALT)


def share_link_for(token: str) -> ShareLink | None:
    """The link a token names, while it is valid; None when tampered, expired or revoked."""
    try:
        pk = signing.loads(token, salt=SHARE_SALT)["link"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
    link = ShareLink.objects.select_related("brand").filter(pk=pk, revoked_at__isnull=True).first()
    if link is None or link.expires_at <= timezone.now():
        return None
    return link


def share_link_revoke(*, link: ShareLink) -> None:
    ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


# --- scheduled emails -------------------------------------------------------------------------
def period_due(schedule: ReportSchedule, today: date) -> Filters:
    """The last full period before `today`: last month, or last week (Monday to Sunday)."""
    if schedule.every == ReportSchedule.Every.WEEK:
        monday = today - timedelta(days=today.weekday())
        return Filters(start=monday - timedelta(days=7), end=monday - timedelta(days=1))
    first = today.replace(day=1)
    end = first - timedelta(days=1)
    return Filters(start=end.replace(day=1), end=end)


def reports_send_due(*, now: datetime | None = None) -> int:
    """Email each schedule's report for its last full period, once (a ReportDelivery row per
    period is made before sending: a second run, or a second worker, finds it and sends nothing)."""
    now = now or timezone.now()
    sent = 0
    for schedule in ReportSchedule.objects.select_related("brand"):
        filters = period_due(schedule, now.astimezone(schedule.brand.tz).date())
        try:
            with transaction.atomic():
                delivery = ReportDelivery.objects.create(schedule=schedule, period_start=filters.start)
        except IntegrityError:
            continue  # this period's report was sent (or is being sent)
        try:
            _email(schedule, filters)
        except Exception as error:  # the mail server failed: free the period for the next run
            ReportDelivery.objects.filter(pk=delivery.pk).delete()
            raise error
        ReportDelivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())
        sent += 1
    return sent


def _email(schedule: ReportSchedule, filters: Filters) -> None:
    brand = schedule.brand
    with translation.override(schedule.language):
        subject = _("%(brand)s · report from %(start)s to %(end)s") % {
            "brand": brand.name,
            "start": date_format(filters.start, "SHORT_DATE_FORMAT"),
            "end": date_format(filters.end, "SHORT_DATE_FORMAT"),
        }
        body = _("The report of %(brand)s for this period is attached (PDF and CSV).") % {"brand": brand.name}
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, schedule.recipient_list)
    message.attach(
        report_filename(brand, filters, "pdf"),
        report_pdf(brand, filters, language=schedule.language),
        "application/pdf",
    )
    message.attach(
        report_filename(brand, filters, "csv"), report_csv(brand, filters, language=schedule.language), "text/csv"
    )
    message.send()
