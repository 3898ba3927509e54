"""The calendar's pages and its two JSON calls (events of a range, moving a post). Views stay thin:
reads in selectors.py, writes in services.py and posts.services."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import ProtectedError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import User
from accounts.permissions import brand_view, can, require
from accounts.roles import Perm
from calendars import csv_io, ical, selectors, services
from calendars.forms import CampaignForm, CSVUploadForm, ExportForm, ImportConfirmForm, PostingSlotForm
from calendars.models import Campaign, FeedToken, ImportJob, PostingSlot, row_is_present
from core.exceptions import REFUSALS, http_status, refusal_text
from core.timing import validate_day_in_range, wall_time_to_utc
from core.web import refusals_as_messages, refusals_on_form
from networks.models import NetworkAccount
from posts.models import DisplayStatus, Post
from posts.services import post_reschedule

# FullCalendar's widest view (a month grid) spans six weeks; more is not a calendar's request.
MAX_RANGE = timedelta(days=62)


def _parse_instant(value: str | None, brand) -> datetime | None:
    """An ISO date or date-time from FullCalendar; without an offset it is a wall time of the brand."""
    try:
        moment = datetime.fromisoformat((value or "").strip().replace(" ", "+"))
        if timezone.is_aware(moment):
            validate_day_in_range(moment)
            return moment
        return wall_time_to_utc(moment.date(), moment.time(), brand.tz)
    except (ValueError, ValidationError):
        return None


# The drag and drop's answer carries the refusal's status and words, a 403 included.
_REFUSED: tuple[type[Exception], ...] = (*REFUSALS, PermissionDenied)


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


# --- the calendar -------------------------------------------------------------------------------
@brand_view()
def calendar(request):
    brand = request.brand
    query = request.GET
    filters = selectors.EventFilters.from_query(query)
    context = {
        "accounts": NetworkAccount.objects.filter(brand=brand),
        "statuses": list(DisplayStatus),
        "campaigns": Campaign.objects.filter(brand=brand),
        "authors": User.objects.filter(memberships__brand=brand).order_by("email"),
        "filters": filters,
        "can_write": can(request.membership, Perm.WRITE),
        "unscheduled": selectors.unscheduled_posts(brand=brand),
        "config": {
            "eventsUrl": reverse("calendars:events", kwargs={"brand_slug": brand.slug}),
            "moveUrl": reverse("calendars:post_move", kwargs={"brand_slug": brand.slug, "pk": 0}),
            "createUrl": reverse("posts:create", kwargs={"brand_slug": brand.slug}),
            "timeZone": brand.time_zone,
            "locale": "fr" if (translation.get_language() or "").startswith("fr") else "en",
            "initialView": query.get("view", ""),
            "initialDate": query.get("date", ""),
            "canWrite": can(request.membership, Perm.WRITE),
            "texts": {
                "moved": _("Post moved."),
                "refused": _("The post was not moved: %(reason)s"),
                "failed": _("The server did not answer; the post was not moved."),
                "campaigns": _("Campaigns"),
            },
        },
    }
    return render(request, "calendars/calendar.html", context)


@brand_view()
def events(request):
    """FullCalendar's event source: the posts and campaign bands of [start, end) as JSON."""
    start = _parse_instant(request.GET.get("start"), request.brand)
    end = _parse_instant(request.GET.get("end"), request.brand)
    if start is None or end is None or end <= start:
        return _json_error(_("Give start and end as ISO dates."), 400)
    if end - start > MAX_RANGE:
        return _json_error(_("Ask for at most %(days)d days at a time.") % {"days": MAX_RANGE.days}, 400)
    data = selectors.calendar_events(
        brand=request.brand,
        membership=request.membership,
        start=start,
        end=end,
        filters=selectors.EventFilters.from_query(request.GET),
    )
    return JsonResponse(data, safe=False)


@require_POST
@brand_view()
def post_move(request, pk):
    """Drag and drop: posts.services.post_reschedule judges; a refusal comes back with its reason."""
    post = get_object_or_404(Post, pk=pk, brand=request.brand)
    start = _parse_instant(request.POST.get("start"), request.brand)
    if start is None:
        return _json_error(_("The new time is not a valid date and time."), 400)
    try:
        post = post_reschedule(post=post, user=request.user, scheduled_at=start)
    except _REFUSED as error:
        return _json_error(refusal_text(error), http_status(error))
    local = post.scheduled_at.astimezone(request.brand.tz)
    return JsonResponse(
        {
            "ok": True,
            "start": local.isoformat(),
            "message": _("Post moved to %(when)s.") % {"when": date_format(local, "DATETIME_FORMAT")},
        }
    )


def _back(request, default: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)  # not redirect(): it reads "-1" as a view name to reverse
    return redirect(default)


