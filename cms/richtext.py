"""Wagtail rich text made safe to show: expanded, then sanitised."""

from __future__ import annotations

from typing import Any

import nh3
from django.utils.safestring import SafeString, mark_safe
from wagtail.rich_text import RichText, expand_db_html

_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "width", "height", "class"},
    "h2": {"id"},
    "h3": {"id"},
    "p": {"class"},
}


def richtext_safe(value: Any) -> SafeString:
    """Wagtail rich text, expanded and then sanitised with nh3: whatever reached
    the database (admin, API, import), only harmless markup reaches the page."""
    html = value.source if isinstance(value, RichText) else str(value or "")
    return mark_safe(  # noqa: S308 - nh3 has just sanitised it
        nh3.clean(expand_db_html(html), attributes=_ALLOWED_ATTRIBUTES, link_rel="noopener")
    )
