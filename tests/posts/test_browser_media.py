"""The media library in real Chromium: files dropped on the page are uploaded one request each,
with a progress bar each, decoded by the server, and listed with their thumbnails."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from posts.models import Media

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png(colour) -> list[int]:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), colour).save(buffer, format="PNG")
    return list(buffer.getvalue())


THUMBNAIL_URL = re.compile(r"/media/thumbs/.+\.jpg$")
DROP = """([files]) => {
    const transfer = new DataTransfer();
    for (const [name, type, bytes] of files) transfer.items.add(new File([new Uint8Array(bytes)], name, {type}));
    return transfer;
}"""


def test_dropped_files_are_uploaded_with_a_progress_bar_each(live_server, sign_in, page, editor, brand_a):
    editor.language = "en"
    editor.save()
    sign_in(editor)
    page.goto(f"{live_server.url}/b/{brand_a.slug}/media/")
    files = [
        ["green.png", "image/png", _png((0, 160, 0))],
        ["notes.png", "image/png", list(b"not an image at all")],
        ["yellow.png", "image/png", _png((220, 220, 0))],
    ]
    transfer = page.evaluate_handle(DROP, [files])
    page.dispatch_event("#dropzone", "drop", {"dataTransfer": transfer})
    rows = page.locator("#upload-progress .upload-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Uploaded.")
    expect(rows.nth(1)).to_contain_text("notes.png is not an image we can read")
    expect(rows.nth(2)).to_contain_text("Uploaded.")
    assert page.locator("#upload-progress progress").evaluate_all("bars => bars.map(b => b.value)") == [100, 100, 100]
    assert sorted(Media.objects.values_list("original_name", flat=True)) == ["green.png", "yellow.png"]
    # One file refused: the page stays so the message can be read; a reload lists what was kept.
    page.reload()
    expect(page.locator("#media-grid .media-item")).to_have_count(2)
    expect(page.locator("#media-grid img").first).to_have_attribute("src", THUMBNAIL_URL)
