"""Site chrome (menu, footer) and safe rich text for community pages."""

from __future__ import annotations

from typing import Any

import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe
from wagtail.rich_text import RichText, expand_db_html

from cms.navigation import Menu, menu_for_request
from cms.selectors import footer_for_request

register = template.Library()

_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "width", "height", "class"},
    "h2": {"id"},
    "h3": {"id"},
    "p": {"class"},
}


@register.filter
def safe_richtext(value: Any) -> SafeString:
    """Wagtail rich text, expanded and then sanitised with nh3: whatever reached
    the database (admin, API, import), only harmless markup reaches the page."""
    html = value.source if isinstance(value, RichText) else str(value or "")
    return mark_safe(  # noqa: S308 - nh3 has just sanitised it
        nh3.clean(expand_db_html(html), attributes=_ALLOWED_ATTRIBUTES, link_rel="noopener")
    )


def _menu(context: template.Context) -> Menu:
    """The request's menus, built once per request (header and footer share them)."""
    request = context.get("request")
    if request is None:
        return Menu()
    menu = getattr(request, "_pista_menu", None)
    if menu is None:
        menu = menu_for_request(request=request)
        request._pista_menu = menu
    return menu


@register.inclusion_tag("cms/includes/menu.html", takes_context=True)
def site_menu(context: template.Context) -> dict[str, Any]:
    return {"menu": _menu(context), "request": context.get("request")}


@register.inclusion_tag("cms/includes/footer.html", takes_context=True)
def site_footer(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    return {
        "footer": footer_for_request(request=request) if request is not None else None,
        "menu": _menu(context),
        "community": context.get("community"),
    }
