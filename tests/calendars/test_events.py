"""The events endpoint: the visible range only, the user's brand only, the filters, and a fixed
number of queries however many posts a month holds."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calendars.selectors import INSTANT, instant_range
from posts.models import PostMedia, PostState, TargetState
from tests.calendars.factories import CampaignFactory
from tests.factories import NetworkAccountFactory, PostFactory, PostTargetFactory

PARIS = ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def _events(client, brand, start, end, **filters):
    url = reverse("calendars:events", kwargs={"brand_slug": brand.slug})
    response = client.get(url, {"start": start.isoformat(), "end": end.isoformat(), **filters})
    assert response.status_code == 200, response.content
    return response.json()


def _post_ids(events):
    return {int(e["id"]) for e in events if e.get("display") != "background"}


@pytest.fixture
def future_month():
    """A window that starts next month so every post in it is in the future."""
    first = (
        datetime.now(PARIS).replace(day=1, hour=0, minute=0, second=0, microsecond=0) + timedelta(days=40)
    ).replace(day=1)
    return first, first + timedelta(days=35)


def test_only_posts_in_the_visible_range_are_returned(client, editor, brand_a, make_post, future_month):
    start, end = future_month
    inside = make_post(at=start + timedelta(days=3, hours=9))
    make_post(at=start - timedelta(hours=1))
    make_post(at=end + timedelta(hours=1))
    client.force_login(editor)
    assert _post_ids(_events(client, brand_a, start, end)) == {inside.pk}


def test_another_brands_posts_never_appear(client, editor, brand_a, brand_b, make_post, future_month):
    start, end = future_month
    mine = make_post(at=start + timedelta(days=2))
    other = PostFactory(brand=brand_b, scheduled_at=start + timedelta(days=2))
    PostTargetFactory(post=other)
    client.force_login(editor)
    assert _post_ids(_events(client, brand_a, start, end)) == {mine.pk}


def test_another_brands_events_url_is_404(client, outsider, brand_a, future_month):
    start, end = future_month
    client.force_login(outsider)
    url = reverse("calendars:events", kwargs={"brand_slug": brand_a.slug})
    assert client.get(url, {"start": start.isoformat(), "end": end.isoformat()}).status_code == 404


def test_event_carries_time_with_brand_offset_status_networks_and_campaign(client, editor, brand_a, make_post):
    summer = datetime(datetime.now().year + 1, 7, 14, 9, 30, tzinfo=PARIS)
    campaign = CampaignFactory(brand=brand_a, name="Summer", colour="#ff8800")
    post = make_post(at=summer, campaign=campaign, state=PostState.APPROVED)
    client.force_login(editor)
    [event] = [
        e
        for e in _events(client, brand_a, summer - timedelta(days=1), summer + timedelta(days=1))
        if e["id"] == str(post.pk)
    ]
    assert event["start"] == f"{summer.year}-07-14T09:30:00+02:00"
    assert event["extendedProps"]["status"] == "approved"
    assert event["extendedProps"]["networks"] == [
        {"id": post.targets.get().account_id, "icon": "bi-megaphone", "name": "Brand A on Mastodon"}
    ]
    assert event["extendedProps"]["campaign"] == {"name": "Summer", "colour": "#ff8800"}
    assert event["borderColor"] == "#ff8800"
    assert event["url"] == reverse("posts:detail", kwargs={"brand_slug": brand_a.slug, "pk": post.pk})
    assert "cm-status-approved" in event["classNames"]


def test_start_carries_the_offset_in_force_on_each_side_of_a_dst_change(client, editor, brand_a, make_post):
    year = datetime.now().year + 1
    utc = ZoneInfo("UTC")
    # Paris, last Sunday of October: 03:00 (+02:00) becomes 02:00 (+01:00) at 01:00 UTC, so 02:30
    # happens twice; the March change skips 02:00-03:00 at 01:00 UTC.
    october = datetime(year, 10, 31, tzinfo=utc) - timedelta(days=(datetime(year, 10, 31).weekday() + 1) % 7)
    march = datetime(year, 3, 31, tzinfo=utc) - timedelta(days=(datetime(year, 3, 31).weekday() + 1) % 7)
    moments = {
        october + timedelta(minutes=30): f"{october:%Y-%m-%d}T02:30:00+02:00",
        october + timedelta(hours=1, minutes=30): f"{october:%Y-%m-%d}T02:30:00+01:00",
        march + timedelta(minutes=59, seconds=59, microseconds=250000): f"{march:%Y-%m-%d}T01:59:59.250000+01:00",
        march + timedelta(hours=1): f"{march:%Y-%m-%d}T03:00:00+02:00",
    }
    posts = {make_post(at=moment).pk: expected for moment, expected in moments.items()}
    client.force_login(editor)
    starts = {}
    for day in (march, october):
        for event in _events(client, brand_a, day - timedelta(days=1), day + timedelta(days=1)):
            if event.get("display") != "background":
                starts[int(event["id"])] = event["start"]
    assert starts == posts


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/New_York", "Pacific/Auckland"])
def test_a_post_after_2300_ends_on_its_own_day_in_the_brands_zone(client, editor, brand_a, make_post, zone):
    """FullCalendar gives an event without an end an hour: a 23:30 post then showed on two days.
    Its event lasts a minute, and never past the brand's midnight."""
    brand_a.time_zone = zone
    brand_a.save()
    tz = ZoneInfo(zone)
    day = datetime(datetime.now().year + 1, 3, 13, tzinfo=tz)
    late = make_post(at=day.replace(hour=23, minute=30))
    last_second = make_post(at=day.replace(hour=23, minute=59, second=30))
    client.force_login(editor)
    events = {e["id"]: e for e in _events(client, brand_a, day, day + timedelta(days=1))}
    assert events[str(late.pk)]["start"].startswith(f"{day:%Y-%m-%d}T23:30:00")
    assert events[str(late.pk)]["end"].startswith(f"{day:%Y-%m-%d}T23:31:00")
    assert events[str(last_second.pk)]["end"].startswith(f"{day + timedelta(days=1):%Y-%m-%d}T00:00:00")
    for post in (late, last_second):
        start = datetime.fromisoformat(events[str(post.pk)]["start"])
        end = datetime.fromisoformat(events[str(post.pk)]["end"])
        assert start == post.scheduled_at
        assert start < end <= start + INSTANT
        assert end.utcoffset() == end.astimezone(tz).utcoffset()  # the offset in force in the zone


