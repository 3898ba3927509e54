"""The one image pipeline: every image the desk keeps or sends is decoded and re-encoded here.

- **Decode** with Pillow, only as one of the four formats we take (JPEG, PNG, WebP, GIF): an image
  is never trusted by its name or its declared type, and no other decoder sees hostile bytes.
- **Decompression-bomb guard**: more than settings.MAX_IMAGE_PIXELS (every frame of an animation
  counted) is refused before a pixel is decoded.
- **Strip and orient**: what is kept is a fresh encoding of the decoded pixels, turned upright
  by its EXIF orientation first, so EXIF (GPS included), XMP, ICC profiles, JPEG comment segments,
  PNG text chunks and anything hidden after the image data are gone.
- **Variants**: `fit` makes an image fit what a network is sent (types, bytes, longest side),
  converting its format and stepping its quality, then its size, down.

`Limits` says separately what a user may attach (refused with a message naming the file) and
what is sent (made to fit). Uploads and logos use `clean`; the media library stores variants
(posts/media.py); an adapter that uploads bytes makes them fit in memory (networks/bluesky/adapter.py).
Errors are ValidationError with a code: "not_image", "decompression_bomb" or "cannot_fit".
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence

# Pillow format name -> the content type we store and announce.
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
FORMAT_OF = {content_type: fmt for fmt, content_type in IMAGE_FORMATS.items()}
IMAGE_TYPES = frozenset(IMAGE_FORMATS.values())
# When a network does not take an image's own type, it becomes the first of these it takes.
PREFERRED_TYPES = ("image/jpeg", "image/png", "image/webp")
# A variant is tried at these qualities (JPEG, WebP), then made smaller, at most MAX_STEPS times.
QUALITIES = (90, 80, 70, 60)
MAX_STEPS = 12
KEPT_QUALITY = 92  # an upload re-encoded as it was kept: close to the original, metadata gone


@dataclass(frozen=True)
class Fit:
    """What an image may be: its types, its bytes and its longest side (None: no limit).

    `reencode_as` is the type an image becomes whenever it must be re-encoded (Bluesky: JPEG,
    which shrinks a photo far better than PNG); without it an image keeps its type if taken.
    """

    types: frozenset[str] = IMAGE_TYPES
    max_bytes: int | None = None
    max_side: int | None = None
    reencode_as: str | None = None

    def takes(self, *, content_type: str, size: int, width: int | None, height: int | None) -> bool:
        """Whether an image with these facts fits as it is."""
        return (
            content_type in self.types
            and (self.max_bytes is None or size <= self.max_bytes)
            and (self.max_side is None or max(width or 0, height or 0) <= self.max_side)
        )

    def target_type(self, content_type: str) -> str:
        """The type an image of `content_type` is re-encoded as to fit."""
        if self.reencode_as:
            return self.reencode_as
        if content_type in self.types:
            return content_type
        taken = [t for t in PREFERRED_TYPES if t in self.types] or sorted(self.types & IMAGE_TYPES)
        if not taken:
            raise ValueError(f"No type we can encode among {sorted(self.types)}.")
        return taken[0]

    def spec(self, content_type: str) -> str:
        """A stable name of this fit for an image of `content_type` (a stored variant's key)."""
        spec = f"{self.target_type(content_type)}:{self.max_bytes}"
        return f"{spec}:{self.max_side}" if self.max_side else spec


@dataclass(frozen=True)
class Limits:
    """What a user may attach (refused, with their message) and what is sent (made to fit).

    `sent` defaults to `attach`: most networks send what they take. Bluesky takes 30 MB and sends
    blobs of at most 1,000,000 bytes, made to fit in memory by its adapter.
    """

    attach: Fit = Fit()
    sent: Fit | None = None

    @property
    def to_send(self) -> Fit:
        return self.sent or self.attach


# What a person may upload to the media library, and what is kept: any of the four types, as they
# are (bytes: the body-size gate, cm_platform/uploads.py, refuses more than MAX_UPLOAD_BYTES).
UPLOADS = Limits()


@dataclass(frozen=True)
class Encoded:
    """An image's bytes as they are kept or sent, with the type and size its pixels have."""

    content: bytes
    content_type: str
    width: int
    height: int


# --- decoding ------------------------------------------------------------------------------------
@contextmanager
def decoded(source: IO[bytes], *, name: str) -> Iterator[Image.Image]:
    """The opened image, checked against the bomb guard before any pixel is decoded.

    Raises ValidationError naming the file, with code "not_image" or "decompression_bomb".
    """
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own pixel limit and twice that: we refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source, formats=list(IMAGE_FORMATS)) as image:
                if image.format not in IMAGE_FORMATS:  # e.g. a JPEG holding several pictures (MPO)
                    raise _not_image(name)
                if _decoded_pixels(image) > settings.MAX_IMAGE_PIXELS:
                    raise _bomb(name)
                yield image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb(name) from None
    except ValidationError:
        raise
    except Exception:  # Pillow raises many kinds on corrupt data (OSError, SyntaxError, ...)
        raise _not_image(name) from None


def _not_image(name: str) -> ValidationError:
    return ValidationError(
        _("%(name)s is not an image we can read (JPEG, PNG, WebP or GIF).") % {"name": name}, code="not_image"
    )


def _bomb(name: str) -> ValidationError:
    return ValidationError(
        _("%(name)s has too many pixels to be processed safely.") % {"name": name}, code="decompression_bomb"
    )


def _decoded_pixels(image: Image.Image) -> int:
    """Pixels decoding would produce: every frame of an animation counts (a 1,000-frame GIF of
    modest frames is as much a bomb as one huge frame)."""
    frames = getattr(image, "n_frames", 1) if image.format == "GIF" else 1
    return image.width * image.height * frames


