"""The calendar's brand URLs in the permission matrix (tests/test_permission_matrix.py)."""

from datetime import timedelta

from django.utils import timezone

from calendars.models import ImportJob
from tests.calendars.factories import CampaignFactory, FeedTokenFactory, PostingSlotFactory
from tests.factories import NetworkAccountFactory, PostFactory, PostTargetFactory
from tests.matrix import EVERYONE, REVIEWERS, WRITERS, Case


def _brand(brand, people):
    return {"brand_slug": brand.slug}


def _draft(brand, people):
    post = PostFactory(brand=brand, author=people["editor"])
    PostTargetFactory(post=post)
    return {"brand_slug": brand.slug, "pk": post.pk}


def _unscheduled_draft(brand, people):
    post = PostFactory(brand=brand, author=people["editor"], scheduled_at=None)
    target = PostTargetFactory(post=post)
    PostingSlotFactory(account=target.account, weekday=timezone.localdate().weekday())
    return {"brand_slug": brand.slug, "pk": post.pk}


def _in_a_day(brand, people):
    return {"start": (timezone.now() + timedelta(days=1)).isoformat()}


def _campaign(brand, people):
    return {"brand_slug": brand.slug, "pk": CampaignFactory(brand=brand).pk}


def _slot(brand, people):
    return {"brand_slug": brand.slug, "pk": PostingSlotFactory(account=NetworkAccountFactory(brand=brand)).pk}


def _slot_data(brand, people):
    return {"account": NetworkAccountFactory(brand=brand).pk, "weekday": 2, "local_time": "10:30"}


def _own_feed(brand, people):
    """Each role revokes a link it made itself (revoking someone else's is tested apart)."""
    return {"brand_slug": brand.slug, "pk": FeedTokenFactory(brand=brand, created_by=people["viewer"]).pk}


def _job(brand, people):
    row = {"line": 2, "values": {}, "problems": ["x"], "notes": []}
    job = ImportJob.objects.create(
        brand=brand,
        created_by=people["editor"],
        file_name="a.csv",
        encoding="utf-8",
        delimiter=",",
        rows=[row],
        total=1,
    )
    return {"brand_slug": brand.slug, "pk": job.pk}


def _range(brand, people):
    now = timezone.now()
    return {"start": now.date().isoformat(), "end": (now + timedelta(days=7)).date().isoformat()}


CASES = [
    Case("calendars:calendar", EVERYONE),
    Case("calendars:events", EVERYONE, data=_range),
    Case("calendars:post_move", WRITERS, kwargs=_draft, method="post", data=_in_a_day),
    Case("calendars:post_queue", WRITERS, kwargs=_unscheduled_draft, method="post"),
    Case("calendars:campaigns", EVERYONE),
    Case("calendars:campaign_create", WRITERS),
    Case(
        "calendars:campaign_create", WRITERS, method="post", data=lambda b, p: {"name": "Launch", "colour": "#112233"}
    ),
    Case("calendars:campaign_edit", WRITERS, kwargs=_campaign),
    Case("calendars:campaign_delete", WRITERS, kwargs=_campaign, method="post"),
    Case("calendars:slots", EVERYONE),
    Case("calendars:slots", REVIEWERS, method="post", data=_slot_data),
    Case("calendars:slot_delete", REVIEWERS, kwargs=_slot, method="post"),
    Case("calendars:feeds", EVERYONE),
    Case("calendars:feeds", EVERYONE, method="post"),
    Case("calendars:feed_revoke", frozenset({"viewer", "owner"}), kwargs=_own_feed, method="post"),
    Case("calendars:import_upload", WRITERS),
    Case("calendars:import_template", WRITERS),
    Case("calendars:import_job", WRITERS, kwargs=_job),
    Case("calendars:import_start", WRITERS, kwargs=_job, method="post", data=lambda b, p: {"skip_bad_rows": "on"}),
    Case("calendars:import_progress", WRITERS, kwargs=_job),
    Case("calendars:export", EVERYONE, data=_range),
]