def test_an_instant_lasts_a_real_minute_across_a_dst_change():
    paris = ZoneInfo("Europe/Paris")
    year = datetime.now().year + 1
    march = datetime(year, 3, 31, tzinfo=ZoneInfo("UTC")) - timedelta(days=(datetime(year, 3, 31).weekday() + 1) % 7)
    # 01:59:30 +01:00, then the clocks jump to 03:00 +02:00: the minute ends at 03:00:30 +02:00.
    start, end = instant_range(march + timedelta(minutes=59, seconds=30), paris)
    assert (start, end) == (f"{march:%Y-%m-%d}T01:59:30+01:00", f"{march:%Y-%m-%d}T03:00:30+02:00")


def test_published_post_is_not_draggable(client, manager, brand_a, make_post, future_month):
    start, end = future_month
    post = make_post(at=start + timedelta(days=1))
    post.targets.update(state=TargetState.PUBLISHED)
    client.force_login(manager)
    [event] = [e for e in _events(client, brand_a, start, end) if e["id"] == str(post.pk)]
    assert event["extendedProps"]["status"] == "published"
    assert event["editable"] is False


def test_viewer_gets_events_none_draggable(client, viewer, brand_a, make_post, future_month):
    start, end = future_month
    make_post(at=start + timedelta(days=1))
    client.force_login(viewer)
    assert [e["editable"] for e in _events(client, brand_a, start, end) if e.get("display") != "background"] == [False]


def test_campaign_is_a_background_band_with_exclusive_end(client, editor, brand_a, future_month):
    start, end = future_month
    campaign = CampaignFactory(
        brand=brand_a, starts_on=(start + timedelta(days=2)).date(), ends_on=(start + timedelta(days=4)).date()
    )
    client.force_login(editor)
    [band] = [e for e in _events(client, brand_a, start, end) if e.get("display") == "background"]
    assert band["id"] == f"campaign-{campaign.pk}"
    assert band["start"] == campaign.starts_on.isoformat()
    assert band["end"] == (campaign.ends_on + timedelta(days=1)).isoformat()
    assert band["color"] == campaign.colour


def test_filters_by_account_status_campaign_and_author(
    client, editor, manager, brand_a, account, make_post, future_month
):
    start, end = future_month
    other_account = NetworkAccountFactory(brand=brand_a)
    campaign = CampaignFactory(brand=brand_a)
    on_other = make_post(at=start + timedelta(days=1), accounts=[other_account])
    approved = make_post(at=start + timedelta(days=2), state=PostState.APPROVED)
    in_campaign = make_post(at=start + timedelta(days=3), campaign=campaign)
    by_manager = make_post(at=start + timedelta(days=4), author=manager)
    client.force_login(editor)
    assert _post_ids(_events(client, brand_a, start, end, account=other_account.pk)) == {on_other.pk}
    assert _post_ids(_events(client, brand_a, start, end, status="approved")) == {approved.pk}
    assert _post_ids(_events(client, brand_a, start, end, campaign=campaign.pk)) == {in_campaign.pk}
    assert _post_ids(_events(client, brand_a, start, end, author=manager.pk)) == {by_manager.pk}


