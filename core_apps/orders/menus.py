"""The orders app's entry in the member menu (registered in ``apps.py``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from cms.navigation import MenuLink, menu_link


def orders_member_links(request: HttpRequest) -> list[MenuLink]:
    return menu_link(_("My tickets"), "orders:mine")
