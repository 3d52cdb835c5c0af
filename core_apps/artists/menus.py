"""The artists app's entry in the site menu (registered on import, by ``apps.py``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from cms.navigation import MenuLink, menu_link, menu_link_register


def artists_menu_links(request: HttpRequest) -> list[MenuLink]:
    return menu_link(_("Artists"), "artists:index")


menu_link_register(section="main", position=40, provider=artists_menu_links)
