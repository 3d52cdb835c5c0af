"""Writes about themes and branding, and the themed rendering of emails."""

from __future__ import annotations

import math
import uuid
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.defaultfilters import linebreaks_filter
from django.template.defaultfilters import urlize as urlize_filter
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import get_language
from django_tenants.utils import schema_context

from pista.errors import ApplicationError
from pista.images import InvalidImage, image_sanitise
from themes.colours import ColourError, colour_hex, colour_normalise, contrast_ratio
from themes.registry import FONTS, THEME_BY_NAME, THEME_NAMES, Theme
from themes.selectors import design_tokens, palette_effective, theme_activated

if TYPE_CHECKING:
    from django.core.files import File
    from wagtail.models import Site

    from tenants.models import Community
    from themes.models import BrandingSettings

# WCAG 2 AA for body text (success criterion 1.4.3).
AA_BODY_TEXT_RATIO = 4.5

COLOUR_FIELDS = {
    "primary_colour": "primary colour",
    "accent_colour": "accent colour",
    "background_colour": "background colour",
    "text_colour": "text colour",
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
                f"The {label} {value[:64]!r} is not a CSS colour "
                "(use e.g. #7a1f3d, rgb(122 31 61), hsl(340 60% 30%) or a colour name); "
                "translucent colours are not accepted.",
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
                f"The {COLOUR_FIELDS[foreground]} {colour_hex(colour_of[foreground])} on the "
                f"{COLOUR_FIELDS[background]} {colour_hex(colour_of[background])} has a "
                f"contrast ratio of {shown:.2f}:1; WCAG AA needs at least 4.5:1 for body text.",
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
IMAGE_LABELS = {"logo": "logo", "favicon": "favicon", "social_image": "social share image"}


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
            label=IMAGE_LABELS[field],
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
                f"Unknown font {value!r}; choose one of {sorted(FONTS)}.",
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
    from themes.models import BrandingSettings

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
    from django.core.files.storage import default_storage

    from pista.tenancy import current_schema

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


def community_theme_set(*, community: Community, theme: str) -> Community:
    """Switch a community's theme. The whole site (pages, account pages, error
    pages, emails) follows at once.

    The community's branding colours must still pass WCAG AA over the new theme's
    defaults. Raises InvalidTheme, InvalidBranding.
    """
    from tenants.services import domain_cache_forget
    from themes.models import BrandingSettings

    if theme not in THEME_NAMES:
        raise InvalidTheme(
            f"Unknown theme {theme!r}; choose one of {sorted(THEME_NAMES)}.",
            code="invalid_theme",
        )
    with schema_context(community.schema_name):
        for branding in BrandingSettings.objects.all():
            branding_colours_validate(
                theme=THEME_BY_NAME[theme],
                colours={field: getattr(branding, field) for field in COLOUR_FIELDS},
            )
    community.theme = theme
    community.save(update_fields=["theme"])
    # Requests read the community from the cached host lookup: drop it.
    domain_cache_forget(list(community.domains.values_list("domain", flat=True)))
    return community


# --- Emails ------------------------------------------------------------------


def _email_community() -> Community | None:
    from tenants.models import Community
    from tenants.selectors import community_current

    try:
        return community_current()
    except Community.DoesNotExist:
        return None


def _email_branding(community: Community | None) -> BrandingSettings | None:
    if community is None:
        return None
    from wagtail.models import Site

    from themes.models import BrandingSettings

    site = Site.objects.filter(is_default_site=True).first()
    return BrandingSettings.for_site(site) if site else None


# The plain-text part's masthead rule, one look per theme.
EMAIL_TEXT_RULES = {"salon": "~ " * 20, "festival": "=" * 40, "studio": "-" * 40}


def _email_tokens(tokens: dict[str, str]) -> dict[str, str]:
    """Design tokens under names a template can read (``tokens.on_primary``)."""
    return {
        name.removeprefix("--pista-").removeprefix("color-").replace("-", "_"): value
        for name, value in tokens.items()
    }


def email_message_build(
    *,
    template_prefix: str,
    context: dict[str, Any],
    to: list[str],
    from_email: str | None = None,
    headers: dict[str, str] | None = None,
    subject_prefix: str = "",
    request: HttpRequest | None = None,
) -> EmailMultiAlternatives:
    """Render ``<prefix>_subject.txt`` and ``<prefix>_message.txt`` (and
    ``<prefix>_message.html`` where one exists) in the theme of the community the
    connection works for, wrapped in the theme's email layout: a text part and an
    HTML part carrying the community's name, logo and colours.

    Must run in the community's schema (requests and community tasks do).
    """
    from tenants.selectors import community_url

    community = _email_community()
    theme_name = community.theme if community else "salon"
    with theme_activated(theme_name):
        theme = THEME_BY_NAME[theme_name]
        branding = _email_branding(community)
        subject_lines = render_to_string(f"{template_prefix}_subject.txt", context, request)
        subject = subject_prefix + " ".join(subject_lines.splitlines()).strip()
        text_body = render_to_string(f"{template_prefix}_message.txt", context, request).strip()
        html_body: str
        try:
            html_body = render_to_string(f"{template_prefix}_message.html", context, request)
        except TemplateDoesNotExist:
            # The template filters escape the text once and mark the result
            # safe; the layout would escape a plain string a second time.
            html_body = linebreaks_filter(urlize_filter(text_body))
        site_url = community_url(community=community) if community else ""
        layout = {
            "community": community,
            "subject": subject,
            "site_url": site_url,
            "logo_url": (
                f"{site_url}{branding.logo.url}" if branding is not None and branding.logo else ""
            ),
            "tokens": _email_tokens(design_tokens(theme=theme, branding=branding)),
            "theme": theme,
            "theme_rule": EMAIL_TEXT_RULES[theme.name],
            # The language the email is rendered in (``<html lang>``).
            "LANGUAGE_CODE": get_language() or "en",
        }
        text = render_to_string("themes/email/layout.txt", {**layout, "body": text_body})
        html = render_to_string("themes/email/layout.html", {**layout, "body_html": html_body})
    message = EmailMultiAlternatives(subject, text, from_email, to, headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def community_email_build(
    *,
    template_prefix: str,
    context: dict[str, Any],
    to: list[str],
    language: str = "",
    time_zone: str = "",
) -> EmailMultiAlternatives:
    """An email from the current community to its members (see
    email_message_build) in ``language``, else the community's language, with
    times shown in ``time_zone``, else the community's; ``community`` is in the
    context.

    Must run in a community's schema: raises Community.DoesNotExist in public.
    """
    from tenants.selectors import community_current

    community = community_current()
    with (
        translation.override(language or community.language),
        timezone.override(time_zone or community.time_zone),
    ):
        return email_message_build(
            template_prefix=template_prefix,
            context={"community": community, **context},
            to=to,
        )


def email_send(
    *, template_prefix: str, context: dict[str, Any], to: list[str], from_email: str | None = None
) -> None:
    """Render (see email_message_build) and send one themed email."""
    email_message_build(
        template_prefix=template_prefix, context=context, to=to, from_email=from_email
    ).send()
