"""Logos are decoded before they are trusted: never by extension, never by the browser's word."""

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# Formats a browser shows and Pillow writes back; anything else is refused.
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "png", "WEBP": "webp"}
LOGO_MAX_SIDE = 1024


def logo_clean(upload: UploadedFile) -> ContentFile:
    """Decode an uploaded logo and return a re-encoded copy without metadata (EXIF, GPS, comments).

    Raises ValidationError (on the `logo` field's behalf) for a file that is too big, is not an
    image, or declares more pixels than settings.MAX_IMAGE_PIXELS (a decompression bomb).
    """
    if upload.size and upload.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(_("The logo is too big (more than %(mb)s MB).") % {"mb": settings.MAX_UPLOAD_BYTES >> 20})
    data = upload.read()
    image, image_format = _decode(data)
    image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
    extension = LOGO_FORMATS[image_format]
    out = io.BytesIO()
    # A fresh save writes pixels only: Pillow copies no EXIF/XMP unless asked to.
    _for_format(image, extension).save(out, format="JPEG" if extension == "jpg" else extension.upper())
    return ContentFile(out.getvalue(), name=f"logo.{extension}")


def _decode(data: bytes) -> tuple[Image.Image, str]:
    # Pillow only warns between MAX_IMAGE_PIXELS and twice that: make the warning an error too.
    Image.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()  # structure and checksums; the image cannot be used afterwards
            image = Image.open(io.BytesIO(data))
            image.load()  # the pixels themselves: truncated data fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("This image declares too many pixels (more than %(max)s million): it is refused.")
            % {"max": settings.MAX_IMAGE_PIXELS // 1_000_000},
            code="decompression_bomb",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("The logo is not an image we can read (PNG, JPEG, GIF or WebP)."), code="not_image"
        ) from exc
    if image.format not in LOGO_FORMATS:
        raise ValidationError(_("The logo is not an image we can read (PNG, JPEG, GIF or WebP)."), code="not_image")
    return image, image.format


def _not_an_image() -> ValidationError:
    return ValidationError(_("The logo is not an image we can read (PNG, JPEG, GIF or WebP)."), code="not_image")


def _for_format(image: Image.Image, extension: str) -> Image.Image:
    if extension == "jpg":
        return image.convert("RGB")
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        return image.convert("RGBA")
    return image
