"""The calendar in real Chromium: FullCalendar served by the app, fed by the events endpoint."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from posts.models import Post, TargetState
from tests.factories import NetworkAccountFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PARIS = ZoneInfo("Europe/Paris")


def _month_ahead() -> date:
    """The first day of a month wholly in the future (so every drop target is to come)."""
    today = timezone.now().astimezone(PARIS).date()
    return (today.replace(day=1) + timedelta(days=40)).replace(day=1)


def _open(page, live_server, brand, view="dayGridMonth", day=None, **query):
    params = "&".join(
        [f"view={view}", f"date={(day or _month_ahead()).isoformat()}"] + [f"{k}={v}" for k, v in query.items()]
    )
    page.goto(f"{live_server.url}{reverse('calendars:calendar', kwargs={'brand_slug': brand.slug})}?{params}")
    expect(page.locator(".fc")).to_be_visible()


def _at(day: int, hour=9, minute=0) -> datetime:
    return datetime.combine(_month_ahead().replace(day=day), time(hour, minute), tzinfo=PARIS)


def _drag(page, event, cell):
    """FullCalendar drags on pointer events: press, move in steps, release."""
    start, end = event.bounding_box(), cell.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 5, start["y"] + start["height"] / 2 + 5, steps=3)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=15)
    page.mouse.up()


def _cell(page, day: int):
    return page.locator(f'td.fc-daygrid-day[data-date="{_month_ahead().replace(day=day).isoformat()}"]')


def test_month_view_shows_posts_with_status_and_network(sign_in, live_server, editor, brand_a, make_post):
    make_post(at=_at(10), text="Launch teaser")
    page = sign_in(editor)
    _open(page, live_server, brand_a)
    event = _cell(page, 10).locator(".fc-event", has_text="Launch teaser")
    expect(event).to_be_visible()
    expect(event).to_have_attribute("data-status", "draft")
    expect(event.locator(".bi-megaphone")).to_have_count(1)
    expect(event).to_contain_text("09:00")


def test_dragging_a_post_to_another_day_persists_after_reload(sign_in, live_server, editor, brand_a, make_post):
    post = make_post(at=_at(10, 9, 30), text="Move me")
    page = sign_in(editor)
    _open(page, live_server, brand_a)
    _drag(page, _cell(page, 10).locator(".fc-event", has_text="Move me"), _cell(page, 17))
    expect(page.locator("#calendar-message")).to_contain_text("Post moved")
    page.reload()
    expect(_cell(page, 17).locator(".fc-event", has_text="Move me")).to_be_visible()
    expect(_cell(page, 10).locator(".fc-event", has_text="Move me")).to_have_count(0)
    post.refresh_from_db()
    assert post.scheduled_at == _at(17, 9, 30)


def test_a_refused_drag_snaps_back_with_the_reason(sign_in, live_server, editor, brand_a, make_post):
    post = make_post(at=_at(10), text="Going out")
    page = sign_in(editor)
    _open(page, live_server, brand_a)
    event = _cell(page, 10).locator(".fc-event", has_text="Going out")
    expect(event).to_be_visible()
    post.targets.update(state=TargetState.PUBLISHED)  # published while the page was open
    _drag(page, event, _cell(page, 17))
    expect(page.locator("#calendar-message")).to_contain_text("not moved")
    expect(page.locator("#calendar-message")).to_contain_text("published")
    expect(_cell(page, 10).locator(".fc-event", has_text="Going out")).to_be_visible()
    expect(_cell(page, 17).locator(".fc-event", has_text="Going out")).to_have_count(0)
    assert Post.objects.get(pk=post.pk).scheduled_at == _at(10)


def test_a_viewer_cannot_drag(sign_in, live_server, viewer, brand_a, make_post):
    post = make_post(at=_at(10), text="Read only")
    page = sign_in(viewer)
    _open(page, live_server, brand_a)
    _drag(page, _cell(page, 10).locator(".fc-event", has_text="Read only"), _cell(page, 17))
    page.reload()
    expect(_cell(page, 10).locator(".fc-event", has_text="Read only")).to_be_visible()
    assert Post.objects.get(pk=post.pk).scheduled_at == _at(10)


def test_filter_by_network_account_is_kept_in_the_url(sign_in, live_server, editor, brand_a, account, make_post):
    other = NetworkAccountFactory(brand=brand_a, display_name="Other account")
    make_post(at=_at(10), text="On Mastodon", accounts=[account])
    make_post(at=_at(11), text="On the other", accounts=[other])
    page = sign_in(editor)
    _open(page, live_server, brand_a)
    expect(page.locator(".fc-event", has_text="On the other")).to_be_visible()
    page.get_by_role("button", name="Filters").click()
    page.get_by_label("Network accounts").select_option(label="Other account (Fake network)")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(rf"account={other.pk}"))
    expect(page.locator(".fc-event", has_text="On the other")).to_be_visible()
    expect(page.locator(".fc-event", has_text="On Mastodon")).to_have_count(0)
    page.reload()  # the filter and the month survive a reload
    expect(page.locator(".fc-event", has_text="On Mastodon")).to_have_count(0)
    expect(page.locator(".fc-event", has_text="On the other")).to_be_visible()


def test_week_view_places_the_post_at_its_brand_time(sign_in, live_server, editor, brand_a, make_post):
    make_post(at=_at(10, 14, 15), text="Afternoon post")
    page = sign_in(editor)
    _open(page, live_server, brand_a, day=_month_ahead().replace(day=10))
    page.get_by_role("button", name="week").click()
    event = page.locator(".fc-timegrid-event", has_text="Afternoon post")
    expect(event).to_be_visible()
    expect(event).to_contain_text("14:15")
    expect(page).to_have_url(re.compile("view=timeGridWeek"))


def test_list_view_lists_the_months_posts(sign_in, live_server, editor, brand_a, make_post):
    make_post(at=_at(3), text="First of the month")
    make_post(at=_at(20), text="Later in the month")
    page = sign_in(editor)
    _open(page, live_server, brand_a)
    page.get_by_role("button", name="list").click()
    expect(page.locator(".fc-list-event")).to_have_count(2)
    expect(page.locator(".fc-list-event").first).to_contain_text("First of the month")


def test_clicking_an_empty_slot_starts_a_post_at_that_time(sign_in, live_server, editor, brand_a):
    page = sign_in(editor)
    _open(page, live_server, brand_a)
    _cell(page, 12).locator(".fc-daygrid-day-frame").click(position={"x": 10, "y": 60})
    expect(page).to_have_url(re.compile(rf"/posts/new/\?at={_month_ahead().replace(day=12).isoformat()}T09(%3A|:)00"))


def test_french_calendar_uses_fullcalendars_french_locale(sign_in, live_server, editor, brand_a):
    editor.language = "fr"
    editor.save()
    page = sign_in(editor)
    _open(page, live_server, brand_a)
    expect(page.get_by_role("button", name="Mois")).to_be_visible()
    expect(page.locator(".fc-col-header-cell").first).to_contain_text("lun.")


def test_on_a_phone_the_list_comes_first(sign_in, live_server, editor, brand_a, make_post):
    make_post(at=timezone.now(), text="Soon on a phone")  # now: always in the month shown
    page = sign_in(editor)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}{reverse('calendars:calendar', kwargs={'brand_slug': brand_a.slug})}")
    expect(page.locator(".fc-list-event", has_text="Soon on a phone")).to_be_visible()
    expect(page).to_have_url(re.compile("view=listMonth"))
