"""The main pages in real Chromium under the Content-Security-Policy: each one works and the
browser reports no violation (no blocked script, style, image, font or form)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from calendars.models import Campaign
from posts.media import media_upload
from posts.models import PostMedia
from tests.api.builders import png_upload
from tests.factories import NetworkAccountFactory, PostFactory, PostTargetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each violation the page reports, kept on the window until the test reads it.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__csp.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} (${where})`);
});
"""


@pytest.fixture
def desk(brand_a, owner):
    """A brand with an account, a campaign, and a post with an image; its owner is also staff."""
    owner.is_staff = owner.is_superuser = True
    owner.save()
    account = NetworkAccountFactory(brand=brand_a, network="fake", display_name="Brand A news")
    Campaign.objects.create(brand=brand_a, name="Soldes", colour="#d63384")
    post = PostFactory(brand=brand_a, author=owner, text="Nos soldes commencent demain !")
    PostTargetFactory(post=post, account=account)
    PostMedia.objects.create(post=post, media=media_upload(brand=brand_a, user=owner, upload=png_upload()))
    return {"brand": brand_a, "post": post, "owner": owner}


@pytest.fixture
def violations(page):
    """Violations reported by the page's events and by Chromium's console, across the test."""
    seen: list[str] = []
    page.add_init_script(LISTEN)
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)

    def read() -> list[str]:
        return seen + page.evaluate("window.__csp || []")

    return read


def _visit(page, live_server, path: str, ready: str):
    page.goto(f"{live_server.url}{path}")
    expect(page.locator(ready).first).to_be_visible()
    page.wait_for_load_state("networkidle")


def test_the_main_pages_work_under_the_policy_without_a_violation(sign_in, live_server, desk, violations):
    brand, post = desk["brand"].slug, desk["post"]
    page = sign_in(desk["owner"])
    pages = [
        (reverse("calendars:calendar", args=[brand]), ".fc .fc-toolbar-title"),
        (reverse("posts:create", args=[brand]), "#composer textarea"),
        (reverse("posts:detail", args=[brand, post.pk]), ".post-text"),
        (reverse("posts:review", args=[brand]), "main h1"),
        (reverse("posts:turnaround", args=[brand]), "main h1"),
        (reverse("clients:previews", args=[brand]), "main h1"),
        (reverse("posts:media_library", args=[brand]), ".media-item img"),
        (reverse("accounts:members", args=[brand]), "main h1"),
        (reverse("networks:list", args=[brand]), "main h1"),
        (reverse("networks:connect", args=[brand, "webhook"]), "#connect-form"),
        (reverse("calendars:campaigns", args=[brand]), ".campaign-swatch"),
        (reverse("accounts:profile"), "main h1"),
        (reverse("api_tokens:list"), "main h1"),
        (reverse("api:docs"), ".swagger-ui .info .title"),
        ("/admin/", "#content"),
        ("/admin/accounts/user/", "#result_list"),
        (f"/admin/accounts/user/{desk['owner'].pk}/change/", "#user_form"),
    ]
    for path, ready in pages:
        _visit(page, live_server, path, ready)
        assert violations() == [], f"{path}: {violations()}"
    # What the policy must not break, seen by a person: the campaign's colour, the calendar's
    # own styles (FullCalendar injects them with the nonce), the API docs drawn by Swagger UI.
    _visit(page, live_server, reverse("calendars:campaigns", args=[brand]), ".campaign-swatch")
    expect(page.locator(".campaign-swatch").first).to_have_css("background-color", "rgb(214, 51, 132)")
    _visit(page, live_server, reverse("calendars:calendar", args=[brand]), ".fc .fc-toolbar-title")
    expect(page.locator(".fc").first).to_have_css("display", "flex")  # FullCalendar's own CSS applied
    _visit(page, live_server, reverse("api:docs"), ".swagger-ui .opblock")
    assert violations() == []


def test_a_confirm_before_disconnecting_still_asks(sign_in, live_server, desk, violations):
    page = sign_in(desk["owner"])
    _visit(page, live_server, reverse("networks:list", args=[desk["brand"].slug]), "main h1")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Disconnect").first.click()
    expect(page.get_by_text("Brand A news").first).to_be_visible()  # dismissed: still connected
    assert asked and "Disconnect this account?" in asked[0]
    assert violations() == []


def test_the_sign_in_page_works_signed_out(page, live_server, db, violations):
    _visit(page, live_server, "/accounts/login/", "#sign-in-form")
    _visit(page, live_server, "/admin/login/", "#login-form")
    assert violations() == []
