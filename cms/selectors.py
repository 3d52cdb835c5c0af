"""Reads of a community's site structure: the menu's pages and the footer.

Every themed page shows them, so they are kept in the page cache's store
(``pista.pagecache.store.generation_cached``) per host, until the community's
next invalidation: publishing, moving or deleting a page or saving the footer
invalidates it (``cms.page_cache``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.safestring import SafeString
from wagtail.models import Locale, Page, Site

from cms.richtext import richtext_safe
from pista.pagecache.store import entry_key, generation_cached
from pista.tenancy import current_schema

T = TypeVar("T")


@dataclass(frozen=True)
class Footer:
    """The site footer: its text (safe HTML) and its links (label, address)."""

    text: SafeString
    links: tuple[tuple[str, str], ...]


def _cached(request: HttpRequest, kind: str, build: Callable[[], T], *parts: str) -> T:
    schema = current_schema()
    return generation_cached(
        schema=schema,
        key=entry_key(schema, kind, request.get_host().lower(), *parts),
        build=build,
        timeout=settings.PISTA_PAGE_CACHE_SECONDS,
    )


def menu_pages_for_request(*, request: HttpRequest) -> list[Page]:
    """The live pages marked "show in menus" directly under the site's home page."""
    site = Site.find_for_request(request)
    if site is None:
        return []
    return list(site.root_page.get_children().live().in_menu().public())


def titles_localized(pages: list[Page]) -> dict[int, str]:
    """The titles of ``pages`` in the active language, keyed by page id: a live
    translation's title (as ``page.localized`` would give), in one query."""
    try:
        locale = Locale.get_active()
    except (LookupError, Locale.DoesNotExist):
        return {}
    keys = {page.translation_key: page.pk for page in pages if page.locale_id != locale.pk}
    if not keys:
        return {}
    translated = (
        Page.objects.live()
        .filter(locale=locale, translation_key__in=keys)
        .values_list("translation_key", "title")
    )
    return {keys[key]: title for key, title in translated}


def menu_page_links(*, request: HttpRequest) -> list[tuple[str, str]]:
    """(title in the active language, address) of each menu page: a page is
    served in the visitor's language at its usual address (cms.wagtail_hooks)."""

    def build() -> list[tuple[str, str]]:
        pages = menu_pages_for_request(request=request)
        titles = titles_localized(pages)
        return [(titles.get(page.pk, page.title), page.get_url(request) or "") for page in pages]

    return _cached(request, "menu", build, translation.get_language() or "")


def footer_for_request(*, request: HttpRequest) -> Footer | None:
    """The footer of the request's site (None without a Wagtail site)."""
    from cms.models import FooterSettings

    def build() -> Footer | None:
        site = Site.find_for_request(request)
        if site is None:
            return None
        footer = FooterSettings.for_site(site)
        links = []
        for link in footer.links:
            page = link.value.get("page")
            url = (page.get_url(request) if page else link.value.get("url")) or ""
            links.append((str(link.value.get("label", "")), url))
        return Footer(text=richtext_safe(footer.text), links=tuple(links))

    return _cached(request, "footer", build)
