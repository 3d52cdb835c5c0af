"""The artist booking workflow through the services."""

from __future__ import annotations

import pytest
from django.core import mail

from core_apps.accounts.roles import Role
from core_apps.artists.models import ArtistBlock, ArtistBooking
from core_apps.artists.selectors import artist_bookings_for_event, artist_gigs_ical, artist_inbox
from core_apps.artists.services import (
    ArtistUnavailable,
    NotYourTurn,
    artist_block_create,
    artist_booking_accept,
    artist_booking_contract,
    artist_booking_counter,
    artist_booking_decline,
    artist_booking_deposit_record,
    artist_booking_request,
    artist_booking_withdraw,
)
from core_apps.bookings.money import CurrencyMismatch, InvalidAmount
from core_apps.bookings.ranges import BookingConflict, InvalidBookingTimes
from core_apps.bookings.workflow import InvalidTransition
from pista.errors import NotFound, PermissionDenied
from tests.core_apps.venues.factories import ArtistFactory, berlin, user_with_role
from tests.pdf import pdf_text


@pytest.fixture
def teacher(in_a):
    return user_with_role(Role.TEACHER)


@pytest.fixture
def artist(teacher):
    return ArtistFactory(user=teacher, name="Ana Tango")


@pytest.fixture
def organizer(in_a):
    return user_with_role(Role.ORGANIZER)


def request(organizer, artist, start=None, end=None, **kwargs):
    values = {
        "title": "Spring festival",
        "fee_minor": 80000,
        "currency": "EUR",
        "deposit_minor": 20000,
        "wanted": "Two workshops and a show",
        **kwargs,
    }
    return artist_booking_request(
        organizer=organizer,
        artist=artist,
        starts_at=start or berlin(2031, 4, 11, 10),
        ends_at=end or berlin(2031, 4, 13, 18),
        **values,
    )


def test_request_counter_accept_confirms_with_a_contract_and_an_audit_trail(
    organizer, teacher, artist, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = request(organizer, artist)
    assert mail.outbox[-1].to == [teacher.email]

    with django_capture_on_commit_callbacks(execute=True):
        booking = artist_booking_counter(
            actor=teacher,
            booking=booking,
            fee_minor=95000,
            currency="EUR",
            accommodation_terms="Hotel, two nights",
            message="With a show it is 950",
        )
    assert (booking.status, booking.offer_by) == ("countered", "artist")
    assert mail.outbox[-1].to == [organizer.email]

    with django_capture_on_commit_callbacks(execute=True):
        booking = artist_booking_accept(actor=organizer, booking=booking)

    assert booking.status == "confirmed"
    assert booking.deposit_status == "due"
    assert booking.contract_terms["fee"] == "950.00 EUR"
    assert [e.action for e in booking.entries.all()] == ["requested", "countered", "confirmed"]
    assert mail.outbox[-1].to == [teacher.email]
    pdf = artist_booking_contract(actor=teacher, booking=booking)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    text = pdf_text(pdf)
    assert "Fee: 950.00 EUR" in text
    assert "Hotel, two nights" in text
    assert [e.action for e in artist_inbox(user=organizer)] == ["countered"]

    artist_booking_deposit_record(actor=teacher, booking=booking, reference="SEPA 123")
    booking.refresh_from_db()
    assert booking.deposit_status == "paid"


def test_neither_side_can_answer_its_own_terms(organizer, teacher, artist):
    booking = request(organizer, artist)

    with pytest.raises(NotYourTurn):
        artist_booking_accept(actor=organizer, booking=booking)
    with pytest.raises(NotYourTurn):
        artist_booking_counter(actor=organizer, booking=booking, fee_minor=1, currency="EUR")
    booking = artist_booking_counter(
        actor=teacher, booking=booking, fee_minor=90000, currency="EUR"
    )
    with pytest.raises(NotYourTurn):
        artist_booking_accept(actor=teacher, booking=booking)
    with pytest.raises(NotYourTurn):
        artist_booking_withdraw(actor=teacher, booking=booking)


def test_outsiders_cannot_see_or_act_on_a_booking(organizer, artist):
    booking = request(organizer, artist)
    outsider = user_with_role(Role.ORGANIZER)

    with pytest.raises(NotFound):
        artist_booking_accept(actor=outsider, booking=booking)
    with pytest.raises(NotFound):
        artist_booking_contract(actor=outsider, booking=booking)


def test_a_counter_offer_in_another_currency_is_refused(organizer, teacher, artist):
    booking = request(organizer, artist)

    with pytest.raises(CurrencyMismatch, match="stay in EUR"):
        artist_booking_counter(actor=teacher, booking=booking, fee_minor=90000, currency="USD")

    booking.refresh_from_db()
    assert (booking.status, booking.fee_minor) == ("requested", 80000)
    assert booking.entries.count() == 1


def test_a_request_over_blocked_dates_is_refused_naming_the_period(organizer, teacher, artist):
    artist_block_create(
        actor=teacher, artist=artist, starts_at=berlin(2031, 4, 12), ends_at=berlin(2031, 4, 14)
    )

    with pytest.raises(ArtistUnavailable, match="not available from 2031-04-11 22:00"):
        request(organizer, artist)
    assert not ArtistBooking.objects.filter(artist=artist).exists()
    assert request(organizer, artist, berlin(2031, 4, 14), berlin(2031, 4, 14, 22)).pk


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"start": berlin(2031, 4, 13), "end": berlin(2031, 4, 12)}, InvalidBookingTimes),
        ({"start": berlin(2031, 4, 13), "end": berlin(2031, 4, 13)}, InvalidBookingTimes),
        ({"fee_minor": -5}, InvalidAmount),
        ({"deposit_minor": 90000}, InvalidAmount),
        ({"currency": "euro"}, CurrencyMismatch),
    ],
)
def test_bad_requests_are_refused_and_create_nothing(organizer, artist, kwargs, error):
    with pytest.raises(error) as caught:
        request(organizer, artist, **kwargs)
    assert 400 <= caught.value.status_code < 500
    assert not ArtistBooking.objects.filter(artist=artist).exists()


