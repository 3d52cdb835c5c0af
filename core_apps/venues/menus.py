"""The venues app's entry in the site menu (registered on import, by ``apps.py``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from cms.navigation import MenuLink, menu_link, menu_link_register


def venues_menu_links(request: HttpRequest) -> list[MenuLink]:
    return menu_link(_("Venues"), "venues:index")


menu_link_register(section="main", position=50, provider=venues_menu_links)
