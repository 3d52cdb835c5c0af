"""Venues, spaces and opening hours in the back office: every write goes
through the venues' services (audited, their rules applied), for staff only,
per community; prices are typed as decimals and shown formatted."""

from __future__ import annotations

from datetime import time

import pytest
from django_tenants.utils import schema_context

from core_apps.accounts.roles import Role
from core_apps.privacy.models import AuditEntry
from core_apps.venues.models import OpeningHours, Space, SpaceBooking, Venue
from core_apps.venues.services import space_booking_approve, space_booking_request
from tests.conftest import login
from tests.core_apps.events.factories import organizer_create
from tests.core_apps.venues.factories import SpaceFactory, VenueFactory, berlin, user_with_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VENUE = {
    "name": "Salón Norte",
    "address": "Calle 1, Madrid",
    "time_zone": "Europe/Madrid",
    "latitude": "40.416800",
    "longitude": "-3.703800",
    "house_rules": "Clean shoes.",
}
SPACE = {
    "name": "Big Room",
    "size_m2": "150",
    "capacity": "60",
    "floor_type": "sprung_wood",
    "mirrors": "on",
    "currency": "EUR",
    "hourly_rate": "129.50",
    "peak_hourly_rate": "",
    "minimum_minutes": "60",
    "setup_minutes": "15",
    "teardown_minutes": "0",
}


def hours_form(**rows: tuple[str, str]) -> dict[str, str]:
    """``d1_0=("09:00", "12:00")`` → the editor's POST data (empty elsewhere)."""
    data = {}
    for key, (opens, closes) in rows.items():
        data[f"{key}_opens"], data[f"{key}_closes"] = opens, closes
    return data


@pytest.fixture
def admin(in_a, client_a, community_a):
    user = user_with_role(Role.ADMIN)
    login(client_a, community_a, user)
    return user


def confirmed_booking(space: Space, *args: int) -> SpaceBooking:
    """A confirmed booking of ``space`` 19:00-21:00 Berlin time on ``args`` (y, m, d)."""
    manager = user_with_role(Role.VENUE_MANAGER)
    space.venue.managers.add(manager)
    booking = space_booking_request(
        requester=user_with_role(Role.ORGANIZER),
        space=space,
        title="Tuesday class",
        starts_at=berlin(*args, 19),
        ends_at=berlin(*args, 21),
    )[0]
    return space_booking_approve(actor=manager, booking=booking)


def test_the_venues_list_links_to_every_editor(client_a, admin):
    venue = VenueFactory(name="Studio Eins")
    space = SpaceFactory(venue=venue)
    page = client_a.get("/manage/venues/").content.decode()
    for url in (
        "/manage/venues/new/",
        f"/manage/venues/{venue.pk}/",
        f"/manage/venues/{venue.pk}/hours/",
        f"/manage/venues/{venue.pk}/spaces/{space.pk}/",
        f"/manage/venues/{venue.pk}/blackouts/",
    ):
        assert url in page
    assert "/cms/snippets/venues/" not in page


def test_creating_and_editing_a_venue_is_audited(client_a, admin):
    manager = user_with_role(Role.VENUE_MANAGER)
    response = client_a.post("/manage/venues/new/", {**VENUE, "managers": [manager.pk]})
    assert response.status_code == 302, response.content.decode()[:3000]
    venue = Venue.objects.get(name="Salón Norte")
    assert (venue.slug, venue.time_zone) == ("salon-norte", "Europe/Madrid")
    assert list(venue.managers.all()) == [manager]
    created = AuditEntry.objects.get(action="venue.create")
    assert created.actor == admin and created.data["managers"] == [manager.pk]

    response = client_a.post(
        f"/manage/venues/{venue.pk}/", {**VENUE, "house_rules": "No heels.", "managers": []}
    )
    assert response.status_code == 302
    venue.refresh_from_db()
    assert venue.house_rules == "No heels." and not venue.managers.exists()
    updated = AuditEntry.objects.get(action="venue.update")
    assert updated.actor == admin
    assert updated.data["changed"] == ["house_rules", "managers"]


def test_a_bad_time_zone_or_an_empty_name_is_refused(client_a, admin):
    assert (
        client_a.post("/manage/venues/new/", {**VENUE, "time_zone": "Mars/Olympus"}).status_code
        == 400
    )
    assert client_a.post("/manage/venues/new/", {**VENUE, "name": "   "}).status_code == 400
    assert not Venue.objects.exists()
    assert not AuditEntry.objects.filter(action="venue.create").exists()


