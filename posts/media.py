"""The media library: uploads verified and cleaned before they are kept, thumbnails, and the
variants each network needs.

Nothing is kept under the name or the type it arrived with. Images go through the one image
pipeline (core/images.py: decoded by Pillow, re-encoded from the pixels), and so do the variants
made for a network that does not take the original. Videos are verified
by parsing their container with MediaInfo (pymediainfo, whose wheels bundle libmediainfo, so no
system package is needed): a file is a video only if MediaInfo finds an MP4, QuickTime or WebM
container holding a video track with a size; a few magic bytes in front of anything else are
not enough. MediaInfo reads headers only (no decoding), which keeps the web process fast on a
100 MB upload and exposes far less code to hostile input than a full decoder such as FFmpeg. The
stored name is random, with the extension of the verified type (cm_platform/storage.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from pymediainfo import MediaInfo

from accounts.models import Brand
from accounts.permissions import require_member
from accounts.roles import Perm
from cm_platform.storage import EXTENSIONS, VERIFIED_TYPES, extension_for
from core import images
from networks.base import Limits, MediaFile
from posts.models import Media, MediaVariant

THUMBNAIL = images.Fit(types=frozenset({"image/jpeg"}), max_side=480, reencode_as="image/jpeg")
# MediaInfo's name of a container -> the content type we store (QuickTime is told apart below).
VIDEO_CONTAINERS = {"MPEG-4": "video/mp4", "WebM": "video/webm"}


@dataclass(frozen=True)
class VerifiedVideo:
    content_type: str
    width: int
    height: int


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
        # MEDIA_URL may be a path on this site or a separate origin (README: Serving media).
        public_url=urljoin(f"{settings.SITE_URL}/", media.file.url),
        path=_local_path(media.file),
    )


def _local_path(field_file) -> str:
    try:
        return field_file.path
    except NotImplementedError:  # a remote storage: adapters use public_url
        return ""


def media_files_for(limits: Limits, media: list[Media]) -> list[MediaFile]:
    """The files a network with these limits takes: originals when they fit, else variants."""
    return [media_file(variant_for(item, limits)) for item in media]


def variant_for(media: Media, limits: Limits) -> Media | MediaVariant:
    """The original when the network takes it as is, else a variant made once and reused.

    Variants are stored (posts.MediaVariant, random names): networks that download what they
    publish (Instagram, Threads) need a public URL, and every later post reuses the file.
    """
    takes = limits.images.attach
    if media.kind != Media.Kind.IMAGE or not takes.types or _fits(media, takes):
        return media
    spec = takes.spec(media.content_type)
    existing = media.variants.filter(spec=spec).first()
    return existing or _make_variant(media, spec, takes)


def _fits(media: Media, fit: images.Fit) -> bool:
    return fit.takes(content_type=media.content_type, size=media.size, width=media.width, height=media.height)


def _make_variant(media: Media, spec: str, to: images.Fit) -> Media | MediaVariant:
    with media.file.open("rb") as handle:
        image = images.fit(handle.read(), to, name=media.original_name)
    variant = MediaVariant(
        media=media,
        spec=spec,
        content_type=image.content_type,
        size=len(image.content),
        width=image.width,
        height=image.height,
    )
    variant.file.save(f"variant.{extension_for(image.content_type)}", ContentFile(image.content), save=False)
    try:
        with transaction.atomic():
            variant.save()
    except IntegrityError:  # another process made the same variant at the same moment
        variant.file.delete(save=False)
        return media.variants.get(spec=spec)
    return variant


# --- uploads ---------------------------------------------------------------------------------
def media_upload(*, brand: Brand, user, upload: UploadedFile, alt_text: str = "") -> Media:
    """Verify, clean and keep an uploaded file in the brand's library.

    The size is read from the upload's metadata before a single byte of it is decoded; images go
    through the image pipeline; anything else must be a video MediaInfo can parse.
    Raises ValidationError({"file": ...}) with a message naming the file.
    """
    require_member(user, brand, Perm.WRITE)
    name = (upload.name or "upload")[:255]
    check_upload_size(upload.size or 0, name)
    try:
        verified = _verify(upload, name)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    if isinstance(verified, images.Encoded):
        return _keep_image(brand, user, verified, name, alt_text)
    return _keep_video(brand, user, upload, name, verified, alt_text)


def _verify(upload, name: str) -> images.Encoded | VerifiedVideo:
    """A clean image if Pillow decodes the file, else a video if MediaInfo finds one in it."""
    try:
        return images.clean(upload, name=name, limits=images.UPLOADS)
    except ValidationError as error:
        if error.code != "not_image":
            raise
    upload.seek(0)
    return video_verify(upload, name=name)


def check_upload_size(size: int, name: str) -> None:
    if size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            {
                "file": _("%(name)s is too large (%(size)s); the limit is %(limit)s.")
                % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(settings.MAX_UPLOAD_BYTES)}
            }
        )


def video_verify(upload, *, name: str) -> VerifiedVideo:
    """The video's type and size, from MediaInfo's parse of its container; refuse anything else."""
    try:
        info = MediaInfo.parse(upload)
    except (OSError, RuntimeError, ValueError):
        info = None
    finally:
        upload.seek(0)
    general = info.general_tracks[0] if info and info.general_tracks else None
    container, profile = (general.format, general.format_profile) if general else (None, None)
    tracks = [track for track in (info.video_tracks if info else []) if track.width and track.height]
    if container in VIDEO_CONTAINERS and tracks:
        quicktime = container == "MPEG-4" and profile == "QuickTime"
        content_type = "video/quicktime" if quicktime else VIDEO_CONTAINERS[container]
        return VerifiedVideo(content_type, int(tracks[0].width), int(tracks[0].height))
    if container in VIDEO_CONTAINERS:  # a video's header in front of something else
        message = _("%(name)s is not a video we can read: no video track was found in it (MP4, MOV or WebM).")
    elif tracks:
        message = _("%(name)s is a video in a format we do not take (%(format)s): use MP4, MOV or WebM.")
    else:
        message = _("%(name)s is not an image we can read (JPEG, PNG, WebP or GIF), nor a video (MP4, MOV or WebM).")
    raise ValidationError(message % {"name": name, "format": container}, code="not_video")


def _thumbnail(image: images.Encoded, name: str) -> bytes:
    return images.fit(image.content, THUMBNAIL, name=name).content


@transaction.atomic
def _keep_image(brand: Brand, user, image: images.Encoded, name: str, alt_text: str) -> Media:
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
    media.file.save(f"upload.{extension_for(image.content_type)}", ContentFile(image.content), save=False)
    media.thumbnail.save("thumbnail.jpg", ContentFile(_thumbnail(image, name)), save=False)
    media.save()
    return media


@transaction.atomic
def _keep_video(brand: Brand, user, upload, name: str, video: VerifiedVideo, alt_text: str) -> Media:
    media = Media(
        brand=brand,
        kind=Media.Kind.VIDEO,
        content_type=video.content_type,
        size=upload.size,
        width=video.width,
        height=video.height,
        original_name=name,
        alt_text=alt_text,
        uploaded_by=user,
    )
    media.file.save(f"upload.{extension_for(video.content_type)}", upload, save=False)
    media.save()
    return media


# --- serving ---------------------------------------------------------------------------------
def stored_file_type(name: str) -> str | None:
    """The verified type of a stored file, from the row that holds it; None for a file no row
    holds, or one whose type is not a verified image or video type (files kept by older versions
    under the name they were uploaded with are served by this, never by their extension)."""
    folder = name.split("/", 1)[0]
    if folder == "media":
        content_type = Media.objects.filter(file=name).values_list("content_type", flat=True).first()
    elif folder == "thumbs":
        content_type = "image/jpeg" if Media.objects.filter(thumbnail=name).exists() else None
    elif folder == "variants":
        content_type = MediaVariant.objects.filter(file=name).values_list("content_type", flat=True).first()
    elif folder == "brands":
        # A logo's name was always chosen by the server from its decoded type ("logo.png").
        content_type = EXTENSIONS.get(name.rsplit(".", 1)[-1]) if Brand.objects.filter(logo=name).exists() else None
    else:
        content_type = None
    return content_type if content_type in VERIFIED_TYPES else None


def media_set_alt_text(*, media: Media, user, alt_text: str) -> Media:
    """Alt text is kept with the media: every post using it sends the same description."""
    require_member(user, media.brand, Perm.WRITE)
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
