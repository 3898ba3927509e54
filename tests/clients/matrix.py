"""The owner's client-review pages in the permission matrix (the client's pages by link are
tested in test_review_link.py: they name no brand and take no session)."""

from datetime import timedelta

from django.utils import timezone

from clients.models import CalendarPreview, ClientReviewer
from tests.matrix import OWNERS, Case


def _reviewer(brand, people):
    reviewer = ClientReviewer.objects.create(
        brand=brand, name="Claire", email="claire@client.example", expires_at=timezone.now() + timedelta(days=30)
    )
    return {"brand_slug": brand.slug, "pk": reviewer.pk}


CASES = [
    Case("clients:reviewers", OWNERS),
    Case("clients:reviewers", OWNERS, method="post", data=lambda b, p: {"name": "C", "email": "c@client.example"}),
    Case("clients:reviewer_revoke", OWNERS, kwargs=_reviewer, method="post"),
    Case("clients:reviewer_remove", OWNERS, kwargs=_reviewer, method="post"),
    Case("clients:audit_export", OWNERS),
]


def _preview(brand, people):
    preview = CalendarPreview.objects.create(
        brand=brand, name="Client", nonce_hash="0" * 64, expires_at=timezone.now() + timedelta(days=30)
    )
    return {"brand_slug": brand.slug, "pk": preview.pk}


CASES += [
    Case("clients:previews", OWNERS),
    Case("clients:previews", OWNERS, method="post", data=lambda b, p: {"name": "Client", "days": "7"}),
    Case("clients:preview_revoke", OWNERS, kwargs=_preview, method="post"),
]
