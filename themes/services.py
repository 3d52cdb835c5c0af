"""Writes about branding, and the checks a theme switch must pass.

Themed emails are rendered by ``themes.mail``."""

from __future__ import annotations

import math
import uuid
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext, gettext_lazy
from django_tenants.utils import schema_context

from pista.errors import ApplicationError
from pista.images import InvalidImage, image_sanitise
from pista.tenancy import current_schema
from themes.colours import ColourError, colour_hex, colour_normalise, contrast_ratio
from themes.models import BrandingSettings
from themes.registry import FONTS, THEME_BY_NAME, THEME_NAMES, Theme
from themes.selectors import palette_effective

if TYPE_CHECKING:
    from django.core.files import File
    from wagtail.models import Site

    from tenants.models import Community

# WCAG 2 AA for body text (success criterion 1.4.3).
AA_BODY_TEXT_RATIO = 4.5

COLOUR_FIELDS = {
    "primary_colour": gettext_lazy("primary colour"),
    "accent_colour": gettext_lazy("accent colour"),
    "background_colour": gettext_lazy("background colour"),
    "text_colour": gettext_lazy("text colour"),
}
# Pairs that carry body text in every theme: text on the page, and links (in the
# primary colour) on the page. Text on the primary and accent colours is chosen
# by design_tokens and always passes.
CONTRAST_PAIRS = [("text_colour", "background_colour"), ("primary_colour", "background_colour")]


class InvalidTheme(ApplicationError):
    default_code = "invalid_theme"


class InvalidBranding(ApplicationError):
    """Bad branding input; ``extra["field"]`` names the offending field."""

    default_code = "invalid_branding"


# --- Colours -----------------------------------------------------------------


def branding_colours_validate(*, theme: Theme, colours: dict[str, str]) -> dict[str, str]:
    """Normalise the four branding colours (blank keeps the theme's) to ``#rrggbb``
    and check the body-text pairs for WCAG AA contrast against the theme's defaults.

    Raises InvalidBranding naming the field, or the pair and its ratio.
    """
    normalised: dict[str, str] = {}
    for field, label in COLOUR_FIELDS.items():
        value = (colours.get(field) or "").strip()
        if not value:
            normalised[field] = ""
            continue
        try:
            normalised[field] = colour_normalise(value)
        except ColourError as exc:
            raise InvalidBranding(
                gettext(
                    "The %(label)s %(value)r is not a CSS colour (use e.g. #7a1f3d, "
                    "rgb(122 31 61), hsl(340 60%% 30%%) or a colour name); translucent "
                    "colours are not accepted."
                )
                % {"label": label, "value": value[:64]},
                code="invalid_colour",
                extra={"field": field},
            ) from exc
    palette = palette_effective(
        theme=theme,
        primary=normalised["primary_colour"],
        accent=normalised["accent_colour"],
        background=normalised["background_colour"],
        text=normalised["text_colour"],
    )
    colour_of = {
        "primary_colour": palette.primary,
        "background_colour": palette.background,
        "text_colour": palette.text,
    }
    for foreground, background in CONTRAST_PAIRS:
        ratio = contrast_ratio(colour_of[foreground], colour_of[background])
        if ratio < AA_BODY_TEXT_RATIO:
            # A pair at 4.496:1 must not read as "4.50:1" and fail.
            shown = min(round(ratio, 2), math.floor(ratio * 100) / 100 if ratio > 4.49 else 99)
            raise InvalidBranding(
                gettext(
                    "The %(foreground)s %(foreground_hex)s on the %(background)s "
                    "%(background_hex)s has a contrast ratio of %(ratio)s:1; WCAG AA needs "
                    "at least 4.5:1 for body text."
                )
                % {
                    "foreground": COLOUR_FIELDS[foreground],
                    "foreground_hex": colour_hex(colour_of[foreground]),
                    "background": COLOUR_FIELDS[background],
                    "background_hex": colour_hex(colour_of[background]),
                    "ratio": format(shown, ".2f"),
                },
                code="contrast_too_low",
                extra={
                    "field": foreground,
                    "pair": [foreground, background],
                    "ratio": round(ratio, 2),
                },
            )
    return normalised


# --- Images ------------------------------------------------------------------

BRANDING_IMAGE_FORMATS = frozenset({"PNG", "JPEG", "WEBP"})
IMAGE_LIMITS: dict[str, tuple[int, int]] = {
    # field: (bytes, longest side in pixels)
    "logo": (2 * 1024 * 1024, 4000),
    "favicon": (512 * 1024, 1024),
    "social_image": (5 * 1024 * 1024, 4000),
}
IMAGE_LABELS = {
    "logo": gettext_lazy("logo"),
    "favicon": gettext_lazy("favicon"),
    "social_image": gettext_lazy("social share image"),
}


