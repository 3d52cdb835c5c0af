"""Venues and artists in the back office; closing a venue goes through its service."""

from __future__ import annotations

import pytest

from core_apps.accounts.roles import Role
from core_apps.privacy.models import AuditEntry
from core_apps.venues.models import BlackoutDate
from tests.conftest import login
from tests.core_apps.venues.factories import ArtistFactory, VenueFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(in_a, client_a, community_a):
    login(client_a, community_a, user_with_role(Role.ADMIN))
    return client_a


def test_venues_and_artists_are_listed_with_links(admin_client):
    venue = VenueFactory(name="Studio Eins")
    artist = ArtistFactory(name="Mara Teacher", is_public=True)
    venues = admin_client.get("/manage/venues/").content.decode()
    assert "Studio Eins" in venues and f"/manage/venues/{venue.pk}/blackouts/" in venues
    artists = admin_client.get("/manage/artists/").content.decode()
    assert "Mara Teacher" in artists and f"/artists/{artist.slug}/" in artists


def test_closing_a_venue_on_a_day_goes_through_the_service_and_is_audited(admin_client):
    venue = VenueFactory()
    response = admin_client.post(
        f"/manage/venues/{venue.pk}/blackouts/", {"day": "2031-05-13", "reason": "Floor works"}
    )
    assert response.status_code == 302
    assert BlackoutDate.objects.get(venue=venue).reason == "Floor works"
    assert AuditEntry.objects.get(action="venue.blackout_add").data["date"] == "2031-05-13"


def test_a_day_with_confirmed_bookings_cannot_be_closed(admin_client):
    from datetime import date

    from core_apps.venues.services import space_booking_approve, space_booking_request
    from tests.core_apps.venues.factories import SpaceFactory, berlin

    manager = user_with_role(Role.VENUE_MANAGER)
    space = SpaceFactory(venue=VenueFactory(managers=[manager]))
    organizer = user_with_role(Role.ORGANIZER)
    booking = space_booking_request(
        requester=organizer,
        space=space,
        title="Class",
        starts_at=berlin(2031, 5, 13, 19),
        ends_at=berlin(2031, 5, 13, 21),
    )[0]
    space_booking_approve(actor=manager, booking=booking)
    response = admin_client.post(
        f"/manage/venues/{space.venue_id}/blackouts/", {"day": "2031-05-13", "reason": "x"}
    )
    assert response.status_code == 409
    assert "confirmed bookings" in response.content.decode()
    assert not BlackoutDate.objects.filter(venue=space.venue, date=date(2031, 5, 13)).exists()


def test_organizers_without_the_permission_cannot_close_a_venue(in_a, client_a, community_a):
    from tests.core_apps.events.factories import organizer_create

    venue = VenueFactory()
    login(client_a, community_a, organizer_create())
    response = client_a.post(f"/manage/venues/{venue.pk}/blackouts/", {"day": "2031-05-13"})
    assert response.status_code == 403
    assert not BlackoutDate.objects.exists()