def test_only_organizers_send_requests(artist):
    member = user_with_role(Role.MEMBER)
    with pytest.raises(PermissionDenied):
        request(member, artist)


def test_overlapping_gigs_cannot_both_be_confirmed_but_back_to_back_gigs_can(
    organizer, teacher, artist
):
    first = request(organizer, artist, berlin(2031, 4, 11, 10), berlin(2031, 4, 11, 18))
    overlapping = request(organizer, artist, berlin(2031, 4, 11, 17), berlin(2031, 4, 11, 23))
    back_to_back = request(organizer, artist, berlin(2031, 4, 11, 18), berlin(2031, 4, 11, 23))
    artist_booking_accept(actor=teacher, booking=first)

    with pytest.raises(BookingConflict) as caught:
        artist_booking_accept(actor=teacher, booking=overlapping)

    assert caught.value.extra["conflicting_booking"] == first.pk
    overlapping.refresh_from_db()
    assert overlapping.status == "requested"
    assert artist_booking_accept(actor=teacher, booking=back_to_back).status == "confirmed"
    # A new request over a confirmed gig is refused up front.
    with pytest.raises(BookingConflict):
        request(organizer, artist, berlin(2031, 4, 11, 12), berlin(2031, 4, 11, 13))


def test_declined_and_withdrawn_bookings_are_final(organizer, teacher, artist):
    declined = artist_booking_decline(actor=teacher, booking=request(organizer, artist))
    withdrawn = artist_booking_withdraw(
        actor=organizer,
        booking=request(organizer, artist, berlin(2031, 5, 1), berlin(2031, 5, 2)),
    )

    for booking in (declined, withdrawn):
        with pytest.raises(InvalidTransition):
            artist_booking_counter(actor=teacher, booking=booking, fee_minor=1, currency="EUR")
    with pytest.raises(InvalidTransition):
        artist_booking_contract(actor=teacher, booking=declined)


def test_gig_feed_lists_confirmed_gigs_only_as_rfc_5545(organizer, teacher, artist):
    gig = request(organizer, artist, title="Milonga; with, commas")
    artist_booking_accept(actor=teacher, booking=gig)
    request(organizer, artist, berlin(2031, 6, 1), berlin(2031, 6, 2), title="Pending")
    ArtistBooking.objects.filter(pk=gig.pk).update(event_id=77)

    ical = artist_gigs_ical(artist=artist, host="alpha.localhost")

    assert ical.startswith("BEGIN:VCALENDAR\r\n")
    assert ical.count("BEGIN:VEVENT") == 1
    assert "DTSTART:20310411T080000Z\r\n" in ical
    assert "SUMMARY:Milonga\\; with\\, commas\r\n" in ical
    assert "Pending" not in ical
    assert all(len(line.encode()) <= 75 for line in ical.split("\r\n"))
    assert list(artist_bookings_for_event(event_id=77)) == [gig]


def test_blocks_need_a_sane_period_and_belong_to_the_artist(organizer, teacher, artist):
    with pytest.raises(InvalidBookingTimes):
        artist_block_create(
            actor=teacher, artist=artist, starts_at=berlin(2031, 4, 14), ends_at=berlin(2031, 4, 12)
        )
    with pytest.raises(PermissionDenied):
        artist_block_create(
            actor=organizer,
            artist=artist,
            starts_at=berlin(2031, 4, 12),
            ends_at=berlin(2031, 4, 14),
        )
    assert not ArtistBlock.objects.exists()


def test_a_confirmed_booking_linked_to_an_event_lists_the_artist_as_its_teacher(
    organizer, teacher, artist
):
    from core_apps.artists.services import artist_booking_event_link

    booking = artist_booking_accept(actor=teacher, booking=request(organizer, artist))

    with pytest.raises(NotYourTurn):
        artist_booking_event_link(actor=teacher, booking=booking, event_id=9)
    artist_booking_event_link(actor=organizer, booking=booking, event_id=9)

    assert [b.artist for b in artist_bookings_for_event(event_id=9)] == [artist]