def branding_image_sanitise(*, upload: File, field: str) -> ContentFile:
    """Check an uploaded branding image by its content and re-encode it without
    metadata (EXIF, text chunks), keeping its orientation.

    Only PNG, JPEG and WebP are accepted, whatever the file is called. Raises
    InvalidBranding for a file that is too large, not an image, or of another format.
    """
    max_bytes, max_side = IMAGE_LIMITS[field]
    try:
        return image_sanitise(
            upload=upload,
            label=str(IMAGE_LABELS[field]),
            max_bytes=max_bytes,
            max_side=max_side,
            formats=BRANDING_IMAGE_FORMATS,
            name_stem=f"{field}-{uuid.uuid4().hex[:12]}",
        )
    except InvalidImage as exc:
        raise InvalidBranding(exc.message, code=exc.code, extra={"field": field}) from exc


# --- Branding ----------------------------------------------------------------


def branding_fonts_validate(*, heading_font: str, body_font: str) -> None:
    for field, value in (("heading_font", heading_font), ("body_font", body_font)):
        if value and value not in FONTS:
            raise InvalidBranding(
                gettext("Unknown font %(value)r; choose one of %(fonts)s.")
                % {"value": value, "fonts": ", ".join(sorted(FONTS))},
                code="invalid_font",
                extra={"field": field},
            )


_UNSET: Any = object()


@transaction.atomic
def branding_update(
    *,
    site: Site,
    theme: str,
    primary_colour: str = _UNSET,
    accent_colour: str = _UNSET,
    background_colour: str = _UNSET,
    text_colour: str = _UNSET,
    heading_font: str = _UNSET,
    body_font: str = _UNSET,
    logo: File | None = _UNSET,
    favicon: File | None = _UNSET,
    social_image: File | None = _UNSET,
) -> BrandingSettings:
    """Change a site's branding; arguments left out keep their value, ``None``
    removes an image. Runs in the community's schema.

    Raises InvalidBranding (colour syntax, contrast, font, image).
    """
    branding = BrandingSettings.for_site(site)
    given = {
        "primary_colour": primary_colour,
        "accent_colour": accent_colour,
        "background_colour": background_colour,
        "text_colour": text_colour,
    }
    colours = {
        field: getattr(branding, field) if value is _UNSET else value
        for field, value in given.items()
    }
    colours = branding_colours_validate(theme=THEME_BY_NAME[theme], colours=colours)
    fonts = {
        "heading_font": branding.heading_font if heading_font is _UNSET else heading_font,
        "body_font": branding.body_font if body_font is _UNSET else body_font,
    }
    branding_fonts_validate(**fonts)
    for field, value in {**colours, **fonts}.items():
        setattr(branding, field, value)
    replaced = []
    for field, upload in (("logo", logo), ("favicon", favicon), ("social_image", social_image)):
        if upload is _UNSET:
            continue
        replaced.append(getattr(branding, field).name)
        if upload is None:
            setattr(branding, field, "")
            continue
        clean = branding_image_sanitise(upload=upload, field=field)
        getattr(branding, field).save(clean.name, clean, save=False)
    branding.save()
    branding_files_forget(names=replaced)
    return branding


def branding_files_forget(*, names: list[str]) -> None:
    """Delete replaced branding files once the change is committed (a rollback
    keeps them, as the settings row still points at them)."""
    schema = current_schema()
    names = [name for name in names if name]

    def delete() -> None:
        # The storage's prefix follows the connection's schema.
        with schema_context(schema):
            for name in names:
                default_storage.delete(name)

    if names:
        transaction.on_commit(delete)


# --- Themes ------------------------------------------------------------------


def branding_theme_check(*, community: Community, theme: str) -> None:
    """Whether ``community`` may switch to ``theme``: a known theme, and every
    branding's colours still pass WCAG AA over its defaults. The switch itself is
    the community's (``tenants.provisioning.services.community_theme_set``).

    Raises InvalidTheme, InvalidBranding.
    """
    if theme not in THEME_NAMES:
        raise InvalidTheme(
            gettext("Unknown theme %(theme)r; choose one of %(themes)s.")
            % {"theme": theme, "themes": ", ".join(sorted(THEME_NAMES))},
            code="invalid_theme",
        )
    with schema_context(community.schema_name):
        for branding in BrandingSettings.objects.all():
            branding_colours_validate(
                theme=THEME_BY_NAME[theme],
                colours={field: getattr(branding, field) for field in COLOUR_FIELDS},
            )
