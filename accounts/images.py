"""Brand logos through the image pipeline (core/images.py), with the logo field's own words."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from cm_platform.storage import extension_for
from core import images

LOGO_MAX_SIDE = 1024
# Any image a person may upload, kept at most LOGO_MAX_SIDE pixels on its longest side.
LOGO = images.Limits(sent=images.Fit(max_side=LOGO_MAX_SIDE))


def logo_clean(upload: UploadedFile) -> ContentFile:
    """A brand logo decoded and re-encoded, scaled to LOGO_MAX_SIDE, named by its verified type.

    The pipeline's refusals are worded for the logo field; the body-size gate
    (cm_platform/uploads.py) has already refused an oversized request before it was read.
    """
    try:
        image = images.clean(upload, name=upload.name or "logo", limits=LOGO)
    except ValidationError as error:
        raise _logo_error(error.code) from error
    return ContentFile(image.content, name=f"logo.{extension_for(image.content_type)}")


def _logo_error(code: str | None) -> ValidationError:
    if code == "decompression_bomb":
        return ValidationError(
            _("This image declares too many pixels (more than %(max)s million): it is refused.")
            % {"max": settings.MAX_IMAGE_PIXELS // 1_000_000},
            code="decompression_bomb",
        )
    return ValidationError(_("The logo is not an image we can read (PNG, JPEG, GIF or WebP)."), code="not_image")
