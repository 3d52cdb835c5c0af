"""The community app's entries in the site menus (registered in ``apps.py``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from cms.navigation import MenuLink, menu_link


def community_menu_links(request: HttpRequest) -> list[MenuLink]:
    return menu_link(_("Partner finder"), "community:partners")


def community_member_links(request: HttpRequest) -> list[MenuLink]:
    return [
        *menu_link(_("Messages"), "community:conversations"),
        *menu_link(_("Profile"), "community:profile"),
    ]