# --- what is kept: uploads and logos -------------------------------------------------------------
def clean(upload: IO[bytes], *, name: str, limits: Limits = UPLOADS) -> Encoded:
    """An upload decoded and re-encoded from its pixels only, in its own type; refuse anything else.

    What `limits` attach does not take is refused as "not_image"; an image larger than the longest
    side they keep is scaled down (never up). An animated GIF keeps its frames.
    """
    with decoded(upload, name=name) as image:
        if IMAGE_FORMATS[image.format or ""] not in limits.attach.types:
            raise _not_image(name)
        max_side = limits.to_send.max_side
        if image.format == "GIF" and getattr(image, "n_frames", 1) > 1:
            return _clean_animation(image, max_side)
        return _clean_still(image, max_side)


def _clean_still(image: Image.Image, max_side: int | None) -> Encoded:
    fmt = image.format or "PNG"
    image.load()
    upright = ImageOps.exif_transpose(image)  # the EXIF orientation is applied, then EXIF dropped
    if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    elif fmt != "GIF" and upright.mode not in ("RGB", "RGBA", "L", "LA"):
        upright = upright.convert("RGBA")  # palette PNGs keep their transparency
    if max_side:
        upright.thumbnail((max_side, max_side))
    pixels = _pixels_only(upright)
    options = {"quality": KEPT_QUALITY} if fmt in ("JPEG", "WEBP") else {}
    return _encoded(pixels, fmt, **options)


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image with the same pixels: it carries no info dict, so no EXIF, XMP, ICC or comment
    can follow (Pillow writes a JPEG's `comment` back from image.info when re-saving an opened image)."""
    clean_image = Image.new(image.mode, image.size)
    clean_image.frombytes(image.tobytes())
    if image.mode == "P":
        clean_image.putpalette(image.getpalette() or [])
        if "transparency" in image.info:
            clean_image.info["transparency"] = image.info["transparency"]
    return clean_image


def _clean_animation(image: Image.Image, max_side: int | None) -> Encoded:
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        durations.append(frame.info.get("duration", 100))
        rgba = frame.convert("RGBA")
        if max_side:
            rgba.thumbnail((max_side, max_side))
        frames.append(rgba)
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0)
    return Encoded(buffer.getvalue(), "image/gif", frames[0].width, frames[0].height)


# --- what is sent: variants ----------------------------------------------------------------------
def fit(data: bytes, to: Fit, *, name: str) -> Encoded:
    """`data` made to fit `to`: as it is when it already fits and carries no EXIF, else re-encoded
    upright and without metadata (what is sent is public: a photo's GPS position must not go
    with it), first at lower qualities, then smaller, keeping the aspect ratio. An animated GIF
    that must be re-encoded keeps its first frame. The type is the one the bytes say, never the
    one an upload claimed.
    """
    with decoded(io.BytesIO(data), name=name) as image:
        content_type = IMAGE_FORMATS[image.format or ""]
        has_metadata = bool(image.getexif())
        image.load()  # every pixel decoded: nothing Pillow cannot read is sent, even as it is
        ImageOps.exif_transpose(image, in_place=True)  # the size people see
        as_it_is = to.takes(content_type=content_type, size=len(data), width=image.width, height=image.height)
        if as_it_is and not has_metadata:
            return Encoded(data, content_type, image.width, image.height)
        return _shrunk(image, to.target_type(content_type), to)


def _shrunk(image: Image.Image, content_type: str, to: Fit) -> Encoded:
    """`image` (upright, ours to change) encoded as `content_type` within `to`'s side and bytes.

    Raises ValidationError (code "cannot_fit") when even a much smaller image is too large.
    """
    fmt = FORMAT_OF[content_type]
    if to.max_side:  # first: every later copy is of the smaller image
        image.thumbnail((to.max_side, to.max_side), Image.Resampling.LANCZOS)
    current = _without_metadata(_flattened(image) if fmt == "JPEG" else image.convert(_mode_for(image, fmt)))
    for _step in range(MAX_STEPS):
        for quality in QUALITIES if fmt in ("JPEG", "WEBP") else (None,):
            encoded = _encoded(current, fmt, **({"quality": quality} if quality else {}), optimize=True)
            if to.max_bytes is None or len(encoded.content) <= to.max_bytes:
                return encoded
        current = current.resize(_smaller(current, len(encoded.content), to.max_bytes), Image.Resampling.LANCZOS)
    raise ValidationError(_("This image cannot be made small enough for the network."), code="cannot_fit")


def _smaller(image: Image.Image, size: int, max_bytes: int | None) -> tuple[int, int]:
    """Shrink by what the bytes suggest (they grow with the area), at least by a quarter so the
    steps always end."""
    scale = min(0.75, math.sqrt((max_bytes or size) / size) * 0.95)
    return max(1, int(image.width * scale)), max(1, int(image.height * scale))


def _mode_for(image: Image.Image, fmt: str) -> str:
    if fmt == "GIF":
        return "P" if image.mode == "P" else "RGBA"
    return image.mode if image.mode in ("RGB", "RGBA", "L", "LA") else "RGBA"


def _flattened(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparent areas become white rather than JPEG's default black."""
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _without_metadata(image: Image.Image) -> Image.Image:
    """`image` (a copy of ours) with an empty info dict but its transparency: Pillow writes EXIF,
    ICC, XMP, a JPEG comment or PNG text from image.info when it saves (a cheaper way to the same
    end as _pixels_only, for the large images variants start from)."""
    image.info = {key: value for key, value in image.info.items() if key == "transparency"}
    return image


def _encoded(image: Image.Image, fmt: str, **options) -> Encoded:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return Encoded(buffer.getvalue(), IMAGE_FORMATS[fmt], image.width, image.height)
