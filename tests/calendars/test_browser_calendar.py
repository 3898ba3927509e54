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


# --- Days and screens: fixed dates and a pinned browser clock, whatever the time of the run -----
# Thursday 13 March 2031 (its week runs from Monday 10 to Sunday 16), seen on Wednesday 12 at 10:00.
THURSDAY = date(2031, 3, 13)
TODAY = datetime(2031, 3, 12, 10, 0, tzinfo=PARIS)


def _in_french(user):
    user.language = "fr"
    user.save()


def _pinned(page):
    """The browser's clock on TODAY: "today", the month a bare calendar opens on, stay fixed."""
    page.clock.set_fixed_time(TODAY)
    return page


def _calendar_url(live_server, brand, **query):
    url = f"{live_server.url}{reverse('calendars:calendar', kwargs={'brand_slug': brand.slug})}"
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


def _inside(inner, outer) -> bool:
    a, b = inner.bounding_box(), outer.bounding_box()
    return b["x"] - 1 <= a["x"] and a["x"] + a["width"] <= b["x"] + b["width"] + 1


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/New_York"])
def test_a_post_at_2330_shows_once_on_its_own_day_in_month_week_and_list(
    sign_in, live_server, editor, brand_a, make_post, zone
):
    """The browser is in Paris; the calendar shows the brand's zone (New York: 05:30 the next
    morning in Paris). Before the fix the event lasted an hour and ran into the next day."""
    brand_a.time_zone = zone
    brand_a.save()
    _in_french(editor)
    make_post(at=datetime.combine(THURSDAY, time(23, 30), tzinfo=ZoneInfo(zone)), text="Annonce de fin de soirée")
    page = _pinned(sign_in(editor))
    page.goto(_calendar_url(live_server, brand_a, view="dayGridMonth", date=THURSDAY.isoformat()))
    late = page.locator(".fc-event", has_text="Annonce de fin de soirée")

    expect(late).to_have_count(1)
    expect(late).to_contain_text("23:30")
    assert _inside(late, page.locator(f'td.fc-daygrid-day[data-date="{THURSDAY.isoformat()}"]'))

    page.get_by_role("button", name="Semaine").click()
    expect(page.locator(".fc-timegrid-event")).to_have_count(1)
    expect(page.locator(f'td.fc-timegrid-col[data-date="{THURSDAY.isoformat()}"] .fc-timegrid-event')).to_contain_text(
        "23:30"
    )

    page.get_by_role("button", name="Planning").click()
    expect(page.locator(".fc-list-event")).to_have_count(1)
    expect(page.locator(".fc-list-day")).to_have_count(1)
    expect(page.locator(".fc-list-day")).to_contain_text("13 mars 2031")
    expect(page.locator(".fc-list-event")).to_contain_text("23:30")


def test_on_a_phone_the_list_comes_first(sign_in, live_server, editor, brand_a, make_post):
    make_post(at=datetime.combine(THURSDAY, time(23, 45), tzinfo=PARIS), text="Soon on a phone")
    page = _pinned(sign_in(editor))
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(_calendar_url(live_server, brand_a))
    expect(page.locator(".fc-list-event", has_text="Soon on a phone")).to_be_visible()
    expect(page).to_have_url(re.compile("view=listMonth"))


def test_on_a_phone_every_view_fits_the_screen(sign_in, live_server, editor, brand_a, make_post):
    _in_french(editor)
    make_post(
        at=datetime.combine(THURSDAY, time(23, 30), tzinfo=PARIS),
        text="Une publication au texte assez long pour déborder d'un écran de téléphone si on le laissait faire",
    )
    for _ in range(4):
        make_post(at=datetime.combine(THURSDAY, time(9), tzinfo=PARIS))
    page = _pinned(sign_in(editor))
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(_calendar_url(live_server, brand_a))
    for button, view in [("Planning", "listMonth"), ("Mois", "dayGridMonth"), ("Semaine", "timeGridWeek")]:
        page.get_by_role("button", name=button).click()
        expect(page.locator(f".fc-{view}-view")).to_be_visible()
        expect(page.locator(".fc-event").first).to_be_attached()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390, view
        for control in page.locator(".fc-toolbar .fc-button, .cm-subnav .nav-link").all():
            box = control.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, control.inner_text()


def test_the_week_opens_on_the_working_day(sign_in, live_server, editor, brand_a, make_post):
    make_post(at=datetime.combine(THURSDAY, time(0, 30), tzinfo=PARIS), text="Night owl")
    page = _pinned(sign_in(editor))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(_calendar_url(live_server, brand_a, view="dayGridMonth", date=THURSDAY.isoformat()))
    page.get_by_role("button", name="week").click()
    expect(page.locator('td.fc-timegrid-slot-label[data-time="08:00:00"]')).to_be_in_viewport()
    expect(page.locator('td.fc-timegrid-slot-label[data-time="17:00:00"]')).to_be_in_viewport()
    expect(page.locator('td.fc-timegrid-slot-label[data-time="03:00:00"]')).not_to_be_in_viewport()
    # The night is still there, a scroll away.
    expect(page.locator(".fc-timegrid-event", has_text="Night owl")).to_have_count(1)


def test_posts_sharing_an_hour_stay_readable(sign_in, live_server, editor, brand_a, make_post):
    for n in range(7):
        make_post(at=datetime.combine(THURSDAY, time(9), tzinfo=PARIS), text=f"Same hour {n}")
    page = _pinned(sign_in(editor))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(_calendar_url(live_server, brand_a, view="dayGridMonth", date=THURSDAY.isoformat()))
    day = page.locator(f'td.fc-daygrid-day[data-date="{THURSDAY.isoformat()}"]')
    expect(day.locator(".fc-daygrid-event-harness:not(.fc-daygrid-event-harness-abs) .fc-event")).to_have_count(5)
    expect(day.locator(".fc-daygrid-more-link")).to_have_text("+2 more")

    page.get_by_role("button", name="week").click()
    expect(page.locator(".fc-timegrid-event")).to_have_count(1)
    more = page.locator(".fc-timegrid-more-link")
    expect(more).to_have_text("+6")
    more.click()
    expect(page.locator(".fc-popover .fc-event")).to_have_count(6)


def test_a_status_has_the_same_colour_in_the_post_list_the_post_page_and_the_calendar(
    sign_in, live_server, editor, brand_a, make_post
):
    post = make_post(at=datetime.combine(THURSDAY, time(9), tzinfo=PARIS), text="Colour check")
    post.targets.update(state=TargetState.FAILED)
    page = _pinned(sign_in(editor))
    colour = "e => getComputedStyle(e).backgroundColor"
    page.goto(f"{live_server.url}{reverse('posts:list', kwargs={'brand_slug': brand_a.slug})}")
    in_list = page.locator(".post-status", has_text="Failed").evaluate(colour)
    page.goto(f"{live_server.url}{reverse('posts:detail', kwargs={'brand_slug': brand_a.slug, 'pk': post.pk})}")
    on_page = page.locator(".post-status").evaluate(colour)
    page.goto(_calendar_url(live_server, brand_a, view="dayGridMonth", date=THURSDAY.isoformat()))
    on_calendar = page.locator(".fc-event", has_text="Colour check").evaluate(colour)
    assert in_list == on_page == on_calendar == "rgb(220, 53, 69)"