@require_POST
@brand_view(Perm.WRITE)
def post_queue(request, pk):
    """ "Add to queue": the post goes to the next free posting slot of its accounts."""
    post = get_object_or_404(Post, pk=pk, brand=request.brand)
    with refusals_as_messages(request, also=(PermissionDenied,)):
        post = services.post_add_to_queue(post=post, user=request.user)
        local = post.scheduled_at.astimezone(request.brand.tz)
        messages.success(request, _("Post queued for %(when)s.") % {"when": date_format(local, "DATETIME_FORMAT")})
    return _back(request, reverse("calendars:calendar", kwargs={"brand_slug": request.brand.slug}))


# --- campaigns ----------------------------------------------------------------------------------
def _campaigns_url(request) -> str:
    return reverse("calendars:campaigns", kwargs={"brand_slug": request.brand.slug})


@brand_view()
def campaigns(request):
    return render(
        request,
        "calendars/campaigns.html",
        {"campaigns": Campaign.objects.filter(brand=request.brand), "can_write": can(request.membership, Perm.WRITE)},
    )


def _campaign_form(request, campaign: Campaign):
    sets_approvals = can(request.membership, Perm.MANAGE_BRAND)
    form = CampaignForm(request.POST or None, instance=campaign, sets_approvals=sets_approvals)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Campaign “%(name)s” saved.") % {"name": campaign.name})
        return redirect(_campaigns_url(request))
    return render(request, "calendars/campaign_form.html", {"form": form, "campaign": campaign})


@brand_view(Perm.WRITE)
def campaign_create(request):
    return _campaign_form(request, Campaign(brand=request.brand))


@brand_view(Perm.WRITE)
def campaign_edit(request, pk):
    return _campaign_form(request, get_object_or_404(Campaign, pk=pk, brand=request.brand))


@brand_view(Perm.WRITE)
def campaign_delete(request, pk):
    campaign = get_object_or_404(Campaign, pk=pk, brand=request.brand)
    if request.method == "POST":
        try:
            campaign.delete()  # its posts stay, without a campaign (SET_NULL)
        except ProtectedError:
            messages.error(request, _("This campaign cannot be deleted."))
        else:
            messages.success(request, _("Campaign “%(name)s” deleted; its posts stay.") % {"name": campaign.name})
        return redirect(_campaigns_url(request))
    return render(request, "calendars/campaign_delete.html", {"campaign": campaign})


# --- posting slots ------------------------------------------------------------------------------
@brand_view()
def slots(request):
    can_edit = can(request.membership, Perm.SCHEDULE)
    form = PostingSlotForm(request.POST or None, brand=request.brand)
    if request.method == "POST":
        require(request.membership, Perm.SCHEDULE)
        if form.is_valid():
            slot = form.save()
            messages.success(request, _("Posting slot added: %(slot)s.") % {"slot": slot})
            return redirect("calendars:slots", brand_slug=request.brand.slug)
    slots_ = PostingSlot.objects.filter(account__brand=request.brand).select_related("account")
    return render(request, "calendars/slots.html", {"form": form, "slots": slots_, "can_edit": can_edit})


@require_POST
@brand_view(Perm.SCHEDULE)
def slot_delete(request, pk):
    slot = get_object_or_404(PostingSlot, pk=pk, account__brand=request.brand)
    slot.delete()
    messages.success(request, _("Posting slot removed."))
    return redirect("calendars:slots", brand_slug=request.brand.slug)


# --- iCal feed ----------------------------------------------------------------------------------
@brand_view()
def feeds(request):
    if request.method == "POST":
        services.feed_token_create(brand=request.brand, user=request.user, membership=request.membership)
        messages.success(request, _("New calendar link made: copy it into your calendar application."))
        return redirect("calendars:feeds", brand_slug=request.brand.slug)
    tokens = FeedToken.objects.filter(brand=request.brand, created_by=request.user)
    links = [
        (token, request.build_absolute_uri(reverse("calendars:ical_feed", kwargs={"token": token.token})))
        for token in tokens
    ]
    return render(request, "calendars/feeds.html", {"links": links})


@require_POST
@brand_view()
def feed_revoke(request, pk):
    token = get_object_or_404(FeedToken, pk=pk, brand=request.brand)
    services.feed_token_revoke(token=token, user=request.user, membership=request.membership)
    messages.success(request, _("Calendar link revoked: calendars using it stop updating."))
    return redirect("calendars:feeds", brand_slug=request.brand.slug)


