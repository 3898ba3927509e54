"""The navigation in real Chromium, in French: at 1280 and 1400 px an owner reaches every item
without the page growing wider than the screen (issue 13, defect 2), and on a phone the
"Nouvelle publication" button stays in sight."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each item of an owner's navigation: (its label in French, the menu it sits in, if any).
OWNER_ITEMS = [
    ("Aujourd’hui", None),
    ("Calendrier", None),
    ("Publications", None),
    ("Relecture", None),
    ("Pause", None),
    ("Médias", "Plus"),
    ("Textes enregistrés", "Plus"),
    ("Réseaux", "Plus"),
    ("Membres", "Plus"),
    ("Réglages", "Plus"),
]


@pytest.fixture
def french_owner(owner, brand_a):
    # A long name, as real ones are: the menu must still fit.
    owner.language, owner.display_name = "fr", "Marie-Charlotte de La Tour-Dubreuil"
    owner.save()
    brand_a.name = "Maison Lumière & Fils"
    brand_a.save()
    return owner


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _reach(page, label, menu):
    """Open the item's menu if it has one; the item must then be visible."""
    nav = page.locator("#main-navbar")
    if menu:
        nav.get_by_role("button", name=menu).or_(nav.get_by_role("link", name=menu, exact=True)).first.click()
    item = nav.get_by_role("link", name=label, exact=True)
    expect(item).to_be_visible()
    box = item.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"], label
    if menu:
        page.keyboard.press("Escape")


@pytest.mark.parametrize("width", [1280, 1400])
def test_an_owner_reaches_every_navigation_item_on_a_laptop(sign_in, live_server, page, french_owner, width):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(french_owner)
    expect(page.locator("h1")).to_have_text("Aujourd’hui · Maison Lumière & Fils")
    assert _page_width(page) <= width
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_hidden()  # the bar is laid out, not folded into a menu
    for label, menu in OWNER_ITEMS:
        _reach(page, label, menu)
    pause = page.locator("#main-navbar").get_by_role("link", name="Pause", exact=True)
    assert pause.bounding_box()["height"] < 45  # one line: "Pause" does not wrap
    expect(page.locator("#new-post")).to_be_visible()
    expect(page.locator("#notification-bell")).to_be_visible()

    page.locator("#user-menu").click()
    menu = page.locator("[aria-labelledby=user-menu]")
    for label in ("Profil", "Se déconnecter"):
        item = menu.get_by_text(label, exact=True)
        expect(item).to_be_visible()
        box = item.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, label
    expect(menu.get_by_role("heading", name="Langue")).to_be_visible()
    assert _page_width(page) <= width


def test_on_a_phone_the_new_post_button_is_in_sight_and_opens_the_composer(
    sign_in, live_server, page, french_owner, brand_a
):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(french_owner)
    button = page.locator("#new-post")
    expect(button).to_be_visible()
    expect(button).to_have_text("Nouvelle publication")
    assert _page_width(page) <= 390
    button.click()
    expect(page).to_have_url(f"{live_server.url}/b/{brand_a.slug}/posts/new/")
    expect(page.locator("h1")).to_have_text("Écrire une publication")
    # The folded menu still reaches the rest.
    page.locator(".navbar-toggler").click()
    expect(page.locator("#main-navbar").get_by_role("link", name="Calendrier", exact=True)).to_be_visible()
