"""The venues' own write services: who may write, the rules they keep (opening
hours and time zones never strand a confirmed booking, a booked space stays),
and an audit entry for each write."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core_apps.accounts.roles import Role
from core_apps.privacy.models import AuditEntry
from core_apps.venues.models import BlackoutDate, OpeningHours, Space, SpaceBooking
from core_apps.venues.selectors import OpeningInterval, venue_blackouts_ahead
from core_apps.venues.services import (
    InvalidOpeningHours,
    VenueHasBookings,
    space_booking_approve,
    space_booking_cancel,
    space_booking_request,
    space_create,
    space_delete,
    space_update,
    venue_create,
    venue_opening_hours_set,
    venue_update,
)
from pista.errors import ApplicationError, PermissionDenied
from tests.core_apps.venues.factories import SpaceFactory, VenueFactory, berlin, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(in_a):
    return user_with_role(Role.ADMIN)


@pytest.fixture
def manager(in_a):
    return user_with_role(Role.VENUE_MANAGER)


def book(space: Space, manager, day: tuple[int, int, int], *, confirm: bool = True) -> SpaceBooking:
    """A booking of ``space`` 19:00-21:00 Berlin time on ``day``."""
    if not space.venue.managers.filter(pk=manager.pk).exists():
        space.venue.managers.add(manager)
    booking = space_booking_request(
        requester=user_with_role(Role.ORGANIZER),
        space=space,
        title="Class",
        starts_at=berlin(*day, 19),
        ends_at=berlin(*day, 21),
    )[0]
    return space_booking_approve(actor=manager, booking=booking) if confirm else booking


def test_staff_create_a_venue_with_a_unique_slug_and_it_is_audited(staff):
    first = venue_create(actor=staff, name="Sala Luna", time_zone="Europe/Madrid")
    second = venue_create(actor=staff, name="Sala Luna")
    assert (first.slug, second.slug) == ("sala-luna", "sala-luna-2")
    assert AuditEntry.objects.filter(action="venue.create", actor=staff).count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {"name": " "},
        {"name": "X", "time_zone": "Nowhere/Land"},
        {"name": "X", "latitude": 91},
        {"name": "X", "slug": "mine"},
    ],
)
def test_bad_venue_data_is_refused(staff, data):
    with pytest.raises(ApplicationError):
        venue_create(actor=staff, **data)


def test_members_cannot_create_venues_and_managers_cannot_reassign_theirs(in_a, manager):
    with pytest.raises(PermissionDenied):
        venue_create(actor=user_with_role(Role.MEMBER), name="Mine")
    venue = VenueFactory(managers=[manager])
    updated = venue_update(actor=manager, venue=venue, data={"house_rules": "Quiet after 22:00."})
    assert updated.house_rules == "Quiet after 22:00."
    with pytest.raises(PermissionDenied):
        venue_update(actor=manager, venue=venue, data={}, managers=[])
    with pytest.raises(PermissionDenied):
        venue_update(actor=user_with_role(Role.ORGANIZER), venue=venue, data={"name": "Taken"})
    assert list(venue.managers.all()) == [manager]


def test_a_venues_manager_runs_its_spaces_but_not_another_venues(in_a, manager):
    own = VenueFactory(managers=[manager])
    space = space_create(actor=manager, venue=own, name="Studio", hourly_rate_minor=2500)
    space_update(actor=manager, space=space, data={"capacity": 30, "auto_approve": True})
    space.refresh_from_db()
    assert (space.capacity, space.auto_approve) == (30, True)
    assert [e.action for e in AuditEntry.objects.filter(actor=manager).order_by("pk")] == [
        "space.create",
        "space.update",
    ]
    with pytest.raises(PermissionDenied):
        space_create(actor=manager, venue=VenueFactory(), name="Not mine")


@pytest.mark.parametrize(
    "data",
    [
        {"hourly_rate_minor": -1},
        {"hourly_rate_minor": 10.5},
        {"currency": "euro"},
        {"floor_type": "lava"},
        {"minimum_minutes": 0},
        {"peak_weekdays": [7]},
        {"peak_hourly_rate_minor": 4000},  # no peak hours
        {"peak_starts": time(18), "peak_ends": time(22)},  # no peak rate
        {"hourly_rate_minor": 100, "photo_url": "x"},
    ],
)
def test_bad_space_data_is_refused_and_nothing_is_written(staff, data):
    venue = VenueFactory()
    with pytest.raises(ApplicationError):
        space_create(actor=staff, venue=venue, name="Room", **data)
    assert not Space.objects.exists()


def test_a_space_keeps_its_bookings_prices_when_its_rate_changes(staff, manager):
    space = SpaceFactory(hourly_rate_minor=3000)
    booking = book(space, manager, (2031, 5, 13))
    space_update(actor=staff, space=space, data={"hourly_rate_minor": 9000})
    booking.refresh_from_db()
    assert booking.price_minor == 6000


def test_deleting_a_space_is_refused_while_a_confirmed_booking_is_to_come(staff, manager):
    space = SpaceFactory(name="Hall")
    booking = book(space, manager, (2031, 5, 13))
    with pytest.raises(VenueHasBookings) as refused:
        space_delete(actor=staff, space=space)
    assert f"#{booking.pk}" in refused.value.message
    assert refused.value.extra["bookings"] == [booking.pk]
    assert Space.objects.filter(pk=space.pk).exists()
    # Cancelled, the booking is still on record: the space keeps its history.
    space_booking_cancel(actor=manager, booking=booking)
    with pytest.raises(VenueHasBookings) as kept:
        space_delete(actor=staff, space=space)
    assert kept.value.code == "space_has_history"
    assert not AuditEntry.objects.filter(action="space.delete").exists()


def test_only_staff_with_the_permission_or_the_manager_delete_a_space(in_a, manager):
    space = SpaceFactory(venue=VenueFactory(managers=[manager]))
    with pytest.raises(PermissionDenied):
        space_delete(actor=user_with_role(Role.ORGANIZER), space=space)
    space_delete(actor=manager, space=space)
    assert not Space.objects.exists()
    assert AuditEntry.objects.get(action="space.delete").actor == manager


def test_opening_hours_replace_the_week_and_are_audited(staff):
    venue = VenueFactory()
    OpeningHours.objects.create(venue=venue, weekday=6, opens=time(9), closes=time(12))
    venue_opening_hours_set(
        actor=staff,
        venue=venue,
        hours=[(1, time(16), time(22)), OpeningInterval(1, time(10), time(16))],
    )
    assert [(h.weekday, h.opens, h.closes) for h in venue.opening_hours.all()] == [
        (1, time(10), time(16)),
        (1, time(16), time(22)),
    ]
    entry = AuditEntry.objects.get(action="venue.opening_hours_set")
    assert entry.data["hours"][0] == {"weekday": 1, "opens": "10:00", "closes": "16:00"}


@pytest.mark.parametrize(
    "hours",
    [
        [(2, time(10), time(14)), (2, time(12), time(18))],
        [(2, time(14), time(10))],
        [(2, time(14), time(14))],
        [(7, time(9), time(10))],
    ],
)
def test_invalid_or_overlapping_hours_are_refused(staff, hours):
    venue = VenueFactory()
    OpeningHours.objects.create(venue=venue, weekday=6, opens=time(9), closes=time(12))
    with pytest.raises(InvalidOpeningHours):
        venue_opening_hours_set(actor=staff, venue=venue, hours=hours)
    assert venue.opening_hours.count() == 1


def test_new_hours_that_strand_a_confirmed_booking_are_refused_naming_it(staff, manager):
    space = SpaceFactory()
    booking = book(space, manager, (2031, 5, 13))  # Tuesday 19:00-21:00
    book(space, manager, (2031, 5, 14), confirm=False)  # a request: the managers decide
    with pytest.raises(VenueHasBookings) as refused:
        venue_opening_hours_set(actor=staff, venue=space.venue, hours=[(1, time(9), time(20))])
    assert refused.value.extra["bookings"] == [booking.pk]
    assert "Tue 2031-05-13 19:00-21:00 (Europe/Berlin)" in refused.value.message
    assert not OpeningHours.objects.exists()
    # Closing all week except Tuesday evenings keeps the booking.
    venue_opening_hours_set(actor=staff, venue=space.venue, hours=[(1, time(18), time(23))])
    assert OpeningHours.objects.count() == 1


def test_past_bookings_do_not_hold_the_hours(staff, manager):
    space = SpaceFactory()
    booking = book(space, manager, (2031, 5, 13))
    SpaceBooking.objects.filter(pk=booking.pk).update(
        starts_at=berlin(2020, 5, 12, 19),
        ends_at=berlin(2020, 5, 12, 21),
        blocked_from=berlin(2020, 5, 12, 19),
        blocked_until=berlin(2020, 5, 12, 21),
    )
    venue_opening_hours_set(actor=staff, venue=space.venue, hours=[(0, time(9), time(10))])
    assert OpeningHours.objects.count() == 1


def test_a_new_time_zone_is_refused_when_it_moves_the_hours_off_a_booking(staff, manager):
    space = SpaceFactory()
    OpeningHours.objects.create(venue=space.venue, weekday=1, opens=time(18), closes=time(22))
    booking = book(space, manager, (2031, 5, 13))  # 19:00-21:00 Berlin = 13:00-15:00 New York
    with pytest.raises(VenueHasBookings) as refused:
        venue_update(actor=staff, venue=space.venue, data={"time_zone": "America/New_York"})
    assert refused.value.extra["bookings"] == [booking.pk]
    space.venue.refresh_from_db()
    assert space.venue.time_zone == "Europe/Berlin"
    venue_update(actor=staff, venue=space.venue, data={"time_zone": "Europe/Paris"})
    assert AuditEntry.objects.get(action="venue.update").data["changed"] == ["time_zone"]


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_closed_days_ahead_start_at_the_venues_own_date(in_a, zone):
    """UTC+14 and UTC-11 are never on the same date: each venue's "today" is its own."""
    venue = VenueFactory(time_zone=zone)
    today = datetime.now(ZoneInfo(zone)).date()
    yesterday, kept = today - timedelta(days=1), [today, today + timedelta(days=1)]
    for day in [yesterday, *kept]:
        BlackoutDate.objects.create(venue=venue, date=day)
    assert sorted(b.date for b in venue_blackouts_ahead(venue=venue)) == kept
