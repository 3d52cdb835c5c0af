"""The venues app's entry in the site menu (registered in ``apps.py``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from cms.navigation import MenuLink, menu_link


def venues_menu_links(request: HttpRequest) -> list[MenuLink]:
    return menu_link(_("Venues"), "venues:index")
