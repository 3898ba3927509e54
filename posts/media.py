"""The media library: uploads decoded and cleaned before they are kept, thumbnails, and the
variants each network needs.

An image is never trusted by its name or its declared type: Pillow decodes it, and what is kept is
a fresh encoding of the decoded pixels, so EXIF (GPS included), comments and anything hidden after
the image data are gone. Videos are recognised by their container's magic bytes and passed through.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence

from accounts.models import Brand
from accounts.permissions import can
from accounts.roles import Perm
from networks.adapters.base import Limits, MediaFile
from posts.models import Media, MediaVariant

# Pillow format name -> the content type we store and announce.
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
THUMBNAIL_SIZE = (480, 480)
SNIFF_BYTES = 64


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    content_type: str
    width: int
    height: int
    extension: str


# --- what adapters receive -------------------------------------------------------------------
def media_file(media: Media | MediaVariant, *, alt_text: str | None = None, name: str = "") -> MediaFile:
    """A Media (or one of its variants) as adapters receive it: metadata and bytes on demand."""
    source = media.media if isinstance(media, MediaVariant) else media
    return MediaFile(
        name=name or source.original_name,
        content_type=media.content_type,
        size=media.size,
        alt_text=source.alt_text if alt_text is None else alt_text,
        width=media.width,
        height=media.height,
        public_url=f"{settings.SITE_URL}{media.file.url}",
        path=_local_path(media.file),
    )


def _local_path(field_file) -> str:
    try:
        return field_file.path
    except NotImplementedError:  # a remote storage: adapters use public_url
        return ""


def media_files_for(limits: Limits, media: list[Media]) -> list[MediaFile]:
    """The files a network with these limits is sent: originals when they fit, else variants."""
    return [media_file(variant_for(item, limits)) for item in media]


def variant_for(media: Media, limits: Limits) -> Media | MediaVariant:
    """The original when the network takes it as is, else a variant made once and reused."""
    if media.kind != Media.Kind.IMAGE or not limits.image_types:
        return media
    fits = media.content_type in limits.image_types and media.size <= limits.max_image_bytes
    if fits:
        return media
    content_type = media.content_type if media.content_type in limits.image_types else _best_type(limits)
    spec = f"{content_type}:{limits.max_image_bytes}"
    existing = media.variants.filter(spec=spec).first()
    return existing or _make_variant(media, spec, content_type, limits.max_image_bytes)


def _best_type(limits: Limits) -> str:
    for preferred in ("image/jpeg", "image/png", "image/webp"):
        if preferred in limits.image_types:
            return preferred
    return sorted(limits.image_types)[0]


def _make_variant(media: Media, spec: str, content_type: str, max_bytes: int) -> Media | MediaVariant:
    with media.file.open("rb") as handle, Image.open(handle) as image:
        image.load()
        content, width, height = _shrink_to_fit(image, content_type, max_bytes)
    extension = _extension(content_type)
    variant = MediaVariant(
        media=media, spec=spec, content_type=content_type, size=len(content), width=width, height=height
    )
    variant.file.save(f"{media.pk}-{len(content)}.{extension}", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            variant.save()
    except IntegrityError:  # another process made the same variant at the same moment
        variant.file.delete(save=False)
        return media.variants.get(spec=spec)
    return variant


def _shrink_to_fit(image: Image.Image, content_type: str, max_bytes: int) -> tuple[bytes, int, int]:
    """Re-encode, stepping the size down until the bytes fit (quality first for JPEG/WebP)."""
    fmt = _format(content_type)
    current = _flatten(image) if fmt == "JPEG" else image.copy()
    for _attempt in range(12):
        for quality in (88, 75, 60) if fmt in ("JPEG", "WEBP") else (None,):
            content = _encode(current, fmt, quality)
            if len(content) <= max_bytes:
                return content, current.width, current.height
        current = current.resize((max(1, int(current.width * 0.8)), max(1, int(current.height * 0.8))))
    raise ValidationError(_("This image cannot be made small enough for the network."))


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _encode(image: Image.Image, fmt: str, quality: int | None) -> bytes:
    buffer = io.BytesIO()
    options = {"quality": quality} if quality else {"optimize": True}
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _format(content_type: str) -> str:
    return {v: k for k, v in IMAGE_FORMATS.items()}[content_type]


def _extension(content_type: str) -> str:
    return {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}[content_type]


# --- uploads ---------------------------------------------------------------------------------
def media_upload(*, brand: Brand, user, upload: UploadedFile, alt_text: str = "") -> Media:
    """Check, clean and keep an uploaded file in the brand's library.

    The size is read from the upload's metadata before a single byte of it is decoded; images are
    decoded and re-encoded without metadata; videos are recognised by their magic bytes.
    Raises ValidationError({"file": ...}) with a message naming the file.
    """
    from accounts.permissions import membership_for

    membership = membership_for(user, brand.slug)
    if not can(membership, Perm.WRITE):
        raise PermissionDenied
    name = (upload.name or "upload")[:255]
    check_upload_size(upload.size or 0, name)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    video_type = sniff_video(head)
    if video_type:
        return _keep_video(brand, user, upload, name, video_type, alt_text)
    image = clean_image(upload, name)
    return _keep_image(brand, user, image, name, alt_text)


def check_upload_size(size: int, name: str) -> None:
    if size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            {
                "file": _("%(name)s is too large (%(size)s); the limit is %(limit)s.")
                % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(settings.MAX_UPLOAD_BYTES)}
            }
        )


def sniff_video(head: bytes) -> str | None:
    """The video type from the container's first bytes: MP4 / QuickTime (ISO BMFF) or WebM."""
    if head[:4] == b"\x1a\x45\xdf\xa3":  # EBML: Matroska / WebM
        return "video/webm"
    if head[4:8] == b"ftyp":
        return "video/quicktime" if head[8:12] == b"qt  " else "video/mp4"
    return None


