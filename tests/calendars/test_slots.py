"""Posting slots: wall times in the brand's zone, so a 09:00 slot stays 09:00 across DST."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from calendars.models import PostingSlot, Weekday
from calendars.services import next_free_slot, slot_instant
from tests.calendars.factories import PostingSlotFactory
from tests.factories import NetworkAccountFactory

PARIS = ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def test_slot_keeps_its_local_time_across_the_end_of_march_change(brand_a, account):
    # 2027: clocks go forward on Sunday 28 March. Slots on Saturday and Monday at 09:00.
    PostingSlotFactory(account=account, weekday=Weekday.SATURDAY, local_time=time(9, 0))
    PostingSlotFactory(account=account, weekday=Weekday.MONDAY, local_time=time(9, 0))
    friday = datetime(2027, 3, 26, 12, 0, tzinfo=UTC)
    saturday = next_free_slot(brand=brand_a, accounts=[account], after=friday)
    monday = next_free_slot(brand=brand_a, accounts=[account], after=saturday)
    assert saturday == datetime(2027, 3, 27, 8, 0, tzinfo=UTC)  # 09:00 CET (+01:00)
    assert monday == datetime(2027, 3, 29, 7, 0, tzinfo=UTC)  # 09:00 CEST (+02:00)
    assert {saturday.astimezone(PARIS).time(), monday.astimezone(PARIS).time()} == {time(9, 0)}


def test_slot_keeps_its_local_time_across_the_end_of_october_change(brand_a, account):
    # 2027: clocks go back on Sunday 31 October.
    PostingSlotFactory(account=account, weekday=Weekday.SATURDAY, local_time=time(9, 0))
    PostingSlotFactory(account=account, weekday=Weekday.MONDAY, local_time=time(9, 0))
    saturday = next_free_slot(brand=brand_a, accounts=[account], after=datetime(2027, 10, 29, tzinfo=UTC))
    monday = next_free_slot(brand=brand_a, accounts=[account], after=saturday)
    assert saturday == datetime(2027, 10, 30, 7, 0, tzinfo=UTC)  # +02:00
    assert monday == datetime(2027, 11, 1, 8, 0, tzinfo=UTC)  # +01:00


def test_a_slot_in_the_spring_gap_is_skipped_that_day_and_doubled_hour_takes_the_first():
    assert slot_instant(datetime(2027, 3, 28).date(), time(2, 30), PARIS) is None
    assert slot_instant(datetime(2027, 10, 31).date(), time(2, 30), PARIS) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


def test_a_taken_slot_is_skipped(brand_a, account, make_post):
    PostingSlotFactory(account=account, weekday=Weekday.MONDAY, local_time=time(9, 0))
    PostingSlotFactory(account=account, weekday=Weekday.MONDAY, local_time=time(14, 0))
    after = datetime(2030, 1, 5, tzinfo=UTC)  # a Saturday
    make_post(at=datetime(2030, 1, 7, 9, 0, tzinfo=PARIS), accounts=[account])
    assert next_free_slot(brand=brand_a, accounts=[account], after=after) == datetime(2030, 1, 7, 14, 0, tzinfo=PARIS)


def test_a_slot_taken_on_another_account_is_still_free(brand_a, account, make_post):
    other = NetworkAccountFactory(brand=brand_a)
    PostingSlotFactory(account=account, weekday=Weekday.MONDAY, local_time=time(9, 0))
    make_post(at=datetime(2030, 1, 7, 9, 0, tzinfo=PARIS), accounts=[other])
    assert next_free_slot(brand=brand_a, accounts=[account], after=datetime(2030, 1, 5, tzinfo=UTC)) == datetime(
        2030, 1, 7, 9, 0, tzinfo=PARIS
    )


def test_another_brands_slots_are_ignored(brand_a, brand_b, account):
    PostingSlotFactory(account=NetworkAccountFactory(brand=brand_b))
    assert next_free_slot(brand=brand_a, accounts=[account]) is None


def test_add_to_queue_schedules_the_post_at_the_next_free_slot(client, editor, brand_a, account, make_post):
    post = make_post(at=None)
    post.scheduled_at = None
    post.save()
    tomorrow = timezone.now().astimezone(PARIS).date() + timedelta(days=1)
    PostingSlotFactory(account=account, weekday=tomorrow.weekday(), local_time=time(10, 15))
    client.force_login(editor)
    url = reverse("calendars:post_queue", kwargs={"brand_slug": brand_a.slug, "pk": post.pk})
    response = client.post(url, follow=True)
    post.refresh_from_db()
    assert post.scheduled_at == datetime.combine(tomorrow, time(10, 15), tzinfo=PARIS)
    assert "queued" in response.content.decode()


def test_add_to_queue_without_slots_says_so(client, editor, brand_a, make_post):
    post = make_post()
    client.force_login(editor)
    url = reverse("calendars:post_queue", kwargs={"brand_slug": brand_a.slug, "pk": post.pk})
    response = client.post(url, follow=True)
    assert "No free posting slot" in response.content.decode()


def test_manager_adds_a_slot_and_a_duplicate_is_refused(client, manager, brand_a, account):
    client.force_login(manager)
    url = reverse("calendars:slots", kwargs={"brand_slug": brand_a.slug})
    data = {"account": account.pk, "weekday": Weekday.TUESDAY, "local_time": "09:00"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 200
    assert PostingSlot.objects.filter(account=account).count() == 1
    assert "already exists" in str(response.context["form"].errors)


def test_a_slot_on_another_brands_account_is_refused(client, manager, brand_a, brand_b):
    client.force_login(manager)
    url = reverse("calendars:slots", kwargs={"brand_slug": brand_a.slug})
    foreign = NetworkAccountFactory(brand=brand_b)
    client.post(url, {"account": foreign.pk, "weekday": 1, "local_time": "09:00"})
    assert not PostingSlot.objects.exists()
