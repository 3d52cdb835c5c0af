"""Uploaded images: checked by content (not by name or header), size-limited,
and re-encoded so that EXIF data (GPS position, camera serials) is dropped."""

from __future__ import annotations

import io
import uuid

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

from core_apps.community.errors import InvalidImage

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_PIXELS = 24_000_000
IMAGE_MAX_SIDE = 2048
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "png"}


def image_sanitise(*, upload: UploadedFile) -> ContentFile:
    """Return a clean copy of an uploaded image. Raises InvalidImage."""
    if upload.size is None or upload.size > IMAGE_MAX_BYTES:
        raise InvalidImage(
            f"The image is too large: at most {IMAGE_MAX_BYTES // (1024 * 1024)} MB.",
            code="image_too_large",
        )
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format or ""
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidImage("The file is not an image we can read.", code="not_an_image") from None
    if fmt not in ALLOWED_FORMATS:
        raise InvalidImage("Use a JPEG, PNG, WebP or GIF image.", code="image_format")
    if width * height > IMAGE_MAX_PIXELS:
        raise InvalidImage("The image has too many pixels.", code="image_too_large")
    try:
        with Image.open(io.BytesIO(data)) as opened:
            image: Image.Image = ImageOps.exif_transpose(opened) or opened
            image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
            out_format = "JPEG" if fmt == "JPEG" else ("WEBP" if fmt == "WEBP" else "PNG")
            if out_format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            buffer = io.BytesIO()
            # A fresh encode without ``exif=`` or ``pnginfo=`` carries no metadata.
            image.save(buffer, format=out_format, quality=88)
    except (OSError, ValueError) as exc:
        raise InvalidImage("The image could not be processed.", code="not_an_image") from exc
    extension = {"JPEG": "jpg", "WEBP": "webp", "PNG": "png"}[out_format]
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")