@require_safe
def ical_feed(request, token: str):
    """Public, read-only: the secret in the URL is the credential. Revoked or unknown: 404."""
    feed = FeedToken.objects.select_related("brand").filter(token=token, revoked_at__isnull=True).first()
    # A link stops working when its maker leaves the brand, like their own access does.
    if feed is None or not feed.brand.memberships.filter(user_id=feed.created_by_id).exists():
        raise Http404
    response = HttpResponse(ical.brand_calendar(feed.brand), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{feed.brand.slug}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- CSV import and export ----------------------------------------------------------------------
@brand_view(Perm.WRITE)
def import_upload(request):
    form = CSVUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with refusals_on_form(form, renames={NON_FIELD_ERRORS: "file"}):
            job = services.import_job_create(
                brand=request.brand,
                user=request.user,
                membership=request.membership,
                file_name=upload.name,
                raw=upload.read(),
            )
            return redirect("calendars:import_job", brand_slug=request.brand.slug, pk=job.pk)
    return render(request, "calendars/import_upload.html", {"form": form})


@brand_view(Perm.WRITE)
def import_template(request):
    """The import's columns and an example row, in the person's language (separator, dates)."""
    fmt = csv_io.format_for()
    response = HttpResponse(
        csv_io.import_template(brand=request.brand, fmt=fmt), content_type="text/csv; charset=utf-8"
    )
    name = _("import-template")
    response["Content-Disposition"] = f'attachment; filename="{request.brand.slug}-{name}.csv"'
    return response


PREVIEW_PAGE_SIZE = 100
PREVIEW_FILTERS = {
    "problems": lambda row: bool(row["problems"]),
    "present": row_is_present,
}


@brand_view(Perm.WRITE)
def import_job(request, pk):
    """Before the run: the preview (paginated; problems or rows already present on demand).
    After: progress, the report, and links to the months where the posts landed."""
    job = get_object_or_404(ImportJob, pk=pk, brand=request.brand)
    only = request.GET.get("only", "")
    rows = [row for row in job.rows if PREVIEW_FILTERS[only](row)] if only in PREVIEW_FILTERS else job.rows
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    good_rows = len(job.rows) - job.bad_row_count
    context = {
        "job": job,
        "page": page,
        "only": only if only in PREVIEW_FILTERS else "",
        "bad_rows": job.bad_row_count,
        "good_rows": good_rows,
        "present_rows": job.present_row_count,
        "new_rows": good_rows - job.present_row_count,
        "confirm_form": ImportConfirmForm(),
        "report": job.report[:500],
        "months": _landed_months(request.brand, job.landed),
    }
    return render(request, "calendars/import_job.html", context)


def _landed_months(brand, landed: dict[str, int]) -> list[dict]:
    """Each month where an import created posts: its first day, the count, the calendar's link."""
    calendar_url = reverse("calendars:calendar", kwargs={"brand_slug": brand.slug})
    months = []
    for key, count in sorted(landed.items()):
        first_day = datetime.strptime(key, "%Y-%m").date()
        months.append(
            {"month": first_day, "count": count, "url": f"{calendar_url}?view=dayGridMonth&date={first_day:%Y-%m-%d}"}
        )
    return months


@require_POST
@brand_view(Perm.WRITE)
def import_start(request, pk):
    job = get_object_or_404(ImportJob, pk=pk, brand=request.brand)
    form = ImportConfirmForm(request.POST)
    form.is_valid()
    with refusals_as_messages(request):
        services.import_job_start(
            job=job,
            user=request.user,
            skip_bad_rows=form.cleaned_data.get("skip_bad_rows", False),
            import_present=form.cleaned_data.get("import_present", False),
        )
        messages.info(request, _("Import started: the posts appear as they are created."))
    return redirect("calendars:import_job", brand_slug=request.brand.slug, pk=job.pk)


@brand_view(Perm.WRITE)
def import_progress(request, pk):
    job = get_object_or_404(ImportJob.objects.defer("rows", "report"), pk=pk, brand=request.brand)
    return JsonResponse(
        {
            "status": job.status,
            "statusLabel": job.get_status_display(),
            "total": job.total,
            "processed": job.processed,
            "percent": job.percent,
            "created": job.created_count,
            "skipped": job.skipped_count,
            "failed": job.failed_count,
            "finished": job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED),
        }
    )


@brand_view()
def export(request):
    form = ExportForm(request.GET or None)
    if not form.is_valid():
        return render(request, "calendars/export.html", {"form": form})
    tz = request.brand.tz
    start = datetime.combine(form.cleaned_data["start"], time.min, tzinfo=tz)
    end = datetime.combine(form.cleaned_data["end"] + timedelta(days=1), time.min, tzinfo=tz)
    posts = (
        Post.objects.filter(brand=request.brand, scheduled_at__gte=start, scheduled_at__lt=end)
        .select_related("campaign")
        .prefetch_related("targets__account", "postmedia_set__media")
        .order_by("scheduled_at", "pk")
    )
    # In the person's language: a French spreadsheet opens a ";" file with day-first dates in
    # columns. csv_text adds the BOM that lets spreadsheets recognise UTF-8 (accents survive).
    body = csv_io.export_posts(posts, brand=request.brand, fmt=csv_io.format_for())
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = f"{request.brand.slug}-{form.cleaned_data['start']:%Y%m%d}-{form.cleaned_data['end']:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
