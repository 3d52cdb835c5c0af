"""Space bookings through the services: rules, prices, recurrence, no overlap."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core import mail

from core_apps.accounts.roles import Role
from core_apps.bookings.ranges import BookingConflict, InvalidBookingTimes
from core_apps.venues.models import BlackoutDate, OpeningHours, SpaceBooking, VenueInvoice
from core_apps.venues.selectors import (
    BelowMinimumDuration,
    InvalidRecurrence,
    OutsideOpeningHours,
    VenueClosed,
    space_busy,
    space_occurrences_preview,
    space_price,
)
from core_apps.venues.services import (
    RecurrenceHasConflicts,
    space_booking_approve,
    space_booking_cancel,
    space_booking_request,
    space_booking_series_approve,
)
from pista.errors import PermissionDenied
from tests.core_apps.venues.factories import (
    BERLIN,
    SpaceFactory,
    VenueFactory,
    berlin,
    user_with_role,
)


@pytest.fixture
def manager(in_a):
    return user_with_role(Role.VENUE_MANAGER)


@pytest.fixture
def organizer(in_a):
    return user_with_role(Role.ORGANIZER)


@pytest.fixture
def space(manager):
    return SpaceFactory(venue=VenueFactory(managers=[manager]))


def book(organizer, space, start, end, title="Class"):
    return space_booking_request(
        requester=organizer, space=space, title=title, starts_at=start, ends_at=end
    )[0]


def test_back_to_back_bookings_are_both_confirmed(organizer, manager, space):
    first = book(organizer, space, berlin(2031, 5, 6, 18), berlin(2031, 5, 6, 20))
    second = book(organizer, space, berlin(2031, 5, 6, 20), berlin(2031, 5, 6, 22))

    space_booking_approve(actor=manager, booking=first)
    space_booking_approve(actor=manager, booking=second)

    assert SpaceBooking.objects.filter(space=space, status="confirmed").count() == 2


def test_approving_an_overlapping_request_raises_booking_conflict_naming_the_clash(
    organizer, manager, space
):
    first = book(organizer, space, berlin(2031, 5, 6, 18), berlin(2031, 5, 6, 20))
    second = book(organizer, space, berlin(2031, 5, 6, 19), berlin(2031, 5, 6, 21))
    space_booking_approve(actor=manager, booking=first)

    with pytest.raises(BookingConflict) as caught:
        space_booking_approve(actor=manager, booking=second)

    assert caught.value.status_code == 409
    assert caught.value.extra["conflicting_booking"] == first.pk
    assert f"#{first.pk}" in caught.value.message
    second.refresh_from_db()
    assert second.status == "requested"


def test_setup_and_teardown_buffers_count_towards_overlap(organizer, manager):
    space = SpaceFactory(venue=VenueFactory(managers=[manager]), teardown_minutes=30)
    first = book(organizer, space, berlin(2031, 5, 6, 18), berlin(2031, 5, 6, 20))
    space_booking_approve(actor=manager, booking=first)

    # Requests that clash with a confirmed booking are refused before they're sent.
    with pytest.raises(BookingConflict):
        book(organizer, space, berlin(2031, 5, 6, 20), berlin(2031, 5, 6, 21))
    later = book(organizer, space, berlin(2031, 5, 6, 20, 30), berlin(2031, 5, 6, 21, 30))

    assert space_booking_approve(actor=manager, booking=later).status == "confirmed"


def test_a_cancelled_booking_frees_the_space(organizer, manager, space):
    first = book(organizer, space, berlin(2031, 5, 6, 18), berlin(2031, 5, 6, 20))
    space_booking_approve(actor=manager, booking=first)
    space_booking_cancel(actor=organizer, booking=first)

    again = book(organizer, space, berlin(2031, 5, 6, 18), berlin(2031, 5, 6, 20))

    assert space_booking_approve(actor=manager, booking=again).status == "confirmed"


@pytest.mark.parametrize(
    ("start", "end", "error"),
    [
        (berlin(2031, 5, 6, 20), berlin(2031, 5, 6, 18), InvalidBookingTimes),
        (berlin(2031, 5, 6, 20), berlin(2031, 5, 6, 20), InvalidBookingTimes),
        (datetime(2031, 5, 6, 18), datetime(2031, 5, 6, 20), InvalidBookingTimes),
        (berlin(2031, 5, 6, 18), berlin(2031, 5, 6, 18, 30), BelowMinimumDuration),
    ],
)
def test_bad_times_are_refused_with_a_clear_error_and_nothing_is_created(
    organizer, space, start, end, error
):
    with pytest.raises(error) as caught:
        book(organizer, space, start, end)

    assert caught.value.status_code == 400
    assert caught.value.message
    assert not SpaceBooking.objects.filter(space=space).exists()


def test_bookings_outside_opening_hours_or_on_blackout_dates_are_refused(organizer, space):
    OpeningHours.objects.create(venue=space.venue, weekday=1, opens=time(18), closes=time(23))
    BlackoutDate.objects.create(venue=space.venue, date=date(2031, 5, 13), reason="Floor works")

    with pytest.raises(OutsideOpeningHours):
        book(organizer, space, berlin(2031, 5, 6, 17), berlin(2031, 5, 6, 19))  # Tuesday
    with pytest.raises(OutsideOpeningHours):
        book(organizer, space, berlin(2031, 5, 7, 19), berlin(2031, 5, 7, 21))  # Wednesday
    with pytest.raises(VenueClosed, match="Floor works"):
        book(organizer, space, berlin(2031, 5, 13, 19), berlin(2031, 5, 13, 21))
    assert book(organizer, space, berlin(2031, 5, 6, 19), berlin(2031, 5, 6, 21)).pk
    assert SpaceBooking.objects.filter(space=space).count() == 1


def test_price_charges_peak_minutes_at_the_peak_rate(in_a):
    space = SpaceFactory(
        hourly_rate_minor=2000,
        peak_hourly_rate_minor=5000,
        peak_starts=time(18),
        peak_ends=time(22),
        peak_weekdays=[4],  # Friday
    )
    friday, saturday = (2031, 5, 9), (2031, 5, 10)

    assert (
        space_price(space=space, starts_at=berlin(*friday, 17), ends_at=berlin(*friday, 19)) == 7000
    )
    assert (
        space_price(space=space, starts_at=berlin(*saturday, 17), ends_at=berlin(*saturday, 19))
        == 4000
    )
    half_hour = space_price(
        space=space, starts_at=berlin(*friday, 21, 30), ends_at=berlin(*friday, 22, 45)
    )
    assert half_hour == 2500 + 1500


def test_booking_price_is_computed_on_the_server(organizer, space):
    booking = book(organizer, space, berlin(2031, 5, 6, 18), berlin(2031, 5, 6, 20, 30))

    assert (booking.price_minor, booking.currency) == (7500, "EUR")


def test_only_managers_of_the_venue_approve_and_only_bookers_with_a_role_request(
    organizer, manager, space
):
    other_manager = user_with_role(Role.VENUE_MANAGER)
    VenueFactory(managers=[other_manager])
    member = user_with_role(Role.MEMBER)
    booking = book(organizer, space, berlin(2031, 5, 6, 18), berlin(2031, 5, 6, 20))

    with pytest.raises(PermissionDenied):
        space_booking_approve(actor=organizer, booking=booking)
    with pytest.raises(PermissionDenied):
        space_booking_approve(actor=other_manager, booking=booking)
    with pytest.raises(PermissionDenied):
        book(member, space, berlin(2031, 5, 7, 18), berlin(2031, 5, 7, 20))


def test_approval_issues_a_numbered_invoice_and_notifies_the_requester(
    organizer, manager, space, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = book(organizer, space, berlin(2031, 5, 6, 18), berlin(2031, 5, 6, 20))
    assert [m.to for m in mail.outbox] == [[manager.email]]

    with django_capture_on_commit_callbacks(execute=True):
        space_booking_approve(actor=manager, booking=first)
    second = book(organizer, space, berlin(2031, 5, 7, 18), berlin(2031, 5, 7, 20))
    space_booking_approve(actor=manager, booking=second)

    assert mail.outbox[-1].to == [organizer.email]
    assert "confirmed" in mail.outbox[-1].subject
    invoices = VenueInvoice.objects.filter(booking__space=space).order_by("number")
    assert [i.amount_minor for i in invoices] == [6000, 6000]
    assert invoices[1].number == invoices[0].number + 1
    assert [e.action for e in first.entries.all()] == ["requested", "confirmed"]


def test_auto_approving_space_confirms_requests_at_once(organizer, manager):
    space = SpaceFactory(venue=VenueFactory(managers=[manager]), auto_approve=True)

    booking = book(organizer, space, berlin(2031, 5, 6, 18), berlin(2031, 5, 6, 20))

    assert booking.status == "confirmed"
    assert VenueInvoice.objects.filter(booking=booking).exists()


# --- recurrence ---------------------------------------------------------------------


WEEKLY_TEN = "FREQ=WEEKLY;COUNT=10"


def test_weekly_booking_across_dst_keeps_local_wall_clock_times(in_a):
    space = SpaceFactory()
    # Tuesdays from 2 March 2027; Berlin moves to summer time on 28 March.
    preview = space_occurrences_preview(
        space=space,
        starts_at=berlin(2027, 3, 2, 19),
        ends_at=berlin(2027, 3, 2, 21),
        rrule=WEEKLY_TEN,
    )

    assert len(preview) == 10
    local = [(o.starts_at.astimezone(BERLIN), o.ends_at.astimezone(BERLIN)) for o in preview]
    assert all(s.time() == time(19) and e.time() == time(21) for s, e in local)
    assert all(s.weekday() == 1 for s, _ in local)
    utc_hours = [o.starts_at.astimezone(UTC).hour for o in preview]
    assert utc_hours == [18, 18, 18, 18, 17, 17, 17, 17, 17, 17]
    assert all(o.is_free and o.price_minor == 6000 for o in preview)


def test_recurring_preview_flags_exactly_the_dates_that_clash_after_a_dst_change(
    organizer, manager, space
):
    # After the change, 21:00-22:00 local sits right after 19:00-21:00: no clash.
    # An expansion in UTC would put the class at 20:00-22:00 local and clash.
    neighbour = book(organizer, space, berlin(2027, 4, 6, 21), berlin(2027, 4, 6, 22))
    clash = book(organizer, space, berlin(2027, 4, 13, 20), berlin(2027, 4, 13, 22))
    space_booking_approve(actor=manager, booking=neighbour)
    space_booking_approve(actor=manager, booking=clash)

    preview = space_occurrences_preview(
        space=space,
        starts_at=berlin(2027, 3, 2, 19),
        ends_at=berlin(2027, 3, 2, 21),
        rrule=WEEKLY_TEN,
    )

    flagged = [o for o in preview if not o.is_free]
    assert [o.starts_at.astimezone(BERLIN).date() for o in flagged] == [date(2027, 4, 13)]
    assert flagged[0].conflicting_booking == clash.pk
    assert flagged[0].problem_code == "booking_conflict"


def test_recurring_request_with_conflicts_is_refused_unless_free_dates_only(
    organizer, manager, space
):
    BlackoutDate.objects.create(venue=space.venue, date=date(2027, 3, 16))
    taken = book(organizer, space, berlin(2027, 3, 23, 18), berlin(2027, 3, 23, 20))
    space_booking_approve(actor=manager, booking=taken)
    before = SpaceBooking.objects.count()

    with pytest.raises(RecurrenceHasConflicts) as caught:
        space_booking_request(
            requester=organizer,
            space=space,
            title="Tango term",
            starts_at=berlin(2027, 3, 2, 19),
            ends_at=berlin(2027, 3, 2, 21),
            rrule=WEEKLY_TEN,
        )
    assert SpaceBooking.objects.count() == before
    assert [d["code"] for d in caught.value.extra["dates"]] == ["blackout_date", "booking_conflict"]

    bookings = space_booking_request(
        requester=organizer,
        space=space,
        title="Tango term",
        starts_at=berlin(2027, 3, 2, 19),
        ends_at=berlin(2027, 3, 2, 21),
        rrule=WEEKLY_TEN,
        free_dates_only=True,
    )

    assert len(bookings) == 8
    assert {b.series_id for b in bookings} == {bookings[0].series_id}
    confirmed, declined = space_booking_series_approve(actor=manager, series=bookings[0].series)
    assert (len(confirmed), len(declined)) == (8, 0)


def test_series_approval_declines_dates_taken_meanwhile(organizer, manager, space):
    bookings = space_booking_request(
        requester=organizer,
        space=space,
        title="Swing term",
        starts_at=berlin(2027, 3, 2, 19),
        ends_at=berlin(2027, 3, 2, 21),
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    rival = book(organizer, space, berlin(2027, 3, 9, 20), berlin(2027, 3, 9, 22), title="Rival")
    space_booking_approve(actor=manager, booking=rival)

    confirmed, declined = space_booking_series_approve(actor=manager, series=bookings[0].series)

    assert [b.starts_at for b in confirmed] == [bookings[0].starts_at, bookings[2].starts_at]
    assert [b.pk for b in declined] == [bookings[1].pk]
    assert f"#{rival.pk}" in declined[0].decision_note


@pytest.mark.parametrize(
    "rule", ["FREQ=WEEKLY", "FREQ=SOMETIMES;COUNT=3", "FREQ=DAILY;COUNT=500", "nonsense;COUNT=2"]
)
def test_unbounded_or_invalid_rules_are_refused(organizer, space, rule):
    with pytest.raises(InvalidRecurrence):
        space_booking_request(
            requester=organizer,
            space=space,
            title="x",
            starts_at=berlin(2027, 3, 2, 19),
            ends_at=berlin(2027, 3, 2, 21),
            rrule=rule,
        )
    assert not SpaceBooking.objects.filter(space=space).exists()


def test_free_busy_lists_confirmed_bookings_with_buffers_and_blackouts(organizer, manager):
    space = SpaceFactory(venue=VenueFactory(managers=[manager]), setup_minutes=15)
    booking = book(organizer, space, berlin(2031, 5, 6, 18), berlin(2031, 5, 6, 20))
    book(organizer, space, berlin(2031, 5, 6, 21), berlin(2031, 5, 6, 22))  # only requested
    space_booking_approve(actor=manager, booking=booking)
    BlackoutDate.objects.create(venue=space.venue, date=date(2031, 5, 8))

    busy = space_busy(space=space, starts=berlin(2031, 5, 5), ends=berlin(2031, 5, 10))

    assert busy == [
        {
            "starts_at": berlin(2031, 5, 6, 17, 45),
            "ends_at": berlin(2031, 5, 6, 20),
            "kind": "booking",
        },
        {"starts_at": berlin(2031, 5, 8), "ends_at": berlin(2031, 5, 9), "kind": "blackout"},
    ]
    assert timedelta(0) == busy[0]["ends_at"] - booking.ends_at


def test_a_rule_whose_dates_overlap_each_other_is_refused(organizer, space):
    with pytest.raises(InvalidRecurrence, match="overlap each other"):
        space_booking_request(
            requester=organizer,
            space=space,
            title="x",
            starts_at=berlin(2027, 3, 2, 19),
            ends_at=berlin(2027, 3, 2, 21),
            rrule="FREQ=HOURLY;COUNT=3",
        )


def test_requester_or_manager_links_a_booking_to_an_event_date(organizer, manager, space):
    from core_apps.venues.services import space_booking_event_link

    booking = book(organizer, space, berlin(2031, 5, 6, 18), berlin(2031, 5, 6, 20))
    stranger = user_with_role(Role.ORGANIZER)

    assert space_booking_event_link(actor=organizer, booking=booking, event_id=42).event_id == 42
    assert space_booking_event_link(actor=manager, booking=booking, event_id=None).event_id is None
    with pytest.raises(PermissionDenied):
        space_booking_event_link(actor=stranger, booking=booking, event_id=7)
