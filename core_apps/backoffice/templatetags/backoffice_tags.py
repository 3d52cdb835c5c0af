"""The back office's navigation: ``{% nav_item 'manage:orders' label %}``, and
``{% backoffice_staff as staff %}`` (the whole back office, or a venue
manager's own venues only)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

from core_apps.backoffice import access

register = template.Library()


@register.simple_tag(takes_context=True)
def backoffice_staff(context: template.Context) -> bool:
    """Whether the signed-in user sees every back-office section."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return user is not None and access.backoffice_staff(user)


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
