import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from accounts.images import logo_clean
from tests.accounts.images import decompression_bomb_upload, jpeg_with_gps_upload, not_an_image_upload, png_upload


def test_a_png_logo_is_decoded_and_re_encoded():
    cleaned = logo_clean(png_upload(size=(40, 20)))
    image = Image.open(io.BytesIO(cleaned.read()))
    assert (image.format, image.size) == ("PNG", (40, 20))


def test_exif_and_gps_are_stripped_from_a_jpeg_logo():
    upload = jpeg_with_gps_upload()
    assert Image.open(io.BytesIO(upload.read())).getexif()  # the test file really carries them
    upload.seek(0)
    image = Image.open(io.BytesIO(logo_clean(upload).read()))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert "exif" not in image.info


def test_a_large_logo_is_scaled_down():
    image = Image.open(io.BytesIO(logo_clean(png_upload(size=(3000, 1500))).read()))
    assert image.size == (1024, 512)


def test_a_file_that_is_not_an_image_is_refused():
    with pytest.raises(ValidationError) as refused:
        logo_clean(not_an_image_upload())
    assert refused.value.messages == ["The logo is not an image we can read (PNG, JPEG, GIF or WebP)."]


def test_a_png_declaring_ten_billion_pixels_is_refused_as_a_bomb():
    with pytest.raises(ValidationError) as refused:
        logo_clean(decompression_bomb_upload())
    assert refused.value.code == "decompression_bomb"
    assert "too many pixels" in refused.value.messages[0]


def test_an_image_just_above_the_pixel_limit_is_refused(settings):
    # Between the limit and twice it Pillow only warns: that must be a refusal too.
    settings.MAX_IMAGE_PIXELS = 500
    with pytest.raises(ValidationError) as refused:
        logo_clean(png_upload(size=(30, 20)))  # 600 pixels
    assert refused.value.code == "decompression_bomb"


def test_a_truncated_png_is_refused():
    data = png_upload(size=(200, 200)).read()
    upload = png_upload()
    upload.file = io.BytesIO(data[: len(data) // 2])
    upload.size = len(data) // 2
    with pytest.raises(ValidationError):
        logo_clean(upload)
