"""Profile photos: checked by content, size-limited, re-encoded without EXIF."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError
from wagtail.admin.forms import WagtailAdminModelForm

from pista.errors import ApplicationError

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


class InvalidPhoto(ApplicationError):
    default_code = "invalid_photo"


def photo_clean(*, upload: UploadedFile) -> ContentFile:
    """Return the photo re-encoded (metadata dropped). Raises InvalidPhoto.

    The declared name and content type are ignored: only the decoded content
    counts, so a script renamed ``.jpg`` is refused.
    """
    if upload.size is None or upload.size > PHOTO_MAX_BYTES:
        raise InvalidPhoto(f"The photo must be at most {PHOTO_MAX_BYTES // (1024 * 1024)} MB.")
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image: Image.Image = Image.open(io.BytesIO(data))
        image_format = image.format or ""
        if image_format not in PHOTO_FORMATS:
            raise InvalidPhoto("The photo must be a JPEG, PNG or WebP image.")
        if image.width * image.height > PHOTO_MAX_PIXELS:
            raise InvalidPhoto("The photo has too many pixels.")
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InvalidPhoto("The file is not an image.") from exc
    if image_format == "JPEG" and image.mode not in {"RGB", "L"}:
        image = image.convert("RGB")
    out = io.BytesIO()
    # A fresh encode carries no EXIF (location, camera serials) unless passed.
    image.save(out, format=image_format)
    return ContentFile(out.getvalue(), name=f"photo.{PHOTO_FORMATS[image_format]}")


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
