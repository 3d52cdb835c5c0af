"""The theme packages and the curated fonts Pista ships.

Each theme is a folder ``themes/<name>/`` holding ``templates/`` (which take
precedence over every other template while the theme is active, see
``themes.loaders``) and ``static/themes/<name>/theme.css``, built on the design
tokens (CSS custom properties) that ``themes.selectors.design_tokens`` renders
into every page's ``<head>``. This module imports nothing from Django: the
settings read it to find the themes' static folders.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

THEMES_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Font:
    """A self-hosted font family (woff2 under ``themes/static/themes/fonts/``)."""

    key: str
    label: str | Promise  # lazy: shown in the reader's language
    family: str
    fallback: str

    @property
    def stack(self) -> str:
        return f'"{self.family}", {self.fallback}' if self.family else self.fallback


SERIF = 'Georgia, "Times New Roman", serif'
SANS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

FONTS: dict[str, Font] = {
    font.key: font
    for font in [
        Font("playfair-display", _("Playfair Display (elegant serif)"), "Playfair Display", SERIF),
        Font("lora", _("Lora (book serif)"), "Lora", SERIF),
        Font("inter", _("Inter (neutral sans)"), "Inter", SANS),
        Font("archivo-black", _("Archivo Black (poster)"), "Archivo Black", SANS),
        Font(
            "atkinson-hyperlegible",
            _("Atkinson Hyperlegible (readable)"),
            "Atkinson Hyperlegible",
            SANS,
        ),
        Font("system", _("The reader's system font"), "", SANS),
    ]
}
FONT_CHOICES = [(font.key, font.label) for font in FONTS.values()]


@dataclass(frozen=True)
class Theme:
    """A theme and its default design tokens (all pairs pass WCAG AA)."""

    name: str
    label: str | Promise  # lazy: shown in the reader's language
    primary: str
    accent: str
    background: str
    text: str
    heading_font: str
    body_font: str

    @property
    def templates_dir(self) -> Path:
        return THEMES_DIR / self.name / "templates"

    @property
    def static_dir(self) -> Path:
        return THEMES_DIR / self.name / "static"

    @property
    def stylesheet(self) -> str:
        return f"themes/{self.name}/theme.css"


THEME_LIST = [
    Theme(
        name="salon",
        label=_("Salon — elegant, for tango and ballroom"),
        primary="#7a1f3d",
        accent="#b08d57",
        background="#fbf7f2",
        text="#2a1f1d",
        heading_font="playfair-display",
        body_font="lora",
    ),
    Theme(
        name="festival",
        label=_("Festival — bold, for weekenders and socials"),
        primary="#ffcc33",
        accent="#ff3d7f",
        background="#15101f",
        text="#f6f1ff",
        heading_font="archivo-black",
        body_font="inter",
    ),
    Theme(
        name="studio",
        label=_("Studio — clean, for schools"),
        primary="#0b6e4f",
        accent="#2f6fde",
        background="#ffffff",
        text="#1f2933",
        heading_font="inter",
        body_font="atkinson-hyperlegible",
    ),
]
THEME_BY_NAME: dict[str, Theme] = {theme.name: theme for theme in THEME_LIST}
THEMES: dict[str, str | Promise] = {theme.name: theme.label for theme in THEME_LIST}
THEME_NAMES = frozenset(THEMES)
THEME_CHOICES = [(theme.name, theme.label) for theme in THEME_LIST]
DEFAULT_THEME = "salon"