def test_a_bad_or_too_wide_range_is_refused(client, editor, brand_a):
    client.force_login(editor)
    url = reverse("calendars:events", kwargs={"brand_slug": brand_a.slug})
    assert client.get(url, {"start": "yesterday", "end": "2030-01-01"}).status_code == 400
    assert client.get(url, {"start": "2030-01-01", "end": "2030-06-01"}).status_code == 400


def _fill_month(brand, accounts, start, count):
    for i in range(count):
        post = PostFactory(brand=brand, scheduled_at=start + timedelta(minutes=20 * i), campaign=None)
        PostTargetFactory(post=post, account=accounts[i % len(accounts)])
        PostTargetFactory(post=post, account=accounts[(i + 1) % len(accounts)])


def _query_count(client, brand, start, end) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        events = _events(client, brand, start, end)
    return len(queries), len(_post_ids(events))


def test_query_count_does_not_grow_with_the_number_of_posts(client, editor, brand_a, future_month):
    start, end = future_month
    accounts = [NetworkAccountFactory(brand=brand_a) for _ in range(5)]
    client.force_login(editor)
    _events(client, brand_a, start, end)  # the first visit remembers the brand in the session
    _fill_month(brand_a, accounts, start, 10)
    few_queries, few = _query_count(client, brand_a, start, end)
    _fill_month(brand_a, accounts, start + timedelta(days=5), 190)
    many_queries, many = _query_count(client, brand_a, start, end)
    assert (few, many) == (10, 200)
    # session, user, membership, accounts, campaigns, posts, targets, thumbnails: 8, whatever the
    # number of posts (the session is not rewritten when the brand did not change).
    assert many_queries == few_queries <= 8


def test_thumbnail_of_the_first_media_is_sent(client, editor, brand_a, make_post, future_month):
    from posts.models import Media

    start, end = future_month
    post = make_post(at=start + timedelta(days=1))
    media = Media.objects.create(
        brand=brand_a, file="media/a.png", thumbnail="thumbs/a.jpg", content_type="image/png", original_name="a.png"
    )
    PostMedia.objects.create(post=post, media=media, position=0)
    client.force_login(editor)
    [event] = [e for e in _events(client, brand_a, start, end) if e["id"] == str(post.pk)]
    assert event["extendedProps"]["thumbnail"].endswith("thumbs/a.jpg")


@pytest.mark.parametrize("role", ["editor", "manager"])
def test_status_and_draggability_match_the_posts_rules_on_real_posts(
    client, people, brand_a, make_post, future_month, role
):
    """The endpoint reads plain rows for speed; its answers must equal posts' own rules."""
    from accounts.models import Membership
    from posts import workflow
    from posts.models import Post

    start, end = future_month
    second = NetworkAccountFactory(brand=brand_a)
    kinds = [
        (PostState.DRAFT, [TargetState.PENDING, TargetState.PENDING]),
        (PostState.IN_REVIEW, [TargetState.PENDING, TargetState.PENDING]),
        (PostState.APPROVED, [TargetState.PENDING, TargetState.PENDING]),
        (PostState.APPROVED, [TargetState.PUBLISHED, TargetState.PUBLISHED]),
        (PostState.APPROVED, [TargetState.PUBLISHED, TargetState.FAILED]),
        (PostState.APPROVED, [TargetState.FAILED, TargetState.PENDING]),
        (PostState.APPROVED, [TargetState.NEEDS_CHECKING, TargetState.PENDING]),
        (PostState.APPROVED, [TargetState.CANCELLED, TargetState.PUBLISHED]),
    ]
    for day, (state, target_states) in enumerate(kinds):
        post = make_post(at=start + timedelta(days=day + 1), state=state)
        PostTargetFactory(post=post, account=second)
        for target, target_state in zip(post.targets.order_by("pk"), target_states, strict=True):
            target.state = target_state
            target.save()
    client.force_login(people[role])
    membership = Membership.objects.get(user=people[role], brand=brand_a)
    events = {int(e["id"]): e for e in _events(client, brand_a, start, end) if e.get("display") != "background"}
    for post in Post.objects.filter(pk__in=events).prefetch_related("targets"):
        assert events[post.pk]["extendedProps"]["status"] == post.display_status
        assert events[post.pk]["editable"] == workflow.may_move(post, membership)
    assert len({e["extendedProps"]["status"] for e in events.values()}) >= 6
