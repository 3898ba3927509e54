"""The one image pipeline: every image we keep (media, logos) is decoded and re-encoded here.

An image is never trusted by its name or its declared type: Pillow decodes it and what is kept is
a fresh encoding of the decoded pixels, so EXIF (GPS included), XMP, ICC profiles, JPEG comment
segments, PNG text chunks and anything hidden after the image data are gone. More pixels than
settings.MAX_IMAGE_PIXELS (every frame of an animation counted) are refused before decoding.

It lives in `accounts`, the lowest layer that exists today, so that brand logos (accounts) and
the media library (posts) share it; it belongs in `core/` once that package exists.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence

from cm_platform.storage import extension_for

# Pillow format name -> the content type we store and announce.
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
LOGO_MAX_SIDE = 1024


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    content_type: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return extension_for(self.content_type)


def image_clean(upload, *, name: str, max_side: int | None = None) -> CleanImage:
    """Decode with Pillow and re-encode the pixels only; refuse anything else.

    Raises ValidationError naming the file, with code "not_image" or "decompression_bomb".
    `max_side` scales the image down (never up) to fit a square of that side.
    """
    not_an_image = ValidationError(
        _("%(name)s is not an image we can read (JPEG, PNG, WebP or GIF).") % {"name": name}, code="not_image"
    )
    bomb = ValidationError(
        _("%(name)s has too many pixels to be processed safely.") % {"name": name}, code="decompression_bomb"
    )
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own pixel limit and twice that: we refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format not in IMAGE_FORMATS:
                    raise not_an_image
                if _decoded_pixels(image) > settings.MAX_IMAGE_PIXELS:
                    raise bomb
                return _reencode(image, max_side)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise bomb from None
    except ValidationError:
        raise
    except Exception:  # Pillow raises many kinds on corrupt data (OSError, SyntaxError, ...)
        raise not_an_image from None


def _decoded_pixels(image: Image.Image) -> int:
    """Pixels decoding would produce: every frame of an animation counts (a 1,000-frame GIF of
    modest frames is as much a bomb as one huge frame)."""
    frames = getattr(image, "n_frames", 1) if image.format == "GIF" else 1
    return image.width * image.height * frames


def _reencode(image: Image.Image, max_side: int | None) -> CleanImage:
    fmt = image.format or "PNG"
    if fmt == "GIF" and getattr(image, "n_frames", 1) > 1:
        return _reencode_animation(image, max_side)
    image.load()
    upright = ImageOps.exif_transpose(image)  # the EXIF orientation is applied, then EXIF dropped
    if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    elif fmt != "GIF" and upright.mode not in ("RGB", "RGBA", "L", "LA"):
        upright = upright.convert("RGBA")  # palette PNGs keep their transparency
    if max_side:
        upright.thumbnail((max_side, max_side))
    clean = Image.new(upright.mode, upright.size)
    # Pixels only: a new image carries no info dict, so no EXIF, XMP, ICC or comment can follow
    # (Pillow writes a JPEG's `comment` back from image.info when re-saving an opened image).
    clean.frombytes(upright.tobytes())
    if upright.mode == "P":
        clean.putpalette(upright.getpalette() or [])
        if "transparency" in upright.info:
            clean.info["transparency"] = upright.info["transparency"]
    buffer = io.BytesIO()
    options = {"quality": 92} if fmt in ("JPEG", "WEBP") else {}
    clean.save(buffer, format=fmt, **options)
    return CleanImage(buffer.getvalue(), IMAGE_FORMATS[fmt], clean.width, clean.height)


def _reencode_animation(image: Image.Image, max_side: int | None) -> CleanImage:
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        durations.append(frame.info.get("duration", 100))
        rgba = frame.convert("RGBA")
        if max_side:
            rgba.thumbnail((max_side, max_side))
        frames.append(rgba)
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0)
    return CleanImage(buffer.getvalue(), "image/gif", frames[0].width, frames[0].height)


# --- logos -------------------------------------------------------------------------------------
def logo_clean(upload: UploadedFile) -> ContentFile:
    """A brand logo through the image pipeline, scaled to LOGO_MAX_SIDE, named by its verified type.

    The pipeline's refusals are worded for the logo field; the body-size gate
    (cm_platform/uploads.py) has already refused an oversized request before it was read.
    """
    try:
        image = image_clean(upload, name=upload.name or "logo", max_side=LOGO_MAX_SIDE)
    except ValidationError as error:
        raise _logo_error(error.code) from error
    return ContentFile(image.content, name=f"logo.{image.extension}")


def _logo_error(code: str | None) -> ValidationError:
    if code == "decompression_bomb":
        return ValidationError(
            _("This image declares too many pixels (more than %(max)s million): it is refused.")
            % {"max": settings.MAX_IMAGE_PIXELS // 1_000_000},
            code="decompression_bomb",
        )
    return ValidationError(_("The logo is not an image we can read (PNG, JPEG, GIF or WebP)."), code="not_image")
