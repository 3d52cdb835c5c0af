"""Photos of what is booked (artist profiles, spaces): checked by content,
size-limited, re-encoded without EXIF."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm

from pista.errors import ApplicationError
from pista.images import InvalidImage, image_sanitise

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


class InvalidPhoto(ApplicationError):
    default_code = "invalid_photo"


def photo_clean(*, upload: UploadedFile) -> ContentFile:
    """Return the photo re-encoded (metadata dropped). Raises InvalidPhoto.

    The declared name and content type are ignored: only the decoded content
    counts, so a script renamed ``.jpg`` is refused (``pista.images``).
    """
    if upload.size is None or upload.size > PHOTO_MAX_BYTES:
        raise InvalidPhoto(
            _("The photo must be at most %(megabytes)s MB.")
            % {"megabytes": PHOTO_MAX_BYTES // (1024 * 1024)}
        )
    try:
        clean = image_sanitise(
            upload=upload,
            label=_("photo"),
            max_bytes=PHOTO_MAX_BYTES,
            max_side=50_000,
            max_pixels=PHOTO_MAX_PIXELS,
            formats=frozenset(PHOTO_FORMATS),
        )
    except InvalidImage as exc:
        if exc.code == "image_too_large":
            raise InvalidPhoto(_("The photo has too many pixels.")) from exc
        raise InvalidPhoto(_("The file is not an image. Use a JPEG, PNG or WebP photo.")) from exc
    extension = (clean.name or "photo.jpg").rsplit(".", 1)[-1]
    return ContentFile(clean.read(), name=f"photo.{extension}")


class PhotoCheckedAdminForm(WagtailAdminModelForm):
    """CMS form for models with a ``photo``: uploads made by staff get the same
    content check, size limit and metadata stripping as the artist's own."""

    def clean_photo(self) -> object:
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):
            try:
                return photo_clean(upload=photo)
            except InvalidPhoto as exc:
                raise ValidationError(exc.message) from exc
        return photo
