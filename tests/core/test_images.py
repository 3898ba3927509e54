"""The one image pipeline (core/images.py): decode, bomb guard, strip, orientation, variants."""

import ast
import random
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image

from core.images import Fit, Limits, clean, fit
from networks.bluesky.adapter import BLOB_MAX_BYTES, BlueskyAdapter
from tests.accounts.images import decompression_bomb_upload, jpeg_with_gps_upload, png_upload

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024
BLUESKY = BlueskyAdapter.limits.images.to_send  # JPEG whenever re-encoded, 1,000,000 bytes at most
GPS_IFD = 0x8825


def _noisy_image(width: int, height: int, fmt: str) -> bytes:
    image = Image.effect_noise((width, height), 120).convert("RGB")
    output = BytesIO()
    image.save(output, fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return output.getvalue()


def _random_png(width: int, height: int) -> bytes:
    """Colour noise: PNG cannot compress it, so the file is about 3 bytes a pixel."""
    pixels = random.Random(14).randbytes(width * height * 3)
    output = BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(output, "PNG")
    return output.getvalue()


def _rotated_jpeg() -> bytes:
    """300x200 pixels whose EXIF says "rotate 90° to display", with a maker and a GPS position."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "Camera maker"
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 24.0)}
    output = BytesIO()
    Image.new("RGB", (300, 200), "navy").save(output, "JPEG", exif=exif)
    return output.getvalue()


# --- what is kept: uploads and logos -------------------------------------------------------------
def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    with pytest.raises(ValidationError) as refused:
        clean(decompression_bomb_upload(), name="bomb.png")
    assert refused.value.code == "decompression_bomb"
    assert refused.value.messages == ["bomb.png has too many pixels to be processed safely."]


def test_a_bomb_is_refused_on_the_way_to_a_network_too():
    with pytest.raises(ValidationError) as refused:
        fit(decompression_bomb_upload().read(), BLUESKY, name="bomb.png")
    assert refused.value.code == "decompression_bomb"


def test_exif_and_its_gps_position_are_gone_from_a_kept_image():
    upload = jpeg_with_gps_upload()
    assert Image.open(BytesIO(upload.read())).getexif().get_ifd(GPS_IFD)  # the file really has them
    upload.seek(0)
    kept = clean(upload, name="holiday.jpg")
    with Image.open(BytesIO(kept.content)) as image:
        assert image.format == "JPEG" and not image.getexif() and "exif" not in image.info
    assert b"SpyCam" not in kept.content


def test_the_exif_orientation_is_applied_to_a_kept_image():
    kept = clean(BytesIO(_rotated_jpeg()), name="photo.jpg")
    assert (kept.width, kept.height) == (200, 300)
    with Image.open(BytesIO(kept.content)) as image:
        assert image.size == (200, 300) and not image.getexif()


def test_a_file_that_is_not_one_of_the_four_formats_is_refused_by_name():
    bmp = BytesIO()
    Image.new("RGB", (10, 10)).save(bmp, "BMP")
    bmp.seek(0)
    with pytest.raises(ValidationError) as refused:
        clean(bmp, name="scan.bmp")
    assert refused.value.code == "not_image"
    assert refused.value.messages == ["scan.bmp is not an image we can read (JPEG, PNG, WebP or GIF)."]


def test_a_type_the_limits_do_not_take_is_refused_at_upload():
    with pytest.raises(ValidationError) as refused:
        clean(png_upload(), name="logo.png", limits=Limits(Fit(types=frozenset({"image/jpeg"}))))
    assert refused.value.code == "not_image"


def test_an_animated_gif_keeps_its_frames_when_kept():
    frames = [Image.new("RGB", (20, 20), colour) for colour in ("red", "green", "blue")]
    output = BytesIO()
    frames[0].save(output, "GIF", save_all=True, append_images=frames[1:], duration=80, loop=0)
    output.seek(0)
    kept = clean(output, name="spin.gif")
    with Image.open(BytesIO(kept.content)) as image:
        assert (kept.content_type, image.n_frames) == ("image/gif", 3)


def test_a_kept_image_is_scaled_down_to_its_longest_side():
    kept = clean(png_upload(size=(3000, 1500)), name="logo.png", limits=Limits(sent=Fit(max_side=1024)))
    assert (kept.content_type, kept.width, kept.height) == ("image/png", 1024, 512)


# --- what is sent: variants ----------------------------------------------------------------------
def test_a_10_mb_png_is_made_to_fit_1_mb_for_a_network():
    data = _random_png(1850, 1850)
    assert len(data) > 10 * 1000 * 1000
    sent = fit(data, Fit(types=frozenset({"image/jpeg", "image/png"}), max_bytes=1 * MB), name="bruit.png")
    assert len(sent.content) <= 1 * MB
    assert sent.content_type == "image/png"  # the network takes PNG: the type is kept
    with Image.open(BytesIO(sent.content)) as image:
        assert image.format == "PNG" and image.size == (sent.width, sent.height)
        assert image.width == image.height < 1850


def test_a_network_that_takes_no_png_gets_a_jpeg():
    data = _random_png(600, 400)
    sent = fit(data, Fit(types=frozenset({"image/jpeg"}), max_bytes=8 * MB), name="logo.png")
    assert (sent.content_type, sent.width, sent.height) == ("image/jpeg", 600, 400)  # same size sent


def test_an_image_that_cannot_be_made_small_enough_is_refused():
    with pytest.raises(ValidationError) as refused:
        fit(_noisy_image(200, 200, "PNG"), Fit(max_bytes=10, reencode_as="image/jpeg"), name="x.png")
    assert refused.value.code == "cannot_fit"
    assert refused.value.messages == ["This image cannot be made small enough for the network."]


def test_sent_limits_default_to_what_is_attached():
    attach = Fit(max_bytes=5 * MB)
    assert Limits(attach).to_send == attach
    assert Limits(attach, sent=BLUESKY).to_send == BLUESKY


def test_a_fit_names_its_variant_by_the_type_and_bytes_it_makes():
    jpeg_only = Fit(types=frozenset({"image/jpeg"}), max_bytes=60_000)
    assert jpeg_only.spec("image/png") == "image/jpeg:60000"
    assert Fit(max_bytes=60_000).spec("image/png") == "image/png:60000"


# --- what Bluesky is sent (moved from tests/networks/bluesky/test_facets.py) ----------------------
def test_a_large_image_is_recompressed_below_the_limit_keeping_its_aspect_ratio():
    data = _noisy_image(1600, 900, "PNG")
    assert len(data) > BLOB_MAX_BYTES
    prepared = fit(data, BLUESKY, name="p.png")
    assert len(prepared.content) < BLOB_MAX_BYTES
    assert prepared.content_type == "image/jpeg"
    assert prepared.width / prepared.height == pytest.approx(1600 / 900, rel=0.01)
    with Image.open(BytesIO(prepared.content)) as decoded:
        assert decoded.size == (prepared.width, prepared.height)


def test_a_small_image_goes_as_it_is():
    data = _noisy_image(40, 30, "PNG")
    prepared = fit(data, BLUESKY, name="p.png")
    assert (prepared.content, prepared.content_type, prepared.width, prepared.height) == (data, "image/png", 40, 30)


def test_a_transparent_png_becomes_white_not_black():
    image = Image.new("RGBA", (1200, 1200), (0, 0, 0, 0))
    image.paste(Image.effect_noise((600, 1200), 120).convert("RGBA"), (0, 0))
    output = BytesIO()
    image.save(output, "PNG")
    prepared = fit(output.getvalue(), replace(BLUESKY, max_bytes=len(output.getvalue()) // 2), name="p.png")
    with Image.open(BytesIO(prepared.content)) as decoded:
        assert all(
            channel > 240 for channel in decoded.convert("RGB").getpixel((decoded.width - 5, decoded.height // 2))
        )


def test_bytes_that_are_not_an_image_are_refused():
    with pytest.raises(ValidationError) as refused:
        fit(b"<html>not an image</html>", BLUESKY, name="x.html")
    assert refused.value.code == "not_image"


def test_the_type_sent_is_the_one_the_bytes_say():
    image = Image.new("RGB", (30, 20), "navy")
    output = BytesIO()
    image.save(output, "JPEG")
    assert fit(output.getvalue(), BLUESKY, name="x.png").content_type == "image/jpeg"


def test_a_photo_with_exif_metadata_goes_upright_and_without_it():
    prepared = fit(_rotated_jpeg(), BLUESKY, name="photo.jpg")

    assert (prepared.width, prepared.height) == (200, 300)
    with Image.open(BytesIO(prepared.content)) as decoded:
        assert decoded.size == (200, 300)
        assert not decoded.getexif()


def test_a_refusal_is_in_the_users_language():
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        fit(b"%PDF-1.4", BLUESKY, name="menu.pdf")
    assert refused.value.messages == ["menu.pdf n’est pas une image lisible (JPEG, PNG, WebP ou GIF)."]


# --- one home ------------------------------------------------------------------------------------
# analytics/reports.py only turns off a Pillow flag WeasyPrint turns on (it opens no image).
PILLOW_USERS = {"core/images.py", "analytics/reports.py"}


def _imports_pillow(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        if any(name == "PIL" or name.startswith("PIL.") for name in names):
            return True
    return False


def test_only_the_pipeline_opens_images_with_pillow():
    skipped = {".venv", "node_modules", "tests", "bench", "var", "media"}
    folders = [f for f in ROOT.iterdir() if f.is_dir() and not f.name.startswith(".") and f.name not in skipped]
    sources = [*ROOT.glob("*.py"), *(p for folder in folders for p in folder.rglob("*.py"))]
    users = {str(p.relative_to(ROOT)) for p in sources if _imports_pillow(p)}
    assert users == PILLOW_USERS, "open images through core/images.py (CONTRIBUTING.md: Images and media)"
