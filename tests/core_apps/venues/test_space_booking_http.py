"""Space booking through HTTP, as the requester and as the venue manager, and
across communities: A's venues are invisible and unbookable from B's host."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from core_apps.accounts.roles import Role
from core_apps.venues.models import SpaceBooking
from tests.core_apps.venues.factories import SpaceFactory, VenueFactory, berlin, user_with_role


def post_json(client, url, data=None):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


@pytest.fixture
def setup_a(in_a, client_a):
    manager = user_with_role(Role.VENUE_MANAGER)
    organizer = user_with_role(Role.ORGANIZER)
    venue = VenueFactory(managers=[manager], name="Salón Alfa", slug="salon-alfa")
    space = SpaceFactory(venue=venue, name="Big Room", hourly_rate_minor=4000)
    return {"manager": manager, "organizer": organizer, "venue": venue, "space": space}


def as_user(client, user, community):
    connection.set_tenant(community)
    client.force_login(user)
    return client


def request_body(target, /, **overrides):
    return {
        "space": target.pk,
        "title": "Weekend bootcamp",
        "starts_at": berlin(2031, 6, 3, 18).isoformat(),
        "ends_at": berlin(2031, 6, 3, 20).isoformat(),
        **overrides,
    }


def test_request_then_approve_through_the_api_as_the_two_sides(setup_a, client_a, in_a):
    from django.test import Client

    organizer_client = as_user(client_a, setup_a["organizer"], in_a)
    manager_client = as_user(
        Client(HTTP_HOST=client_a.defaults["HTTP_HOST"]), setup_a["manager"], in_a
    )
    space = setup_a["space"]

    quote = post_json(organizer_client, f"/api/v1/spaces/{space.pk}/quote/", request_body(space))
    assert quote.status_code == 200
    assert quote.json()["total_free_minor"] == 8000

    created = post_json(organizer_client, "/api/v1/space-bookings/", request_body(space))
    assert created.status_code == 201, created.json()
    (booking,) = created.json()
    assert (booking["status"], booking["price_minor"], booking["currency"]) == (
        "requested",
        8000,
        "EUR",
    )

    # The requester cannot approve their own request.
    refused = post_json(organizer_client, f"/api/v1/space-bookings/{booking['id']}/approve/")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"

    assert manager_client.get("/api/v1/space-bookings/").json()["count"] == 1
    approved = post_json(manager_client, f"/api/v1/space-bookings/{booking['id']}/approve/")
    assert approved.status_code == 200
    assert approved.json()["status"] == "confirmed"

    again = post_json(manager_client, f"/api/v1/space-bookings/{booking['id']}/approve/")
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"

    availability = organizer_client.get(
        f"/api/v1/spaces/{space.pk}/availability/",
        {"from": "2031-06-03T00:00:00+02:00", "to": "2031-06-04T00:00:00+02:00"},
    )
    assert availability.status_code == 200
    assert availability.json()["busy"] == [
        {"starts_at": "2031-06-03T16:00:00Z", "ends_at": "2031-06-03T18:00:00Z", "kind": "booking"}
    ]


def test_an_overlapping_request_gets_a_409_booking_conflict_not_a_500(setup_a, client_a, in_a):
    organizer_client = as_user(client_a, setup_a["organizer"], in_a)
    space = setup_a["space"]
    SpaceFactory._meta.model.objects.filter(pk=space.pk).update(auto_approve=True)
    first = post_json(organizer_client, "/api/v1/space-bookings/", request_body(space))
    assert first.json()[0]["status"] == "confirmed"

    clash = post_json(
        organizer_client,
        "/api/v1/space-bookings/",
        request_body(
            space,
            starts_at=berlin(2031, 6, 3, 19).isoformat(),
            ends_at=berlin(2031, 6, 3, 21).isoformat(),
        ),
    )

    assert clash.status_code == 409
    assert clash.json()["code"] == "booking_conflict"
    assert clash.json()["extra"]["conflicting_booking"] == first.json()[0]["id"]


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"ends_at": berlin(2031, 6, 3, 17).isoformat()}, "invalid_times"),
        ({"ends_at": berlin(2031, 6, 3, 18).isoformat()}, "invalid_times"),
        ({"ends_at": berlin(2031, 6, 3, 18, 30).isoformat()}, "below_minimum_duration"),
        ({"rrule": "FREQ=WEEKLY"}, "invalid_recurrence"),
        ({"starts_at": "tomorrow"}, "invalid"),
        ({"space": 999999}, "not_found"),
    ],
)
def test_bad_requests_get_a_clear_4xx_and_create_nothing(setup_a, client_a, in_a, overrides, code):
    organizer_client = as_user(client_a, setup_a["organizer"], in_a)

    response = post_json(
        organizer_client, "/api/v1/space-bookings/", request_body(setup_a["space"], **overrides)
    )

    assert 400 <= response.status_code < 500
    assert response.json()["code"] == code
    connection.set_tenant(in_a)
    assert not SpaceBooking.objects.exists()


def test_availability_needs_a_valid_window(setup_a, client_a):
    space = setup_a["space"]
    missing = client_a.get(f"/api/v1/spaces/{space.pk}/availability/")
    backwards = client_a.get(
        f"/api/v1/spaces/{space.pk}/availability/",
        {"from": "2031-06-04T00:00:00Z", "to": "2031-06-03T00:00:00Z"},
    )

    assert missing.status_code == 400
    assert set(missing.json()["errors"]) == {"from", "to"}
    assert backwards.status_code == 400
    assert backwards.json()["code"] == "invalid_times"


def test_html_request_with_preview_then_manager_approves(setup_a, client_a, in_a):
    from django.test import Client

    space = setup_a["space"]
    organizer_client = as_user(client_a, setup_a["organizer"], in_a)
    form = {
        "title": "Tango term",
        "starts_at": "2027-03-02T19:00",
        "ends_at": "2027-03-02T21:00",
        "rrule": "FREQ=WEEKLY;COUNT=4",
    }

    page = organizer_client.get(f"/venues/spaces/{space.pk}/")
    assert page.status_code == 200
    assert b"Big Room" in page.content
    preview = organizer_client.post(f"/venues/spaces/{space.pk}/", {**form, "preview": "1"})
    assert preview.status_code == 200
    assert preview.content.count(b"Tue 2027-03") == 4
    assert "€320.00".encode() in preview.content  # 4 x 2 h x 40.00
    bad = organizer_client.post(
        f"/venues/spaces/{space.pk}/", {**form, "ends_at": "2027-03-02T18:00", "send": "1"}
    )
    assert bad.status_code == 400
    assert b"The end must be after the start." in bad.content

    sent = organizer_client.post(f"/venues/spaces/{space.pk}/", {**form, "send": "1"})
    assert sent.status_code == 302
    connection.set_tenant(in_a)
    booking = SpaceBooking.objects.order_by("starts_at").first()
    assert booking.starts_at == berlin(2027, 3, 2, 19)

    manager_client = as_user(
        Client(HTTP_HOST=client_a.defaults["HTTP_HOST"]), setup_a["manager"], in_a
    )
    forbidden = organizer_client.post(f"/venues/bookings/{booking.pk}/approve/")
    assert forbidden.status_code == 403
    approved = manager_client.post(f"/venues/bookings/{booking.pk}/approve/")
    assert approved.status_code == 302
    detail = manager_client.get(f"/venues/bookings/{booking.pk}/")
    assert b"Confirmed" in detail.content
    invoice = organizer_client.get(f"/venues/bookings/{booking.pk}/invoice/")
    assert invoice.status_code == 200
    assert "€80.00".encode() in invoice.content
    calendar = organizer_client.get(f"/venues/spaces/{space.pk}/?view=month&date=2027-03-01")
    # English (Babel's "en") reads a 12-hour clock.
    assert "7:00\u202fPM\u20139:00\u202fPM Tango term" in calendar.content.decode()


def test_a_venue_of_community_a_is_invisible_and_unbookable_from_community_b(
    setup_a, client_a, client_b, community_b, in_a
):
    space, venue = setup_a["space"], setup_a["venue"]
    organizer_a = setup_a["organizer"]
    organizer_client = as_user(client_a, organizer_a, in_a)
    booking_id = post_json(organizer_client, "/api/v1/space-bookings/", request_body(space)).json()[
        0
    ]["id"]
    connection.set_tenant(community_b)
    assert not SpaceBooking.objects.filter(pk=booking_id).exists()  # ORM in B's schema
    organizer_b = user_with_role(Role.ORGANIZER)
    client_b.force_login(organizer_b)

    assert client_a.get("/api/v1/venues/").json()["count"] == 1
    assert client_b.get("/api/v1/venues/").json()["count"] == 0
    assert client_b.get(f"/api/v1/venues/{venue.pk}/").status_code == 404
    assert (
        client_b.get(
            f"/api/v1/spaces/{space.pk}/availability/?from=2031-06-01T00:00:00Z&to=2031-06-05T00:00:00Z"
        ).status_code
        == 404
    )
    assert post_json(client_b, "/api/v1/space-bookings/", request_body(space)).status_code == 404
    assert client_b.get(f"/api/v1/space-bookings/{booking_id}/").status_code == 404
    assert post_json(client_b, f"/api/v1/space-bookings/{booking_id}/approve/").status_code == 404
    assert client_b.get("/venues/").status_code == 200
    assert "Salón Alfa" not in client_b.get("/venues/").content.decode()
    assert client_b.get(f"/venues/{venue.slug}/").status_code == 404
    assert client_b.get(f"/venues/spaces/{space.pk}/").status_code == 404
    assert client_b.post(f"/venues/spaces/{space.pk}/", {"send": "1"}).status_code == 404
    assert client_b.get(f"/venues/bookings/{booking_id}/").status_code == 404
    connection.set_tenant(community_b)
    assert not SpaceBooking.objects.exists()


def test_a_recurring_request_shows_its_conflicts_then_books_free_dates_and_is_approved_at_once(
    setup_a, client_a, in_a
):
    from django.test import Client

    space = setup_a["space"]
    organizer_client = as_user(client_a, setup_a["organizer"], in_a)
    host = client_a.defaults["HTTP_HOST"]
    manager_client = as_user(Client(HTTP_HOST=host), setup_a["manager"], in_a)
    taken = post_json(
        organizer_client,
        "/api/v1/space-bookings/",
        request_body(
            space,
            starts_at=berlin(2027, 3, 16, 20).isoformat(),
            ends_at=berlin(2027, 3, 16, 22).isoformat(),
        ),
    ).json()[0]["id"]
    post_json(manager_client, f"/api/v1/space-bookings/{taken}/approve/")
    term = request_body(
        space,
        starts_at=berlin(2027, 3, 2, 19).isoformat(),
        ends_at=berlin(2027, 3, 2, 21).isoformat(),
        rrule="FREQ=WEEKLY;COUNT=6",
    )

    quote = post_json(organizer_client, f"/api/v1/spaces/{space.pk}/quote/", term).json()
    assert (quote["free"], quote["conflicts"]) == (5, 1)
    flagged = [d for d in quote["dates"] if not d["is_free"]]
    assert flagged[0]["starts_at"] == "2027-03-16T18:00:00Z"
    assert flagged[0]["conflicting_booking"] == taken

    refused = post_json(organizer_client, "/api/v1/space-bookings/", term)
    assert refused.status_code == 409
    assert refused.json()["code"] == "recurrence_conflicts"
    created = post_json(
        organizer_client, "/api/v1/space-bookings/", {**term, "free_dates_only": True}
    )
    assert created.status_code == 201
    series = created.json()[0]["series"]

    assert (
        post_json(organizer_client, f"/api/v1/space-booking-series/{series}/approve/").status_code
        == 403
    )
    approved = post_json(manager_client, f"/api/v1/space-booking-series/{series}/approve/")
    assert approved.status_code == 200
    assert (len(approved.json()["confirmed"]), approved.json()["declined"]) == (5, [])
    inbox = organizer_client.get("/venues/bookings/")
    assert inbox.content.count(b" confirmed: ") >= 5


def test_a_manager_closes_the_venue_on_a_date_unless_bookings_are_confirmed(
    setup_a, client_a, in_a
):
    from django.test import Client

    space, venue = setup_a["space"], setup_a["venue"]
    host = client_a.defaults["HTTP_HOST"]
    organizer_client = as_user(client_a, setup_a["organizer"], in_a)
    manager_client = as_user(Client(HTTP_HOST=host), setup_a["manager"], in_a)
    url = f"/api/v1/venues/{venue.pk}/blackouts/"

    assert post_json(organizer_client, url, {"date": "2031-06-10"}).status_code == 403
    closed = post_json(manager_client, url, {"date": "2031-06-10", "reason": "Floor works"})
    assert closed.status_code == 201
    refused = post_json(
        organizer_client,
        "/api/v1/space-bookings/",
        request_body(
            space,
            starts_at=berlin(2031, 6, 10, 18).isoformat(),
            ends_at=berlin(2031, 6, 10, 20).isoformat(),
        ),
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "blackout_date"
    assert "Floor works" in refused.json()["detail"]

    booking = post_json(organizer_client, "/api/v1/space-bookings/", request_body(space)).json()[0]
    post_json(manager_client, f"/api/v1/space-bookings/{booking['id']}/approve/")
    clash = post_json(manager_client, url, {"date": "2031-06-03"})
    assert clash.status_code == 409
    assert f"#{booking['id']}" in clash.json()["detail"]
    assert post_json(manager_client, url, {"date": "not a date"}).status_code == 400
