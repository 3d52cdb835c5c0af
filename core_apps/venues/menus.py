"""The venues app's entries in the site menus (registered on import, by ``apps.py``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from cms.navigation import MenuLink, menu_link, menu_link_register
from core_apps.venues.selectors import venue_ids_managed_by


def venues_menu_links(request: HttpRequest) -> list[MenuLink]:
    return menu_link(_("Venues"), "venues:index")


def venues_member_links(request: HttpRequest) -> list[MenuLink]:
    """A "My venues" link (their back-office pages) for the people who manage a venue."""
    user = getattr(request, "user", None)
    if user is None or not venue_ids_managed_by(user=user):
        return []
    return menu_link(_("My venues"), "manage:venues")


menu_link_register(section="main", position=50, provider=venues_menu_links)
menu_link_register(section="member", position=30, provider=venues_member_links)
