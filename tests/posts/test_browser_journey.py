"""The approval journey in real Chromium: write with two images and alt text for two networks,
see a counter turn red, submit; changes requested; edit and resubmit; approved; an edit of the
approved text sends it back to review."""

import io
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from posts.models import EventKind, Post, PostState
from tests.factories import NetworkAccountFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_LIMIT = 120  # the Mastodon instance's limit, read from its configuration


@pytest.fixture
def accounts(brand_a):
    fake = NetworkAccountFactory(brand=brand_a, network="fake", display_name="Fake desk")
    mastodon = NetworkAccountFactory(
        brand=brand_a,
        network="mastodon",
        display_name="Masto desk",
        config={"instance_url": "https://mastodon.invalid", "max_characters": SMALL_LIMIT},
    )
    return fake, mastodon


def _image_file(tmp_path, name, colour):
    path = tmp_path / name
    image = Image.new("RGB", (120, 80), colour)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def has_class(name):
    return re.compile(rf"(^|\s){name}(\s|$)")


def _as(sign_in, page, user):
    page.context.clear_cookies()
    return sign_in(user)


def test_the_approval_journey(live_server, sign_in, page, editor, manager, brand_a, accounts, tmp_path):
    fake, mastodon = accounts
    editor.time_zone = "America/New_York"
    editor.language = "en"
    editor.save()
    manager.language = "en"
    manager.save()
    base = f"{live_server.url}/b/{brand_a.slug}"

    # The editor writes, with two uploaded images and their descriptions.
    _as(sign_in, page, editor)
    day = (timezone.now() + timedelta(days=3)).astimezone(brand_a.tz).date()
    page.goto(f"{base}/posts/new/?at={day.isoformat()}T10:00")
    expect(page.get_by_label("Date")).to_have_value(day.isoformat())
    expect(page.locator("#writer-time")).to_contain_text("America/New_York")
    in_new_york = datetime.combine(day, time(10, 0), tzinfo=brand_a.tz).astimezone(ZoneInfo("America/New_York"))
    expect(page.locator("#writer-time")).to_contain_text(in_new_york.strftime("%H:%M"))
    page.get_by_label("Fake desk · Fake network").check()
    page.get_by_label("Masto desk · Mastodon").check()
    page.locator("#upload-input").set_input_files(
        [_image_file(tmp_path, "one.jpg", (200, 0, 0)), _image_file(tmp_path, "two.jpg", (0, 0, 200))]
    )
    expect(page.locator("#chosen-media .chosen-media")).to_have_count(2)
    expect(page.locator(".upload-status")).to_have_text(["Uploaded.", "Uploaded."])
    expect(page.locator(".alt-missing:visible")).to_have_count(2)
    alts = page.locator("#chosen-media .alt-text")
    alts.nth(0).fill("A red square")
    alts.nth(1).fill("A blue square")
    expect(page.locator(".alt-missing:visible")).to_have_count(0)
    expect(page.locator(f"#preview-{mastodon.pk} .preview-grid img")).to_have_count(2)

    # Past the Mastodon limit its counter turns red; the fake network's (500) does not.
    text = "Notre nouvelle collection arrive : https://example.com/une/adresse/vraiment/tres/longue " + "vite ! " * 12
    page.get_by_label("Text", exact=True).fill(text)
    masto_counter, fake_counter = page.locator(f"#counter-{mastodon.pk}"), page.locator(f"#counter-{fake.pk}")
    expect(masto_counter).to_have_class(has_class("over-limit"))
    expect(fake_counter).not_to_have_class(has_class("over-limit"))
    expect(page.locator(f"#preview-{mastodon.pk} .preview-cut")).to_be_visible()
    # A shorter text of its own for Mastodon fixes it.
    page.locator(f"#tab-{mastodon.pk}").click()
    page.get_by_label("Text for Masto desk").fill(
        "Nouvelle collection : https://example.com/une/adresse/vraiment/tres/longue"
    )
    expect(masto_counter).not_to_have_class(has_class("over-limit"))
    expect(masto_counter).to_contain_text(f"/ {SMALL_LIMIT}")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".post-status")).to_have_text("In review")
    post = Post.objects.get()
    assert [link.media.alt_text for link in post.postmedia_set.order_by("position")] == [
        "A red square",
        "A blue square",
    ]

    # The manager asks for changes from the review page.
    _as(sign_in, page, manager)
    page.goto(f"{base}/review/")
    page.get_by_label("What should change?").fill("Moins de « vite », s'il te plaît")
    page.get_by_role("button", name="Request changes").click()
    expect(page.locator("#nothing-waits")).to_be_visible()

    # The editor edits and resubmits.
    _as(sign_in, page, editor)
    page.goto(f"{base}/posts/{post.pk}/")
    expect(page.locator(".comment-text")).to_contain_text("Moins de « vite »")
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Text", exact=True).fill("Notre nouvelle collection arrive demain.")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".post-status")).to_have_text("In review")

    # The manager approves.
    _as(sign_in, page, manager)
    page.goto(f"{base}/review/")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#nothing-waits")).to_be_visible()
    post.refresh_from_db()
    assert post.state == PostState.APPROVED and post.approved_by == manager

    # The editor changes the approved text: the page warns, the button says what saving does,
    # and the post is back in review.
    _as(sign_in, page, editor)
    page.goto(f"{base}/posts/{post.pk}/edit/")
    expect(page.locator("#approval-warning")).to_contain_text("withdraws the approval")
    save = page.locator("#save-button")
    expect(save).to_have_text("Save")
    expect(page.get_by_role("button", name="Submit for review")).to_have_count(0)
    text = page.get_by_label("Text", exact=True)
    text.fill("Notre nouvelle collection arrive demain matin.")
    expect(save).to_have_text("Save and send back to review")
    text.fill("Notre nouvelle collection arrive demain.")  # as approved: saving would keep it
    expect(save).to_have_text("Save")
    text.fill("Notre nouvelle collection arrive demain matin.")
    save.click()
    expect(page.get_by_role("alert").filter(has_text="the approval is withdrawn")).to_be_visible()
    expect(page.locator(".post-status")).to_have_text("In review")
    expect(page.locator("#history")).to_contain_text("Back to review after an edit")
    post.refresh_from_db()
    assert post.state == PostState.IN_REVIEW
    assert post.events.filter(kind=EventKind.BACK_TO_REVIEW).count() == 1


