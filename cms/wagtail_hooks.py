"""Wagtail admin customisation for every community."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.models import Page
from wagtail.views import serve_chain

from pista.pagecache.marks import response_page_cacheable


@hooks.register("insert_global_admin_js")
def admin_widget_starter() -> str:
    """Starts the admin widgets whose inline scripts Pista's CSP forbids."""
    return format_html('<script src="{}" defer></script>', static("cms/admin-init.js"))


@hooks.register("on_serve_page")
def page_serve_cacheable(next_serve: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages Wagtail serves may be kept by the page cache (for anonymous
    visitors). A restricted page's password form comes from a
    ``before_serve_page`` hook and is not marked."""

    def serve(page: Page, request: HttpRequest, *args: Any) -> HttpResponse:
        response = next_serve(page, request, *args)
        response_page_cacheable(response)
        return response

    return serve


@hooks.register("before_serve_page")
def page_serve_in_active_language(
    page: Page, request: HttpRequest, serve_args: list[Any], serve_kwargs: dict[str, Any]
) -> HttpResponse | None:
    """A page is answered at its usual address in the visitor's language when a
    live translation into it exists (no language prefixes in URLs). The
    translation goes through Wagtail's serving chain (its own view
    restrictions); a restriction on the page asked for is left to Wagtail."""
    localized = page.localized
    if localized.pk == page.pk:
        return None
    if any(not r.accept_request(request) for r in page.get_view_restrictions()):
        return None
    chain = serve_chain
    for hook in reversed(hooks.get_hooks("on_serve_page")):
        chain = hook(chain)
    response: HttpResponse = chain(localized.specific, request, serve_args, serve_kwargs)
    return response
