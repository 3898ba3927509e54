"""Images for Bluesky: decoded, stripped and fitted below the post schema's cap on blobs."""

from __future__ import annotations

import math
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps

# app.bsky.embed.images caps each image blob at 1,000,000 bytes (the PDS itself takes 5 MiB).
BLOB_MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class PreparedImage:
    data: bytes
    content_type: str
    width: int
    height: int


JPEG_QUALITIES = (90, 80, 70, 60)
SENT_AS_IS = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})


def prepare_image(data: bytes, limit: int = BLOB_MAX_BYTES) -> PreparedImage:
    """Decode the image (never upload what Pillow cannot read) and fit it below `limit` bytes.

    An image below the limit, of a type Bluesky shows and without EXIF metadata, goes as it
    is, with the type its bytes say (not the one the upload claimed). Any other becomes a JPEG,
    turned upright and without metadata (blobs are public: a photo's GPS position must not
    go with it): first lower qualities, then smaller sizes keeping the aspect ratio, until it
    fits. (An animated GIF that must be recompressed keeps its first frame.)
    """
    with Image.open(BytesIO(data)) as image:
        content_type = Image.MIME.get(image.format or "", "")
        upright = ImageOps.exif_transpose(image)  # the size people see, for aspectRatio
        if len(data) < limit and content_type in SENT_AS_IS and not image.getexif():
            return PreparedImage(data, content_type, upright.width, upright.height)
        return _recompressed(_flattened(upright), limit)


def _flattened(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparent areas become white rather than JPEG's default black."""
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _recompressed(image: Image.Image, limit: int) -> PreparedImage:
    while True:
        for quality in JPEG_QUALITIES:
            output = BytesIO()
            image.save(output, "JPEG", quality=quality, optimize=True)
            if output.tell() < limit:
                return PreparedImage(output.getvalue(), "image/jpeg", image.width, image.height)
        # Still too large at the lowest quality: shrink by what the size suggests (bytes grow
        # with the area), at least by a quarter so the loop always ends.
        scale = min(0.75, math.sqrt(limit / output.tell()) * 0.95)
        size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
