"""Template loaders that make the active theme's templates win.

While a community's theme is active, ``themes/<theme>/templates/`` is searched
first, then ``themes/templates/`` (the templates every theme shares: allauth's
layout, error pages, emails), then the usual directories and apps. Which theme
is active comes from ``themes.selectors.theme_name_current`` (the request's
community, or the community a task or email works for).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loaders import cached, filesystem

from themes.registry import THEME_BY_NAME, THEMES_DIR

SHARED_TEMPLATES_DIR = THEMES_DIR / "templates"

# ``themes.selectors`` is imported where it is used: the template engine may
# import its loaders before the app registry is ready, and selectors import models.


class ThemeLoader(filesystem.Loader):
    """Finds templates in the active theme's folder, then in the shared theme folder."""

    def get_dirs(self) -> list[Path]:
        from themes.selectors import theme_name_current

        return [THEME_BY_NAME[theme_name_current()].templates_dir, SHARED_TEMPLATES_DIR]


class ThemeCachedLoader(cached.Loader):
    """Django's cached loader, with the active theme in every cache key.

    Without it, the first theme to load ``base.html`` would serve it to every
    community, and a theme switch would not show until a restart.
    """

    def cache_key(self, template_name: str, skip: Any = None) -> str:
        from themes.selectors import theme_name_current

        return f"{theme_name_current()}:{super().cache_key(template_name, skip)}"
