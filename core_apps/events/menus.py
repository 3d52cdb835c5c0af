"""The events app's entries in the site menu (registered in ``apps.py``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from cms.navigation import MenuLink, menu_link
from core_apps.events.selectors import festival_next


def events_menu_links(request: HttpRequest) -> list[MenuLink]:
    """ "Events & classes", and "Festival" while one is coming (one query)."""
    links = menu_link(_("Events & classes"), "events:list")
    festival = festival_next(user=getattr(request, "user", None))
    if festival is not None:
        links.append(MenuLink(label=_("Festival"), url=festival.get_absolute_url()))
    return links
