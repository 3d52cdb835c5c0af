"""Template tags of the theme system."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.templatetags.static import static as django_static
from django.utils.html import format_html
from django.utils.safestring import SafeString

from themes.selectors import design_tokens, design_tokens_css, theme_current

register = template.Library()


def _branding(context: template.Context) -> Any:
    branding = context.get("branding")
    # A lazy branding that resolved to None (no Wagtail site) counts as none.
    return branding if branding and getattr(branding, "pk", None) is not None else None


def _static_url(path: str) -> str:
    """The static URL, even where collectstatic's manifest is missing: an error
    page must render rather than fail on a stylesheet link."""
    try:
        return django_static(path)
    except ValueError:
        return f"{settings.STATIC_URL}{path}"


@register.simple_tag(takes_context=True)
def theme_stylesheets(context: template.Context) -> SafeString:
    """The shared and the active theme's stylesheets, then the design tokens.

    Works without a request too (the 500 page), from the theme's defaults.
    """
    theme = theme_current()
    tokens = design_tokens(theme=theme, branding=_branding(context))
    return format_html(
        '<link rel="stylesheet" href="{}">\n'
        '<link rel="stylesheet" href="{}">\n'
        '<link rel="stylesheet" href="{}">\n'
        '<style id="pista-design-tokens">{}</style>',
        _static_url("themes/fonts.css"),
        _static_url("themes/layout.css"),
        _static_url(theme.stylesheet),
        # Built from parsed colours and the curated font table only.
        SafeString(design_tokens_css(tokens)),
    )


@register.simple_tag
def theme_name() -> str:
    return theme_current().name
