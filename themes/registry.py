"""The theme packages Pista ships. Each theme is a folder of templates and static
files under ``themes/<name>/`` built on design tokens (CSS custom properties)."""

from __future__ import annotations

THEMES: dict[str, str] = {
    "salon": "Salon — elegant, for tango and ballroom",
    "festival": "Festival — bold, for weekenders and socials",
    "studio": "Studio — clean, for schools",
}
THEME_NAMES = frozenset(THEMES)
DEFAULT_THEME = "salon"
