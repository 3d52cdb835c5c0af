"""Site chrome (menu, footer) and safe rich text for community pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from cms.navigation import Menu, menu_for_request
from cms.richtext import richtext_safe
from cms.selectors import footer_for_request

register = template.Library()


@register.filter
def safe_richtext(value: Any) -> SafeString:
    """Wagtail rich text, expanded and sanitised (``cms.richtext``)."""
    return richtext_safe(value)


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
