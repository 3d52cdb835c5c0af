"""Reads about themes and branding: which theme is active, and the design tokens."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest
from django_tenants.utils import get_public_schema_name

from pista.pagecache.store import entry_key, generation_cached
from pista.tenancy import current_schema
from tenants.models import Community
from themes.colours import RGB, colour_hex, colour_mix, colour_parse, contrast_ratio, readable_on
from themes.models import BrandingSettings
from themes.registry import DEFAULT_THEME, FONTS, THEME_BY_NAME, THEME_NAMES, Theme

if TYPE_CHECKING:
    from wagtail.models import Site

# Set while an email is rendered for a given community outside its request.
_theme_override: ContextVar[str | None] = ContextVar("pista_theme_override", default=None)


@contextmanager
def theme_activated(name: str) -> Iterator[None]:
    """Render with theme ``name`` inside the block, whatever the connection's tenant."""
    token = _theme_override.set(name if name in THEME_NAMES else DEFAULT_THEME)
    try:
        yield
    finally:
        _theme_override.reset(token)


def theme_name_current() -> str:
    """The theme of the community the connection works for (``salon`` by default).

    Requests carry the community itself (no query); a task or command that only
    switched the schema looks its community up once per schema switch.
    """
    override = _theme_override.get()
    if override:
        return override
    tenant = getattr(connection, "tenant", None)
    if tenant is None:
        return DEFAULT_THEME
    theme = getattr(tenant, "theme", None)
    if theme is None and tenant.schema_name != get_public_schema_name():
        try:
            theme = (
                Community.objects.filter(schema_name=tenant.schema_name)
                .values_list("theme", flat=True)
                .first()
            )
        except DatabaseError:
            theme = None
        # The FakeTenant lives until the next schema switch: remember it there.
        tenant.theme = theme or DEFAULT_THEME
    return theme if theme in THEME_NAMES else DEFAULT_THEME


def theme_current() -> Theme:
    return THEME_BY_NAME[theme_name_current()]


def branding_for_site(*, site: Site) -> BrandingSettings:
    """The site's branding settings (created empty on first use, like Wagtail does)."""
    return BrandingSettings.for_site(site)


def branding_for_request(*, request: HttpRequest) -> BrandingSettings | None:
    """The branding of the request's Wagtail site (None without one), kept in
    the page cache's store until the community's next invalidation."""
    from wagtail.models import Site

    def lookup() -> BrandingSettings | None:
        site = Site.find_for_request(request)
        return branding_for_site(site=site) if site else None

    schema = current_schema()
    return generation_cached(
        schema=schema,
        key=entry_key(schema, "branding", request.get_host().lower()),
        build=lookup,
        timeout=settings.PISTA_PAGE_CACHE_SECONDS,
    )


@dataclass(frozen=True)
class Palette:
    """The effective colours of a community: its branding over its theme's defaults."""

    primary: RGB
    accent: RGB
    background: RGB
    text: RGB


def palette_effective(
    *,
    theme: Theme,
    primary: str = "",
    accent: str = "",
    background: str = "",
    text: str = "",
) -> Palette:
    """Merge branding colours (blank = the theme's default). Raises ColourError."""
    return Palette(
        primary=colour_parse(primary or theme.primary),
        accent=colour_parse(accent or theme.accent),
        background=colour_parse(background or theme.background),
        text=colour_parse(text or theme.text),
    )


def _muted_text(palette: Palette, surface: RGB) -> RGB:
    """Text colour eased towards the background, as far as AA contrast allows."""
    for share in (0.35, 0.25, 0.15, 0.0):
        muted = colour_mix(palette.text, palette.background, share)
        if min(contrast_ratio(muted, palette.background), contrast_ratio(muted, surface)) >= 4.6:
            return muted
    return palette.text


def design_tokens(*, theme: Theme, branding: BrandingSettings | None) -> dict[str, str]:
    """The CSS custom properties of a page: colours, derived colours and fonts.

    Derived colours (text on the primary and accent colours, a surface tint and a
    muted text colour) are computed so that every pair the themes use passes
    WCAG AA, whatever the community picked.
    """
    palette = palette_effective(
        theme=theme,
        primary=branding.primary_colour if branding else "",
        accent=branding.accent_colour if branding else "",
        background=branding.background_colour if branding else "",
        text=branding.text_colour if branding else "",
    )
    surface = colour_mix(palette.background, palette.text, 0.06)
    if (
        contrast_ratio(palette.text, surface) < 4.5
        or contrast_ratio(palette.primary, surface) < 4.5
    ):
        surface = palette.background
    heading_font = FONTS[(branding.heading_font if branding else "") or theme.heading_font]
    body_font = FONTS[(branding.body_font if branding else "") or theme.body_font]
    return {
        "--pista-color-primary": colour_hex(palette.primary),
        "--pista-color-on-primary": colour_hex(readable_on(palette.primary)),
        "--pista-color-accent": colour_hex(palette.accent),
        "--pista-color-on-accent": colour_hex(readable_on(palette.accent)),
        "--pista-color-bg": colour_hex(palette.background),
        "--pista-color-text": colour_hex(palette.text),
        "--pista-color-surface": colour_hex(surface),
        "--pista-color-muted": colour_hex(_muted_text(palette, surface)),
        "--pista-font-heading": heading_font.stack,
        "--pista-font-body": body_font.stack,
    }


def design_tokens_css(tokens: dict[str, str]) -> str:
    """``:root{…}`` for a ``<style>`` element. Values come from parsed colours and
    the curated font table only, so nothing a user typed reaches the CSS verbatim."""
    body = ";".join(f"{name}:{value}" for name, value in tokens.items())
    return f":root{{{body}}}"


def _default_site_branding() -> BrandingSettings | None:
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    return BrandingSettings.for_site(site) if site else None


def branding_has_logo() -> bool:
    """Whether the current community stored a logo (an onboarding step)."""
    branding = _default_site_branding()
    return bool(branding and branding.logo)


def branding_edit_url() -> str:
    """The Wagtail form of the current community's branding (logo, colours)."""
    from django.urls import reverse
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return ""
    return reverse("wagtailsettings:edit", args=["themes", "brandingsettings", site.pk])
