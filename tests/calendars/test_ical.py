"""The iCal feed: a secret, revocable, read-only URL whose times a real iCalendar parser reads right."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from calendars.models import FeedToken
from tests.calendars.factories import FeedTokenFactory

PARIS = ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def _feed_url(token):
    return reverse("calendars:ical_feed", kwargs={"token": token.token})


def _events_by_uid(content: bytes) -> dict[str, icalendar.cal.Component]:
    calendar = icalendar.Calendar.from_ical(content)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_feed_gives_the_right_instants_across_the_march_dst_change(client, brand_a, editor, make_post):
    year = timezone.now().year + 1
    before = make_post(at=datetime(year, 3, 1, 9, 0, tzinfo=PARIS), text="Before the change")
    after = make_post(at=datetime(year, 4, 5, 9, 0, tzinfo=PARIS), text="After the change")
    token = FeedTokenFactory(brand=brand_a, created_by=editor)
    response = client.get(_feed_url(token))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = {str(e["summary"]).split(" [")[0]: e for e in _events_by_uid(response.content).values()}
    start_before = events["Before the change"].decoded("dtstart")
    start_after = events["After the change"].decoded("dtstart")
    assert start_before == before.scheduled_at == datetime(year, 3, 1, 8, 0, tzinfo=UTC)
    assert start_after == after.scheduled_at == datetime(year, 4, 5, 7, 0, tzinfo=UTC)
    # Both are 09:00 on a Paris wall clock, as the brand planned them.
    assert {start_before.astimezone(PARIS).hour, start_after.astimezone(PARIS).hour} == {9}
    assert b"DTSTART:%d0301T080000Z" % year in response.content


def test_feed_lists_only_its_brands_posts_and_links_to_them(client, brand_a, brand_b, editor, outsider, make_post):
    post = make_post()
    FeedTokenFactory(brand=brand_b, created_by=outsider)
    token = FeedTokenFactory(brand=brand_a, created_by=editor)
    events = _events_by_uid(client.get(_feed_url(token)).content)
    assert len(events) == 1
    [event] = events.values()
    assert str(event["uid"]).startswith(f"post-{post.pk}@")
    assert str(event["url"]).endswith(reverse("posts:detail", kwargs={"brand_slug": brand_a.slug, "pk": post.pk}))


def test_a_revoked_token_is_404(client, brand_a, editor):
    token = FeedTokenFactory(brand=brand_a, created_by=editor)
    client.force_login(editor)
    revoke = reverse("calendars:feed_revoke", kwargs={"brand_slug": brand_a.slug, "pk": token.pk})
    assert client.post(revoke).status_code == 302
    client.logout()
    assert client.get(_feed_url(token)).status_code == 404


def test_an_unknown_token_is_404(client):
    assert client.get(reverse("calendars:ical_feed", kwargs={"token": "nope"})).status_code == 404


def test_a_link_dies_when_its_maker_leaves_the_brand(client, brand_a, editor):
    token = FeedTokenFactory(brand=brand_a, created_by=editor)
    Membership.objects.filter(user=editor, brand=brand_a).delete()
    assert client.get(_feed_url(token)).status_code == 404


def test_someone_elses_link_cannot_be_revoked_by_an_editor(client, brand_a, editor, viewer):
    token = FeedTokenFactory(brand=brand_a, created_by=viewer)
    client.force_login(editor)
    revoke = reverse("calendars:feed_revoke", kwargs={"brand_slug": brand_a.slug, "pk": token.pk})
    assert client.post(revoke).status_code == 403
    token.refresh_from_db()
    assert token.is_active


def test_member_makes_a_link_and_sees_only_their_own(client, brand_a, editor, viewer):
    FeedTokenFactory(brand=brand_a, created_by=viewer)
    client.force_login(editor)
    url = reverse("calendars:feeds", kwargs={"brand_slug": brand_a.slug})
    client.post(url)
    mine = FeedToken.objects.get(created_by=editor)
    page = client.get(url).content.decode()
    assert mine.token in page
    assert FeedToken.objects.get(created_by=viewer).token not in page


def test_the_feed_is_read_only(client, brand_a, editor):
    token = FeedTokenFactory(brand=brand_a, created_by=editor)
    assert client.post(_feed_url(token)).status_code == 405
