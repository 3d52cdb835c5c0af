"""Uploaded images: checked by content and re-encoded without metadata.

Every stored image (branding, Wagtail's image library, profile and message
photos, artist and venue photos) goes through ``image_sanitise``: the file's
content decides its type, never its name; size and pixel limits are enforced
before decoding; the pixels are re-encoded, so EXIF, text chunks, colour
profiles and whatever a polyglot file hid after the image data are left behind,
and no camera, place or time leaks to visitors. ``upload_name_stem`` turns a
client's file name into a safe stem (no path traversal).
"""

from __future__ import annotations

import re
import uuid
from io import BytesIO

from django.core.files import File
from django.core.files.base import ContentFile
from django.utils.translation import gettext
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from pista.errors import ApplicationError
from pista.text import name_clean

# Format Pillow detects → file extension.
RASTER_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif"}


class InvalidImage(ApplicationError):
    default_code = "invalid_image"


def upload_name_stem(name: str, *, default: str = "file", limit: int = 80) -> str:
    """A safe file-name stem from a client-supplied name: no directories (``/`` or
    ``\\``), no ``..``, no control or bidi characters - only letters, digits, ``-``
    and ``_`` survive, so a name can never steer where a file is stored."""
    base = re.split(r"[/\\]", name_clean(name or ""))[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.strip(".") else base
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:limit]
    return cleaned or default


def image_sanitise(
    *,
    upload: File,
    label: str,
    max_bytes: int,
    max_side: int,
    formats: frozenset[str] = frozenset(RASTER_FORMATS),
    name_stem: str | None = None,
    max_pixels: int = 40_000_000,
    fit_within: int | None = None,
    gif_as_png: bool = False,
) -> ContentFile:
    """Return a clean copy of ``upload``: decoded by content, re-encoded from its
    pixels alone. Raises InvalidImage (code ``image_too_large`` or ``invalid_image``).

    Only the decoded pixels survive: EXIF, text chunks, colour profiles, comments
    and anything appended after the image data (the payload of a polyglot file)
    are left behind. GIF animations are kept (all frames re-encoded) unless
    ``gif_as_png``; ``fit_within`` shrinks the image to at most that many pixels a
    side; ``name_stem`` is cleaned with ``upload_name_stem``.
    """
    size = upload.size or 0
    if size > max_bytes:
        raise InvalidImage(
            gettext("The %(label)s is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "label": label,
                "size": format(size / 1024 / 1024, ".1f"),
                "limit": format(max_bytes / 1024 / 1024, "g"),
            },
            code="image_too_large",
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    allowed = ", ".join(sorted(formats))
    not_an_image = InvalidImage(
        gettext("The %(label)s is not an image of type %(allowed)s.")
        % {"label": label, "allowed": allowed}
    )
    too_large = InvalidImage(
        gettext("The %(label)s has too many pixels.") % {"label": label}, code="image_too_large"
    )
    try:
        with Image.open(BytesIO(data)) as probe:
            image_format = probe.format
            probe.verify()
        image = Image.open(BytesIO(data))
        if image.width > max_side or image.height > max_side:
            raise InvalidImage(
                gettext(
                    "The %(label)s is %(width)sx%(height)s pixels; "
                    "the limit is %(max_side)s pixels a side."
                )
                % {
                    "label": label,
                    "width": image.width,
                    "height": image.height,
                    "max_side": max_side,
                },
                code="image_too_large",
            )
        if image.width * image.height > max_pixels:
            raise too_large
        image.load()
    except Image.DecompressionBombError as exc:
        raise too_large from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise not_an_image from exc
    if image_format not in formats or image_format not in RASTER_FORMATS:
        raise not_an_image
    stem = upload_name_stem(name_stem, default=uuid.uuid4().hex[:12]) if name_stem else None
    stem = stem or uuid.uuid4().hex[:12]
    out = BytesIO()
    try:
        if image_format == "GIF" and not gif_as_png:
            _gif_reencode(image, out)
            extension = "gif"
        else:
            upright: Image.Image = ImageOps.exif_transpose(image) or image
            if fit_within:
                upright.thumbnail((fit_within, fit_within))
            # Saved without exif=, pnginfo= or icc_profile=: the metadata stays behind.
            if image_format == "JPEG":
                upright.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
                extension = "jpg"
            elif image_format == "WEBP":
                upright.save(out, "WEBP", quality=90)
                extension = "webp"
            else:
                if upright.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
                    upright = upright.convert("RGBA")
                upright.save(out, "PNG", optimize=True)
                extension = "png"
    except (OSError, ValueError) as exc:
        raise not_an_image from exc
    return ContentFile(out.getvalue(), name=f"{stem}.{extension}")


def _gif_reencode(image: Image.Image, out: BytesIO) -> None:
    """Write every frame of a GIF again: pixels, durations and looping only (no
    comments, no application extensions, nothing after the trailer)."""
    frames = []
    durations = []
    for frame in ImageSequence.Iterator(image):
        pixels = frame.convert("RGBA")
        pixels.info = {}  # no comment or extension is carried over
        frames.append(pixels)
        durations.append(int(frame.info.get("duration", 100)))
    first, rest = frames[0], frames[1:]
    options: dict[str, object] = {"format": "GIF", "disposal": 2}
    if rest:
        options.update(save_all=True, append_images=rest, duration=durations, loop=0)
    first.save(out, **options)
