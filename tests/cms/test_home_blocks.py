"""Home page blocks read live data of the community whose host is asked, and a
new community starts with a sensible page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from wagtail.models import Site

from cms.models import HomePage
from cms.services import home_sections_starter
from core_apps.events.models import Event
from tenants.models import Community
from tests.core_apps.events.factories import EventFactory

pytestmark = pytest.mark.django_db

SECTIONS = [
    ("upcoming_events", {"heading": "Upcoming events", "count": 6}),
    ("classes_this_week", {"heading": "Classes this week", "count": 6}),
    ("teachers", {"heading": "Meet our artists", "count": 4}),
    ("venues", {"heading": "Where we dance", "count": 3}),
]


def _home(community, sections) -> None:
    with schema_context(community.schema_name):
        home = HomePage.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)
        home.sections = sections
        home.save_revision().publish()


def test_upcoming_events_and_classes_this_week_are_live_and_stay_in_their_community(
    client_a, client_b, community_a, community_b
):
    soon = timezone.now() + timedelta(days=2)
    with schema_context(community_a.schema_name):
        EventFactory(title="Alpha social", slug="alpha-social", starts_at=soon)
        EventFactory(
            title="Alpha beginners",
            slug="alpha-beginners",
            kind=Event.Kind.CLASS,
            starts_at=soon,
        )
        EventFactory(
            title="Alpha fest",
            slug="alpha-fest",
            kind=Event.Kind.FESTIVAL,
            starts_at=soon + timedelta(days=20),
            ends_at=soon + timedelta(days=22),
        )
    with schema_context(community_b.schema_name):
        EventFactory(title="Beta milonga", slug="beta-milonga", starts_at=soon)
    _home(community_a, SECTIONS)
    _home(community_b, SECTIONS)

    html_a = client_a.get("/").content.decode()
    assert "Alpha social" in html_a and "Alpha beginners" in html_a
    assert "Beta milonga" not in html_a
    # A festival shows its whole span, not one evening.
    assert "\u2013" in html_a.split("Alpha fest")[1].split("</li>")[0]
    html_b = client_b.get("/").content.decode()
    assert "Beta milonga" in html_b and "Alpha" not in html_b.replace("Alpha Salsa", "")


def test_empty_lists_say_so_with_a_next_step(client_b, community_b):
    _home(community_b, SECTIONS)
    html = client_b.get("/").content.decode()
    assert "No events are announced yet." in html
    assert "No classes this week." in html
    assert 'href="/events/"' in html


def test_a_new_community_starts_with_a_hero_live_lists_and_a_way_to_stay_in_touch(
    community_a,
):
    kinds = [kind for kind, _ in home_sections_starter(community=community_a)]
    assert kinds[0] == "hero"
    assert {"upcoming_events", "classes_this_week", "teachers", "newsletter_contact"} <= set(kinds)
    # The starter validates as the page editor would.
    from cms.blocks import HomeStreamBlock

    block = HomeStreamBlock()
    block.clean(block.to_python([{"type": k, "value": v} for k, v in _raw(community_a)]))


def _raw(community):
    return [
        (kind, {key: value for key, value in value.items() if value is not None})
        for kind, value in home_sections_starter(community=community)
    ]


def test_a_leading_hero_block_is_the_pages_hero_with_its_one_h1(client_a, community_a):
    _home(community_a, home_sections_starter(community=community_a))
    html = client_a.get("/").content.decode()
    assert html.count("<h1") == 1
    assert f"Dance with {community_a.name}" in html
    assert "See what&#x27;s on" in html or "See what's on" in html


def test_the_starter_home_page_speaks_the_communitys_language():
    from django.utils import translation

    spanish = Community(name="Tango del Barrio", language="es")
    hero = dict(home_sections_starter(community=spanish))["hero"]
    with translation.override("es"):
        expected = translation.gettext("Dance with %(name)s") % {"name": "Tango del Barrio"}
    assert hero["heading"] == expected != "Dance with Tango del Barrio"
