"""Member images (profile photos, message images): the shared upload check of
``pista.images`` with the community app's limits and error codes."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from core_apps.community.errors import InvalidImage
from pista import images

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_PIXELS = 24_000_000
IMAGE_MAX_SIDE = 2048


def image_sanitise(*, upload: UploadedFile) -> ContentFile:
    """Return a clean copy of an uploaded image (JPEG, PNG, WebP; a GIF becomes a
    PNG), at most IMAGE_MAX_SIDE pixels a side. Raises InvalidImage."""
    if upload.size is None or upload.size > IMAGE_MAX_BYTES:
        raise InvalidImage(
            _("The image is too large: at most %(megabytes)s MB.")
            % {"megabytes": IMAGE_MAX_BYTES // (1024 * 1024)},
            code="image_too_large",
        )
    try:
        return images.image_sanitise(
            upload=upload,
            label=_("image"),
            max_bytes=IMAGE_MAX_BYTES,
            max_side=50_000,
            max_pixels=IMAGE_MAX_PIXELS,
            fit_within=IMAGE_MAX_SIDE,
            gif_as_png=True,
        )
    except images.InvalidImage as exc:
        if exc.code == "image_too_large":
            raise InvalidImage(_("The image has too many pixels."), code="image_too_large") from exc
        raise InvalidImage(
            _("The file is not a JPEG, PNG, WebP or GIF image."), code="not_an_image"
        ) from exc
