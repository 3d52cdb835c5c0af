"""Reads of a community's site structure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from wagtail.models import Locale, Page, Site

if TYPE_CHECKING:
    from cms.models import FooterSettings


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


def footer_for_request(*, request: HttpRequest) -> FooterSettings | None:
    from cms.models import FooterSettings

    site = Site.find_for_request(request)
    return FooterSettings.for_site(site) if site else None