def test_the_composer_in_french(live_server, sign_in, page, editor, brand_a, accounts):
    editor.language = "fr"
    editor.save()
    sign_in(editor)
    page.goto(f"{live_server.url}/b/{brand_a.slug}/posts/new/")
    expect(page.get_by_role("button", name="Enregistrer le brouillon")).to_be_visible()
    page.get_by_label("Masto desk · Mastodon").check()
    page.get_by_label("Texte", exact=True).fill("x" * (SMALL_LIMIT + 1))
    expect(page.locator(".over-limit")).to_have_count(1)
    page.get_by_label("Date").fill("2027-03-28")
    page.get_by_label("Heure").fill("02:30")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator("body")).to_contain_text("n’existe pas")
    assert not Post.objects.exists()


def test_the_composer_fits_a_phone_and_works_from_the_keyboard(live_server, sign_in, page, editor, brand_a, accounts):
    fake, _mastodon = accounts
    editor.language = "en"
    editor.save()
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(editor)
    page.goto(f"{live_server.url}/b/{brand_a.slug}/posts/new/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_label("Fake desk · Fake network").focus()
    page.keyboard.press("Space")
    page.get_by_label("Text", exact=True).focus()
    page.keyboard.type("Written from the keyboard 🎉")
    expect(page.locator(f"#counter-{fake.pk}")).to_contain_text("Fake desk: 27 / 500")
    page.get_by_role("button", name="Save draft").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".post-status")).to_have_text("Draft")
    assert Post.objects.get().text == "Written from the keyboard 🎉"


def test_a_telegram_counter_takes_the_caption_limit_once_an_image_is_attached(
    live_server, sign_in, page, editor, brand_a, tmp_path
):
    telegram = NetworkAccountFactory(brand=brand_a, network="telegram", display_name="Tg desk", config={"chat_id": "1"})
    editor.language = "en"
    editor.save()
    sign_in(editor)
    page.goto(f"{live_server.url}/b/{brand_a.slug}/posts/new/")
    page.get_by_label("Tg desk · Telegram").check()
    page.get_by_label("Text", exact=True).fill("é" * 1500)
    counter = page.locator(f"#counter-{telegram.pk}")
    expect(counter).to_contain_text("Tg desk: 1500 / 4096")
    expect(counter).not_to_have_class(has_class("over-limit"))
    # With an image the text goes as a caption, which Telegram cuts at 1,024 (as the server says).
    page.locator("#upload-input").set_input_files([_image_file(tmp_path, "one.jpg", (0, 120, 0))])
    expect(counter).to_contain_text("Tg desk: 1500 / 1024")
    expect(counter).to_have_class(has_class("over-limit"))
    expect(page.locator(f"#preview-{telegram.pk} .preview-cut")).to_be_visible()
