"""Uploaded images: checked by content and re-encoded without metadata.

Every stored image (branding, Wagtail's image library) goes through
``image_sanitise``: the file's content decides its type, never its name; size
and pixel limits are enforced before decoding; EXIF, text chunks and colour
profiles are left behind, so no camera, place or time leaks to visitors.
"""

from __future__ import annotations

import uuid
from io import BytesIO

from django.core.files import File
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from pista.errors import ApplicationError

# Format Pillow detects → file extension.
RASTER_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif"}


class InvalidImage(ApplicationError):
    default_code = "invalid_image"


def image_sanitise(
    *,
    upload: File,
    label: str,
    max_bytes: int,
    max_side: int,
    formats: frozenset[str] = frozenset(RASTER_FORMATS),
    name_stem: str | None = None,
) -> ContentFile:
    """Return a clean copy of ``upload``. Raises InvalidImage (code ``image_too_large``
    or ``invalid_image``).

    GIFs are kept byte for byte (they carry no EXIF, and re-encoding would lose
    their animation); the other formats are re-encoded, upright.
    """
    size = upload.size or 0
    if size > max_bytes:
        raise InvalidImage(
            f"The {label} is {size / 1024 / 1024:.1f} MB; the limit is "
            f"{max_bytes / 1024 / 1024:g} MB.",
            code="image_too_large",
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    allowed = ", ".join(sorted(formats))
    not_an_image = InvalidImage(f"The {label} is not an image of type {allowed}.")
    try:
        with Image.open(BytesIO(data)) as probe:
            image_format = probe.format
            probe.verify()
        image = Image.open(BytesIO(data))
        if image.width > max_side or image.height > max_side:
            raise InvalidImage(
                f"The {label} is {image.width}x{image.height} pixels; "
                f"the limit is {max_side} pixels a side.",
                code="image_too_large",
            )
        image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise not_an_image from exc
    if image_format not in formats or image_format not in RASTER_FORMATS:
        raise not_an_image
    extension = RASTER_FORMATS[image_format]
    stem = name_stem or uuid.uuid4().hex[:12]
    if image_format == "GIF":
        return ContentFile(data, name=f"{stem}.{extension}")
    upright: Image.Image = ImageOps.exif_transpose(image) or image
    out = BytesIO()
    # Saved without exif=, pnginfo= or icc_profile=: the metadata stays behind.
    if image_format == "JPEG":
        upright.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
    elif image_format == "WEBP":
        upright.save(out, "WEBP", quality=90)
    else:
        upright.save(out, "PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{stem}.{extension}")
