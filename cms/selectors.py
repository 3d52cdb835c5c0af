"""Reads of a community's site structure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from wagtail.models import Page, Site

if TYPE_CHECKING:
    from cms.models import FooterSettings


def menu_pages_for_request(*, request: HttpRequest) -> list[Page]:
    """The live pages marked "show in menus" directly under the site's home page."""
    site = Site.find_for_request(request)
    if site is None:
        return []
    return list(site.root_page.get_children().live().in_menu().public())


def footer_for_request(*, request: HttpRequest) -> FooterSettings | None:
    from cms.models import FooterSettings

    site = Site.find_for_request(request)
    return FooterSettings.for_site(site) if site else None
