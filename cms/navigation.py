"""The site's menus: the header menu, the member menu and the footer's links.

Domain apps add their entries from ``AppConfig.ready`` (``cms`` imports no
domain app)::

    from cms.navigation import menu_link_register
    menu_link_register(section="main", position=10, provider=events_menu_links)

A provider takes the request and returns ``MenuLink``s; it may run at most one
small query (the events app asks whether a festival is coming). Pages the owner
adds in Wagtail with "show in menus" follow the apps' links. ``menu_for_request``
builds everything in one pass: a bounded number of queries whatever the number
of pages (one per provider that needs data; the menu pages are kept in the page
cache's store, ``cms.selectors.menu_page_links``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from cms.selectors import menu_page_links

Section = Literal["main", "member"]


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    current: bool = False


@dataclass(frozen=True)
class Menu:
    main: list[MenuLink] = field(default_factory=list)
    member: list[MenuLink] = field(default_factory=list)
    display_name: str = ""
    signed_in: bool = False


MenuLinkProvider = Callable[[HttpRequest], list[MenuLink]]
_PROVIDERS: dict[Section, list[tuple[int, MenuLinkProvider]]] = {"main": [], "member": []}


def menu_link_register(*, section: Section, position: int, provider: MenuLinkProvider) -> None:
    """Add an app's links to a menu, ordered by ``position`` (idempotent)."""
    entries = _PROVIDERS[section]
    if all(existing is not provider for _, existing in entries):
        entries.append((position, provider))
        entries.sort(key=lambda entry: entry[0])


def menu_link(label: str, url_name: str, *, query: str = "") -> list[MenuLink]:
    """One link to a named URL, or none when the URL is not installed."""
    try:
        url = reverse(url_name)
    except NoReverseMatch:
        return []
    return [MenuLink(label=label, url=url + (f"?{query}" if query else ""))]


def _marked(links: list[MenuLink], path: str) -> list[MenuLink]:
    """Mark the link of the section the visitor is in (longest matching prefix)."""
    best = max(
        (link for link in links if link.url != "/" and path.startswith(link.url.split("?")[0])),
        key=lambda link: len(link.url),
        default=None,
    )
    return [MenuLink(link.label, link.url, current=link is best) for link in links]


def menu_for_request(*, request: HttpRequest) -> Menu:
    """The header and member menus for this visitor on this community's host."""
    main: list[MenuLink] = []
    for _, provider in _PROVIDERS["main"]:
        main.extend(provider(request))
    main.extend(MenuLink(label=label, url=url) for label, url in menu_page_links(request=request))
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    member: list[MenuLink] = []
    if signed_in:
        for _, provider in _PROVIDERS["member"]:
            member.extend(provider(request))
    display_name = ""
    if signed_in and user is not None:
        display_name = user.get_short_name() or user.get_full_name() or user.get_username()
    path = request.path
    return Menu(
        main=_marked(main, path),
        member=_marked(member, path),
        display_name=str(display_name),
        signed_in=signed_in,
    )
