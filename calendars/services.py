"""Writes of the calendar: the posting queue, iCal feed links and CSV imports.

Moving a post is always posts.services.post_reschedule: the workflow's rules (who may move an
approved post, nothing published moves, no past) live there and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Brand
from accounts.permissions import can, require
from accounts.roles import Perm
from calendars.csv_io import RowContext, parse_upload, present_post_id
from calendars.models import FeedToken, ImportJob, PostingSlot
from core.exceptions import Forbidden, refusal_texts
from networks.models import NetworkAccount
from posts.models import Post
from posts.services import post_create, post_reschedule

# How far ahead the queue looks for a free slot.
QUEUE_HORIZON_DAYS = 90
# An import writes its progress at least every this many rows.
PROGRESS_EVERY = 100


# --- posting slots (the queue) ----------------------------------------------------------------
def slot_instant(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """The instant of the wall time `day` `at` in `zone`, or None when the clocks skip it.

    On the night clocks go back a wall time happens twice: the queue takes the first one.
    """
    local = datetime.combine(day, at, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None  # in the spring gap: this wall time does not exist that day
    return instant


def slot_times(*, slots: Iterable[PostingSlot], zone: ZoneInfo, after: datetime, days: int):
    """(instant, account_id) for every slot occurrence after `after`, in time order.

    Computed day by day in the brand's zone so a 09:00 slot stays at 09:00 local time when the
    offset changes.
    """
    by_weekday: dict[int, list[PostingSlot]] = {}
    for slot in slots:
        by_weekday.setdefault(slot.weekday, []).append(slot)
    first_day = after.astimezone(zone).date()
    occurrences = []
    for offset in range(days + 1):
        day = first_day + timedelta(days=offset)
        for slot in by_weekday.get(day.weekday(), []):
            instant = slot_instant(day, slot.local_time, zone)
            if instant is not None and instant > after:
                occurrences.append((instant, slot.account_id))
    occurrences.sort()
    return occurrences


def next_free_slot(
    *, brand: Brand, accounts: Iterable[NetworkAccount], after: datetime | None = None, exclude: Post | None = None
) -> datetime | None:
    """The first slot of these accounts after `after` (default: now) that no other post takes.

    A slot is taken when another post of the brand goes to that account at that instant.
    """
    after = after or timezone.now()
    account_ids = {account.pk for account in accounts}
    slots = PostingSlot.objects.filter(account__brand=brand, account_id__in=account_ids)
    occurrences = slot_times(slots=slots, zone=brand.tz, after=after, days=QUEUE_HORIZON_DAYS)
    if not occurrences:
        return None
    taken_posts = Post.objects.filter(
        brand=brand,
        scheduled_at__gt=after,
        scheduled_at__lte=occurrences[-1][0],
        targets__account_id__in=account_ids,
    )
    if exclude is not None:
        taken_posts = taken_posts.exclude(pk=exclude.pk)
    taken = set(taken_posts.values_list("scheduled_at", "targets__account_id"))
    return next((instant for instant, account_id in occurrences if (instant, account_id) not in taken), None)


def post_add_to_queue(*, post: Post, user) -> Post:
    """Schedule the post at the next free slot of its accounts (post_reschedule judges the move)."""
    accounts = [target.account for target in post.targets.select_related("account")]
    if not accounts:
        raise ValidationError(
            {"accounts": _("Choose at least one network account before adding the post to the queue.")}
        )
    instant = next_free_slot(brand=post.brand, accounts=accounts, exclude=post)
    if instant is None:
        raise ValidationError(
            {
                "scheduled_at": _("No free posting slot in the next %(days)d days for these accounts: add slots first.")
                % {"days": QUEUE_HORIZON_DAYS}
            }
        )
    return post_reschedule(post=post, user=user, scheduled_at=instant)


# --- iCal feed links --------------------------------------------------------------------------
def feed_token_create(*, brand: Brand, user, membership) -> FeedToken:
    require(membership, Perm.VIEW)
    return FeedToken.objects.create(brand=brand, created_by=user)


def feed_token_revoke(*, token: FeedToken, user, membership) -> FeedToken:
    """Its creator or a brand owner may revoke a link; a revoked link stays revoked."""
    if token.created_by_id != user.pk and not can(membership, Perm.MANAGE_BRAND):
        raise Forbidden(_("Only the person who made this link or an owner can revoke it."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


# --- CSV import -------------------------------------------------------------------------------
@transaction.atomic
def import_job_start(*, job: ImportJob, user, skip_bad_rows: bool, import_present: bool = False) -> ImportJob:
    """Confirm a previewed import and hand it to a worker once this transaction commits.

    Rows already in the calendar are skipped unless `import_present` says to import them again.
    """
    from calendars.tasks import import_job_run_task  # noqa: PLC0415 — cycle: the task calls this service

    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.PREVIEW:
        raise ValidationError(_("This import has already been started."))
    if job.bad_row_count and not skip_bad_rows:
        raise ValidationError(_("Some rows have problems: fix the file, or choose to skip those rows."))
    if job.bad_row_count == len(job.rows):
        raise ValidationError(_("No row can be imported: every row has a problem."))
    if job.bad_row_count + job.present_row_count == len(job.rows) and not import_present:
        raise ValidationError(
            _("Every row is already in the calendar: nothing to import, unless you choose to import them again.")
        )
    job.status = ImportJob.Status.QUEUED
    job.total = len(job.rows)
    job.import_present = import_present
    job.save(update_fields=["status", "total", "import_present"])
    transaction.on_commit(lambda: import_job_run_task.delay(job.pk))
    return job


def import_job_create(*, brand: Brand, user, membership, file_name: str, raw: bytes) -> ImportJob:
    """Check an uploaded CSV and keep its rows for the preview; no post is created yet."""
    require(membership, Perm.WRITE)
    parsed = parse_upload(raw, brand=brand)
    if not parsed.rows:
        raise ValidationError(_("The file has a header but no rows."))
    return ImportJob.objects.create(
        brand=brand,
        created_by=user,
        file_name=file_name[:255],
        encoding=parsed.encoding,
        delimiter=parsed.delimiter,
        rows=parsed.rows,
        total=len(parsed.rows),
    )


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Create the confirmed rows' posts, each in its own transaction, recording progress as it goes.

    A row is created together with the progress counter that counts it, so the job's figures
    never disagree with the posts that exist. Rows are checked again: time passes and accounts
    change between the preview and the run. A task delivered twice finds the job claimed.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("brand", "created_by").get(pk=job_id)
    with translation.override(job.created_by.language or settings.LANGUAGE_CODE):
        try:
            _import_rows(job)
        except Exception:
            ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, finished_at=timezone.now())
            raise
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE, finished_at=timezone.now())
    job.refresh_from_db()
    return job


def _import_rows(job: ImportJob) -> None:
    context = RowContext.for_brand(job.brand)
    for index, row in enumerate(job.rows):
        with transaction.atomic():
            created = False
            if row["problems"]:
                job.skipped_count += 1
                job.report.append(
                    {
                        "line": row["line"],
                        "message": _("Skipped: %(problems)s") % {"problems": " ".join(row["problems"])},
                    }
                )
            else:
                created = _import_row(job, context, row)
            job.processed = index + 1
            # The counters commit with the post they count; the report (which grows) is written
            # every PROGRESS_EVERY rows and at the end, so a big file is not rewritten per row.
            periodic = job.processed % PROGRESS_EVERY == 0 or job.processed == len(job.rows)
            if created or periodic:
                fields = ["processed", "created_count", "skipped_count", "failed_count", "landed"]
                job.save(update_fields=[*fields, "report"] if periodic else fields)


def _import_row(job: ImportJob, context: RowContext, row: dict) -> bool:
    """Create the row's post; False (and a line in the report) when it is skipped or refused.

    Whether the post is already in the calendar is asked again here, not taken from the preview:
    another import (or a person) may have created it since.
    """
    resolved, problems = context.resolve(row["values"])
    if resolved is not None and not job.import_present:
        present = present_post_id(job.brand, resolved)
        if present is not None:
            job.skipped_count += 1
            job.report.append({"line": row["line"], "message": _("Skipped: this post is already in the calendar.")})
            return False
    if resolved is not None:
        try:
            with transaction.atomic():
                post_create(brand=job.brand, author=job.created_by, content=resolved.content)
        except (ValidationError, PermissionDenied) as error:
            problems = refusal_texts(error)
    if problems or resolved is None:
        job.failed_count += 1
        job.report.append({"line": row["line"], "message": " ".join(problems)})
        return False
    job.created_count += 1
    month = f"{resolved.scheduled_at.astimezone(job.brand.tz):%Y-%m}"
    job.landed[month] = job.landed.get(month, 0) + 1
    return True
