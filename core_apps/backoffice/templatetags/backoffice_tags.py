"""The back office's navigation: ``{% nav_item 'manage:orders' label %}``."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_item(context: template.Context, url_name: str, label: str, exact: bool = False) -> str:
    """A navigation link, marked current when the page is at or below it."""
    url = reverse(url_name)
    request = context.get("request")
    path = request.path if request is not None else ""
    current = path == url if exact else path.startswith(url)
    if current:
        return format_html('<a href="{}" class="is-current" aria-current="page">{}</a>', url, label)
    return format_html('<a href="{}">{}</a>', url, label)
