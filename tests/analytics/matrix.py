"""Analytics URLs in the permission matrix (tests/test_permission_matrix.py): every member reads
analytics; managers and owners manage report schedules and share links."""

from tests.matrix import EVERYONE, REVIEWERS, Case

CASES = [
    Case("analytics:dashboard", EVERYONE),
]


def _schedule(brand, people):
    from analytics.models import ReportSchedule

    return {"brand_slug": brand.slug, "pk": ReportSchedule.objects.create(brand=brand, recipients="a@b.example").pk}


def _link(brand, people):
    from datetime import date, timedelta

    from django.utils import timezone

    from analytics.models import ShareLink

    link = ShareLink.objects.create(
        brand=brand,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        expires_at=timezone.now() + timedelta(days=1),
    )
    return {"brand_slug": brand.slug, "pk": link.pk}


CASES += [
    Case("analytics:reports", EVERYONE),
    Case("analytics:report_csv", EVERYONE),
    Case("analytics:report_pdf", EVERYONE),
    Case(
        "analytics:schedule_create",
        REVIEWERS,
        method="post",
        data=lambda b, p: {"every": "month", "language": "fr", "recipients": "boss@example.com"},
    ),
    Case("analytics:schedule_delete", REVIEWERS, kwargs=_schedule, method="post"),
    Case("analytics:share_create", REVIEWERS, method="post", data=lambda b, p: {"days": 7, "language": "fr"}),
    Case("analytics:share_revoke", REVIEWERS, kwargs=_link, method="post"),
]
