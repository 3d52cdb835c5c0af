"""The site menus: app sections, owner pages, the member menu, bounded queries,
and no community's pages or festival in another's menu."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from wagtail.models import Site

from cms.models import HomePage, StandardPage
from core_apps.events.models import Event
from tests.conftest import login
from tests.core_apps.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _menu(html: bytes, label: str) -> list[str]:
    nav = BeautifulSoup(html, "html.parser").find("nav", attrs={"aria-label": label})
    return [a.get_text(strip=True) for a in nav.find_all("a")] if nav else []


def _page(community, title: str, slug: str) -> None:
    with schema_context(community.schema_name):
        home = HomePage.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)
        page = StandardPage(title=title, slug=slug)
        home.add_child(instance=page)
        page.save_revision().publish()


def test_header_menu_lists_the_sections_and_pages_the_owner_adds(client_a, community_a):
    _page(community_a, "About us", "about-us")  # "show in menus" is on by default
    with schema_context(community_a.schema_name):
        assert StandardPage.objects.get(slug="about-us").show_in_menus
    response = client_a.get("/")
    assert response.status_code == 200
    main = _menu(response.content, "Main")
    assert main[:4] == ["Events & classes", "Partner finder", "Artists", "Venues"]
    assert "About us" in main
    account = _menu(response.content, "Your account")
    assert account == ["Sign in", "Join"]
    # The footer repeats the sections.
    assert "Events & classes" in _menu(response.content, "Explore")


def test_festival_link_appears_while_a_festival_is_coming(client_a, community_a):
    with schema_context(community_a.schema_name):
        EventFactory(title="Spring fest", slug="spring-fest", kind=Event.Kind.FESTIVAL)
    response = client_a.get("/events/")
    main = _menu(response.content, "Main")
    assert "Festival" in main
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("a", string="Festival")["href"] == "/events/spring-fest/"
    assert soup.find("a", string="Events & classes")["aria-current"] == "page"


def test_member_menu_shows_the_display_name_and_member_links(client_a, community_a):
    with schema_context(community_a.schema_name):
        user = UserFactory(email="nav@example.org", display_name="Nadia")
    login(client_a, community_a, user)
    response = client_a.get("/")
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(".account-nav__user").get_text(strip=True) == "Nadia"
    assert _menu(response.content, "Your account") == [
        "My tickets",
        "Messages",
        "Profile",
        "Privacy",
    ]
    assert soup.find("button", string="Sign out") is not None


def test_menu_costs_a_bounded_number_of_queries(client_a, community_a):
    _page(community_a, "Page 0", "page-0")
    client_a.get("/")  # warm Wagtail's site lookup
    with CaptureQueriesContext(connection) as few:
        client_a.get("/")
    for index in range(1, 8):
        _page(community_a, f"Page {index}", f"page-{index}")
    with CaptureQueriesContext(connection) as many:
        response = client_a.get("/")
    assert "Page 7" in _menu(response.content, "Main")
    assert len(many) == len(few)


def test_menus_never_show_another_communitys_pages_or_festival(
    client_a, client_b, community_a, community_b
):
    _page(community_b, "Beta secret page", "beta-secret")
    with schema_context(community_b.schema_name):
        EventFactory(title="Beta fest", slug="beta-fest", kind=Event.Kind.FESTIVAL)
    main_a = _menu(client_a.get("/").content, "Main")
    assert "Beta secret page" not in main_a and "Festival" not in main_a
    main_b = _menu(client_b.get("/").content, "Main")
    assert "Beta secret page" in main_b and "Festival" in main_b
