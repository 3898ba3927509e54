"""Media files for the adapter tests of the commercial networks: real images on disk."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from networks.base import MediaFile


def image_file(
    folder: Path, name: str = "photo.png", *, size: tuple[int, int] = (800, 800), public_base: str = ""
) -> MediaFile:
    """A real image written to `folder`, as posts.media.media_file would describe it."""
    path = folder / name
    kind = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP", "gif": "GIF"}[name.rsplit(".", 1)[1]]
    Image.new("RGB", size, (200, 40, 90)).save(path, kind)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}[kind]
    return MediaFile(
        name=name,
        content_type=content_type,
        size=path.stat().st_size,
        alt_text=f"Alt of {name}",
        width=size[0],
        height=size[1],
        path=str(path),
        public_url=f"{public_base}/media/{name}" if public_base else "",
    )
