"""iCal feeds of one teacher's and one space's public events; the RSS feed of
upcoming events."""

from __future__ import annotations

import pytest

from core_apps.events.models import Event
from tests.core_apps.events.factories import EventFactory
from tests.core_apps.venues.factories import ArtistFactory, SpaceFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lineup(in_a):
    teacher = ArtistFactory(name="Ana Tango", is_public=True)
    space = SpaceFactory(venue=VenueFactory(name="Casa"), name="Big hall")
    EventFactory(title="Ana's milonga", teacher_ids=[teacher.pk], space_id=space.pk)
    EventFactory(title="Someone else's class")
    EventFactory(
        title="Ana's private lesson", teacher_ids=[teacher.pk], visibility=Event.Visibility.UNLISTED
    )
    return teacher, space


def test_a_teacher_feed_lists_the_public_events_they_teach(client_a, lineup):
    teacher, _space = lineup
    response = client_a.get(f"/events/teachers/{teacher.pk}/feed.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "Ana's milonga" in body and "Ana Tango" in body
    assert "Someone else" not in body and "private lesson" not in body


def test_a_space_feed_lists_the_public_events_held_there(client_a, lineup):
    _teacher, space = lineup
    body = client_a.get(f"/events/spaces/{space.pk}/feed.ics").content.decode()
    assert "Ana's milonga" in body and "Big hall" in body
    assert "Someone else" not in body


def test_unknown_teachers_and_spaces_are_404_and_other_communities_see_nothing(
    client_a, client_b, lineup
):
    teacher, space = lineup
    assert client_a.get("/events/teachers/999999/feed.ics").status_code == 404
    assert client_a.get("/events/spaces/999999/feed.ics").status_code == 404
    assert client_b.get(f"/events/teachers/{teacher.pk}/feed.ics").status_code in (200, 404)
    assert "milonga" not in client_b.get(f"/events/spaces/{space.pk}/feed.ics").content.decode()


def test_the_rss_feed_lists_upcoming_public_events_of_this_community_only(
    client_a, client_b, lineup
):
    response = client_a.get("/events/feed.rss")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    body = response.content.decode()
    assert "Ana&#x27;s milonga" in body or "Ana's milonga" in body
    assert "private lesson" not in body
    assert "milonga" not in client_b.get("/events/feed.rss").content.decode()