def test_a_space_price_is_typed_as_a_decimal_stored_in_minor_units_and_shown_formatted(
    client_a, admin
):
    venue = VenueFactory()
    form = client_a.get(f"/manage/venues/{venue.pk}/spaces/new/").content.decode()
    assert "cents" not in form.lower() and "minor units" not in form.lower()
    response = client_a.post(
        f"/manage/venues/{venue.pk}/spaces/new/", {**SPACE, "peak_weekdays": ["4", "5"]}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    space = Space.objects.get(venue=venue)
    assert (space.hourly_rate_minor, space.setup_minutes, space.mirrors) == (12950, 15, True)
    assert AuditEntry.objects.get(action="space.create").data == {
        "venue": venue.pk,
        "name": "Big Room",
    }
    edit = client_a.get(f"/manage/venues/{venue.pk}/spaces/{space.pk}/").content.decode()
    assert 'value="129.50"' in edit
    assert "€129.50" in client_a.get(f"/manage/venues/{venue.pk}/").content.decode()

    response = client_a.post(
        f"/manage/venues/{venue.pk}/spaces/{space.pk}/",
        {
            **SPACE,
            "hourly_rate": "80,00",
            "peak_hourly_rate": "95",
            "peak_starts": "18:00",
            "peak_ends": "22:00",
            "peak_weekdays": ["0", "1"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    space.refresh_from_db()
    assert (space.hourly_rate_minor, space.peak_hourly_rate_minor) == (8000, 9500)
    assert space.peak_weekdays == [0, 1]
    changed = AuditEntry.objects.get(action="space.update").data["changed"]
    assert {"hourly_rate_minor", "peak_hourly_rate_minor", "peak_weekdays"} <= set(changed)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hourly_rate": "12.345"}, "at most 2 decimals"),
        ({"hourly_rate": "-1"}, "greater than or equal to 0"),
        ({"hourly_rate": "lots"}, "Enter a number"),
        ({"peak_hourly_rate": "40"}, "A peak rate needs the hours it applies"),
    ],
)
def test_bad_prices_are_a_message_and_nothing_is_saved(client_a, admin, change, message):
    venue = VenueFactory()
    response = client_a.post(f"/manage/venues/{venue.pk}/spaces/new/", {**SPACE, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Space.objects.exists()


def test_a_space_with_a_confirmed_booking_to_come_cannot_be_deleted(client_a, admin):
    space = SpaceFactory(name="Main Hall")
    booking = confirmed_booking(space, 2031, 5, 13)
    url = f"/manage/venues/{space.venue_id}/spaces/{space.pk}/delete/"
    assert client_a.get(url).status_code == 200
    response = client_a.post(url)
    assert response.status_code == 409
    page = response.content.decode()
    assert "confirmed bookings still to come" in page and f"#{booking.pk}" in page
    assert Space.objects.filter(pk=space.pk).exists()
    assert not AuditEntry.objects.filter(action="space.delete").exists()


def test_a_space_never_booked_is_deleted_and_audited(client_a, admin):
    space = SpaceFactory(name="Small Room")
    response = client_a.post(f"/manage/venues/{space.venue_id}/spaces/{space.pk}/delete/")
    assert response.status_code == 302
    assert not Space.objects.filter(pk=space.pk).exists()
    entry = AuditEntry.objects.get(action="space.delete")
    assert entry.actor == admin and entry.data == {"space": space.pk, "name": "Small Room"}


def test_opening_hours_are_set_per_weekday_and_audited(client_a, admin):
    venue = VenueFactory()
    OpeningHours.objects.create(venue=venue, weekday=6, opens=time(10), closes=time(12))
    page = client_a.get(f"/manage/venues/{venue.pk}/hours/").content.decode()
    assert "Monday" in page and "Sunday" in page and 'value="10:00"' in page
    response = client_a.post(
        f"/manage/venues/{venue.pk}/hours/",
        hours_form(d0_0=("18:00", "23:00"), d5_0=("10:00", "14:00"), d5_1=("16:00", "23:30")),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [(h.weekday, h.opens, h.closes) for h in venue.opening_hours.all()] == [
        (0, time(18), time(23)),
        (5, time(10), time(14)),
        (5, time(16), time(23, 30)),
    ]
    entry = AuditEntry.objects.get(action="venue.opening_hours_set")
    assert entry.actor == admin and len(entry.data["hours"]) == 3


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({"d2_0": ("10:00", "14:00"), "d2_1": ("13:00", "18:00")}, "overlap"),
        ({"d3_0": ("22:00", "09:00")}, "closes before it opens"),
        ({"d4_0": ("10:00", "")}, "Give both the opening and the closing time."),
    ],
)
def test_bad_opening_hours_are_refused_and_nothing_changes(client_a, admin, rows, message):
    venue = VenueFactory()
    OpeningHours.objects.create(venue=venue, weekday=6, opens=time(10), closes=time(12))
    response = client_a.post(f"/manage/venues/{venue.pk}/hours/", hours_form(**rows))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert [h.weekday for h in venue.opening_hours.all()] == [6]
    assert not AuditEntry.objects.filter(action="venue.opening_hours_set").exists()


def test_hours_that_would_strand_a_confirmed_booking_are_refused(client_a, admin):
    space = SpaceFactory()
    booking = confirmed_booking(space, 2031, 5, 13)  # a Tuesday, 19:00-21:00
    url = f"/manage/venues/{space.venue_id}/hours/"
    response = client_a.post(url, hours_form(d1_0=("09:00", "20:00")))
    assert response.status_code == 409
    page = response.content.decode()
    assert f"#{booking.pk}" in page and "Tue 2031-05-13 19:00-21:00" in page
    assert not OpeningHours.objects.exists()
    # Hours that still hold the booking are fine.
    assert client_a.post(url, hours_form(d1_0=("18:00", "22:00"))).status_code == 302


def test_members_and_organizers_cannot_write_venues(in_a, client_a, community_a):
    venue = VenueFactory(name="Untouched")
    space = SpaceFactory(venue=venue, name="Kept")
    writes = [
        ("/manage/venues/new/", VENUE),
        (f"/manage/venues/{venue.pk}/", {**VENUE, "name": "Taken"}),
        (f"/manage/venues/{venue.pk}/spaces/new/", SPACE),
        (f"/manage/venues/{venue.pk}/spaces/{space.pk}/", {**SPACE, "name": "Taken"}),
        (f"/manage/venues/{venue.pk}/spaces/{space.pk}/delete/", {}),
        (f"/manage/venues/{venue.pk}/hours/", hours_form(d0_0=("09:00", "10:00"))),
    ]
    for user in (UserFactory(), organizer_create()):
        login(client_a, community_a, user)
        for url, data in writes:
            assert client_a.post(url, data).status_code == 403, url
    client_a.logout()
    assert client_a.post(writes[0][0], VENUE).status_code == 302  # to the sign-in page
    venue.refresh_from_db()
    assert venue.name == "Untouched" and list(venue.spaces.values_list("name", flat=True)) == [
        "Kept"
    ]
    assert Venue.objects.count() == 1 and not OpeningHours.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="venue.").exists()
    assert not AuditEntry.objects.filter(action__startswith="space.").exists()


def test_another_communitys_venue_and_space_are_not_found(client_a, admin, community_b):
    with schema_context(community_b.schema_name):
        # Ids that A does not use, so a leak could not pass for A's own row.
        other = VenueFactory(pk=900_001, name="Beta Hall")
        other_space = SpaceFactory(pk=900_002, venue=other, name="Beta Room")
    own = VenueFactory()
    elsewhere = SpaceFactory()  # another venue's space in A
    urls = [
        f"/manage/venues/{other.pk}/",
        f"/manage/venues/{other.pk}/hours/",
        f"/manage/venues/{other.pk}/spaces/new/",
        f"/manage/venues/{other.pk}/spaces/{other_space.pk}/",
        f"/manage/venues/{other.pk}/spaces/{other_space.pk}/delete/",
        f"/manage/venues/{own.pk}/spaces/{other_space.pk}/",
        # A space is reached through its own venue only.
        f"/manage/venues/{own.pk}/spaces/{elsewhere.pk}/",
        f"/manage/venues/{own.pk}/spaces/{elsewhere.pk}/delete/",
    ]
    for url in urls:
        assert client_a.get(url).status_code == 404, url
        assert client_a.post(url, {**VENUE, **SPACE}).status_code == 404, url
    with schema_context(community_b.schema_name):
        assert Venue.objects.get(pk=other.pk).name == "Beta Hall"
        assert Space.objects.get(pk=other_space.pk).name == "Beta Room"
    assert Space.objects.filter(pk=elsewhere.pk).exists()
