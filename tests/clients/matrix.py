"""The owner's client-review pages in the permission matrix (the client's pages by link are
tested in test_review_link.py: they name no brand and take no session)."""

from datetime import timedelta

from django.utils import timezone

from clients.models import ClientReviewer
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