def clean_image(upload, name: str) -> CleanImage:
    """Decode with Pillow and re-encode without metadata; refuse anything else."""
    not_an_image = ValidationError(
        {"file": _("%(name)s is not an image we can read (JPEG, PNG, WebP or GIF).") % {"name": name}}
    )
    bomb = ValidationError({"file": _("%(name)s has too many pixels to be processed safely.") % {"name": name}})
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that: we refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format not in IMAGE_FORMATS:
                    raise not_an_image
                if _decoded_pixels(image) > settings.MAX_IMAGE_PIXELS:
                    raise bomb
                return _reencode(image)
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


def _reencode(image: Image.Image) -> CleanImage:
    fmt = image.format or "PNG"
    if fmt == "GIF" and getattr(image, "n_frames", 1) > 1:
        return _reencode_animation(image)
    image.load()
    upright = ImageOps.exif_transpose(image)  # the EXIF orientation is applied, then EXIF dropped
    if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    elif fmt != "GIF" and upright.mode not in ("RGB", "RGBA", "L", "LA"):
        upright = upright.convert("RGBA")  # palette PNGs keep their transparency
    clean = Image.new(upright.mode, upright.size)
    clean.frombytes(upright.tobytes())  # pixels only: no info, no EXIF, no ICC, no comments
    if upright.mode == "P":
        clean.putpalette(upright.getpalette() or [])
        if "transparency" in upright.info:
            clean.info["transparency"] = upright.info["transparency"]
    buffer = io.BytesIO()
    options = {"quality": 92} if fmt in ("JPEG", "WEBP") else {}
    clean.save(buffer, format=fmt, **options)
    return CleanImage(buffer.getvalue(), IMAGE_FORMATS[fmt], clean.width, clean.height, _extension(IMAGE_FORMATS[fmt]))


def _reencode_animation(image: Image.Image) -> CleanImage:
    frames = [frame.convert("RGBA") for frame in ImageSequence.Iterator(image)]
    durations = [frame.info.get("duration", 100) for frame in ImageSequence.Iterator(image)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0)
    return CleanImage(buffer.getvalue(), "image/gif", frames[0].width, frames[0].height, "gif")


def _thumbnail(content: bytes) -> bytes:
    with Image.open(io.BytesIO(content)) as image:
        image.load()
        thumb = _flatten(image)
        thumb.thumbnail(THUMBNAIL_SIZE)
        return _encode(thumb, "JPEG", 80)


@transaction.atomic
def _keep_image(brand: Brand, user, image: CleanImage, name: str, alt_text: str) -> Media:
    media = Media(
        brand=brand,
        kind=Media.Kind.IMAGE,
        content_type=image.content_type,
        size=len(image.content),
        width=image.width,
        height=image.height,
        original_name=name,
        alt_text=alt_text,
        uploaded_by=user,
    )
    stem = name.rsplit(".", 1)[0][:80] or "image"
    media.file.save(f"{stem}.{image.extension}", ContentFile(image.content), save=False)
    media.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(_thumbnail(image.content)), save=False)
    media.save()
    return media


@transaction.atomic
def _keep_video(brand: Brand, user, upload, name: str, content_type: str, alt_text: str) -> Media:
    media = Media(
        brand=brand,
        kind=Media.Kind.VIDEO,
        content_type=content_type,
        size=upload.size,
        original_name=name,
        alt_text=alt_text,
        uploaded_by=user,
    )
    media.file.save(name, upload, save=False)
    media.save()
    return media


def media_set_alt_text(*, media: Media, user, alt_text: str) -> Media:
    """Alt text is kept with the media: every post using it sends the same description."""
    from accounts.permissions import membership_for

    if not can(membership_for(user, media.brand.slug), Perm.WRITE):
        raise PermissionDenied
    media.alt_text = alt_text.strip()
    media.save(update_fields=["alt_text"])
    return media


def media_copy(*, media: Media, brand: Brand, user) -> Media:
    """The same file in another brand's library: media belong to one brand (its library, its
    deletions), so a post copied across brands takes copies, never the other brand's rows.
    The bytes were cleaned on upload; variants are made again when a network needs them."""
    copy = Media(
        brand=brand,
        kind=media.kind,
        content_type=media.content_type,
        size=media.size,
        width=media.width,
        height=media.height,
        original_name=media.original_name,
        alt_text=media.alt_text,
        uploaded_by=user,
    )
    with media.file.open("rb") as handle:
        copy.file.save(_base_name(media.file.name), ContentFile(handle.read()), save=False)
    if media.thumbnail:
        with media.thumbnail.open("rb") as handle:
            copy.thumbnail.save(_base_name(media.thumbnail.name), ContentFile(handle.read()), save=False)
    copy.save()
    return copy


def _base_name(name: str | None) -> str:
    return (name or "file").rsplit("/", 1)[-1]
