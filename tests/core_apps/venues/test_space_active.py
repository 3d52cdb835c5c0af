"""Deactivating and reactivating a space: only staff or the venue's managers,
audited; an inactive space leaves the public pages and API lists, refuses new
requests (page 410, API 409 ``space_inactive``), and keeps its bookings, which
the requester and the manager still see."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client

from core_apps.accounts.roles import Role
from core_apps.privacy.models import AuditEntry
from core_apps.venues.models import SpaceBooking
from core_apps.venues.selectors import SpaceInactive
from core_apps.venues.services import (
    space_activate,
    space_booking_approve,
    space_booking_request,
    space_deactivate,
)
from pista.errors import PermissionDenied
from tests.core_apps.venues.factories import SpaceFactory, VenueFactory, berlin, user_with_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(in_a):
    manager = user_with_role(Role.VENUE_MANAGER)
    organizer = user_with_role(Role.ORGANIZER)
    venue = VenueFactory(managers=[manager], name="Salón Alfa", slug="salon-alfa")
    space = SpaceFactory(venue=venue, name="Retired Room")
    kept = SpaceFactory(venue=venue, name="Open Room")
    return {
        "manager": manager,
        "organizer": organizer,
        "venue": venue,
        "space": space,
        "kept": kept,
    }


def signed_in(client: Client, user, community) -> Client:
    connection.set_tenant(community)
    client.force_login(user)
    return client


def request_body(space, **overrides):
    return {
        "space": space.pk,
        "title": "Weekend bootcamp",
        "starts_at": berlin(2031, 6, 3, 18).isoformat(),
        "ends_at": berlin(2031, 6, 3, 20).isoformat(),
        **overrides,
    }


def post_json(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_a_manager_deactivates_and_reactivates_a_space_each_step_audited_once(hall):
    space, manager = hall["space"], hall["manager"]
    space_deactivate(actor=manager, space=space)
    space.refresh_from_db()
    assert space.is_active is False
    space_deactivate(actor=manager, space=space)  # already inactive: nothing to record
    entries = AuditEntry.objects.filter(action="space.deactivate")
    assert entries.count() == 1
    assert entries.get().actor == manager
    assert entries.get().data == {"venue": space.venue_id, "name": "Retired Room"}

    space_activate(actor=manager, space=space)
    space.refresh_from_db()
    assert space.is_active is True
    assert AuditEntry.objects.get(action="space.activate").actor == manager


def test_only_staff_or_this_venues_managers_may_deactivate_a_space(hall):
    other_manager = user_with_role(Role.VENUE_MANAGER)
    VenueFactory(managers=[other_manager])
    for user in (UserFactory(), hall["organizer"], other_manager):
        with pytest.raises(PermissionDenied):
            space_deactivate(actor=user, space=hall["space"])
    space_deactivate(actor=user_with_role(Role.ADMIN), space=hall["space"])
    hall["space"].refresh_from_db()
    assert hall["space"].is_active is False
    assert AuditEntry.objects.filter(action="space.deactivate").count() == 1


def test_an_inactive_space_refuses_new_requests_in_the_service(hall):
    space_deactivate(actor=hall["manager"], space=hall["space"])
    for rrule in (None, "FREQ=WEEKLY;COUNT=3"):
        with pytest.raises(SpaceInactive) as refused:
            space_booking_request(
                requester=hall["organizer"],
                space=hall["space"],
                title="Class",
                starts_at=berlin(2031, 6, 3, 18),
                ends_at=berlin(2031, 6, 3, 20),
                rrule=rrule,
            )
        assert refused.value.status_code == 409
        assert "Retired Room at Salón Alfa no longer takes booking requests." in str(refused.value)
    assert not SpaceBooking.objects.exists()


def test_an_inactive_space_refuses_requests_through_the_page_and_the_api(hall, client_a, in_a):
    space = hall["space"]
    space_deactivate(actor=hall["manager"], space=space)
    client = signed_in(client_a, hall["organizer"], in_a)

    page = client.get(f"/venues/spaces/{space.pk}/")
    assert page.status_code == 410
    assert "This space no longer takes booking requests." in page.content.decode()
    assert 'name="send"' not in page.content.decode()
    sent = client.post(
        f"/venues/spaces/{space.pk}/",
        {
            "title": "Class",
            "starts_at": "2031-06-03T18:00",
            "ends_at": "2031-06-03T20:00",
            "send": "1",
        },
    )
    assert sent.status_code == 410

    api = post_json(client, "/api/v1/space-bookings/", request_body(space))
    assert api.status_code == 409
    assert api.json()["code"] == "space_inactive"
    assert "no longer takes booking requests" in api.json()["detail"]
    quote = post_json(client, f"/api/v1/spaces/{space.pk}/quote/", request_body(space))
    assert quote.status_code == 409
    assert quote.json()["code"] == "space_inactive"
    connection.set_tenant(in_a)
    assert not SpaceBooking.objects.exists()

    # Reactivated, it takes requests again.
    space_activate(actor=hall["manager"], space=space)
    assert post_json(client, "/api/v1/space-bookings/", request_body(space)).status_code == 201


def test_the_public_pages_and_the_api_list_only_active_spaces(hall, client_a, in_a):
    space, kept, venue = hall["space"], hall["kept"], hall["venue"]
    space_deactivate(actor=hall["manager"], space=space)
    connection.set_tenant(in_a)
    for url in ("/venues/", f"/venues/{venue.slug}/"):
        page = client_a.get(url).content.decode()
        assert "Open Room" in page and f"/venues/spaces/{kept.pk}/" in page
        assert "Retired Room" not in page and f"/venues/spaces/{space.pk}/" not in page
    listed = client_a.get("/api/v1/venues/").json()["results"][0]["spaces"]
    detail = client_a.get(f"/api/v1/venues/{venue.pk}/").json()["spaces"]
    assert [s["name"] for s in listed] == [s["name"] for s in detail] == ["Open Room"]


def test_confirmed_bookings_of_a_deactivated_space_stay_visible_to_both_sides(hall, client_a, in_a):
    space, manager, organizer = hall["space"], hall["manager"], hall["organizer"]
    (booking,) = space_booking_request(
        requester=organizer,
        space=space,
        title="Summer intensive",
        starts_at=berlin(2031, 6, 3, 18),
        ends_at=berlin(2031, 6, 3, 20),
    )
    space_booking_approve(actor=manager, booking=booking)
    space_deactivate(actor=manager, space=space)
    booking.refresh_from_db()
    assert booking.status == SpaceBooking.Status.CONFIRMED

    for user in (organizer, manager):
        client = signed_in(Client(HTTP_HOST=client_a.defaults["HTTP_HOST"]), user, in_a)
        assert "Summer intensive" in client.get("/venues/bookings/").content.decode()
        detail = client.get(f"/venues/bookings/{booking.pk}/")
        assert detail.status_code == 200 and "Summer intensive" in detail.content.decode()
        listed = client.get("/api/v1/space-bookings/").json()["results"]
        assert [(b["id"], b["status"]) for b in listed] == [(booking.pk, "confirmed")]
