"""The booking core both artists and venues use: its pieces on their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from core_apps.artists.models import ArtistBooking
from core_apps.bookings.availability import BusyPeriod, availability_window_check, busy_periods
from core_apps.bookings.money import (
    CurrencyMismatch,
    InvalidAmount,
    amount_minor_check,
    currency_clean,
    money_format,
)
from core_apps.bookings.ranges import InvalidBookingTimes, PointRange, TimeRange
from core_apps.bookings.workflow import BookingFlow, InvalidTransition, step
from core_apps.venues.models import SpaceBooking
from pista.errors import ApplicationError

T0 = datetime(2031, 5, 6, 18, tzinfo=UTC)

FLOW = BookingFlow(
    {
        "approve": step({"requested"}, "confirmed"),
        "cancel": step({"requested", "confirmed"}, "cancelled"),
    }
)


def booking(status: str) -> SimpleNamespace:
    return SimpleNamespace(status=status, get_status_display=lambda: status.capitalize())


def test_a_step_leads_from_its_source_states_to_its_target():
    assert FLOW.target(booking("requested"), "approve") == "confirmed"
    assert FLOW.target(booking("confirmed"), "cancel") == "cancelled"


def test_a_step_from_another_state_is_an_invalid_transition_naming_the_state():
    with pytest.raises(InvalidTransition, match=r"This booking is cancelled\."):
        FLOW.target(booking("cancelled"), "approve")
    assert not FLOW.allows(booking("confirmed"), "approve")


def test_migrations_import_path_keeps_the_core_range_expressions():
    from core_apps.venues import ranges as migration_path

    assert migration_path.PointRange is PointRange
    assert migration_path.TimeRange is TimeRange


def test_both_apps_keep_their_constraint_names():
    def names(model: type) -> set[str]:
        return {constraint.name for constraint in model._meta.constraints}

    assert {"artists_booking_no_overlap", "artists_booking_ends_after_start"} <= names(
        ArtistBooking
    )
    assert {
        "venues_booking_no_overlap",
        "venues_booking_ends_after_start",
        "venues_booking_buffers_contain_booking",
    } <= names(SpaceBooking)


def test_money_is_shown_with_the_point_placed_and_zero_decimal_currencies_whole():
    assert money_format(3000, "EUR") == "30.00 EUR"
    assert money_format(3000, "JPY") == "3,000 JPY"
    assert money_format(None, "EUR") == "—"


@pytest.mark.parametrize("value", [-1, None, True, 1.5, "10"])
def test_amounts_must_be_whole_non_negative_minor_units(value):
    with pytest.raises(InvalidAmount, match="fee"):
        amount_minor_check(value, "fee")
    assert amount_minor_check(0, "fee") == 0


def test_currencies_are_upper_cased_iso_codes():
    assert currency_clean(" eur ") == "EUR"
    with pytest.raises(CurrencyMismatch):
        currency_clean("euro")


def test_busy_periods_of_several_sources_come_earliest_first():
    hour = timedelta(hours=1)
    late = BusyPeriod(starts_at=T0 + 2 * hour, ends_at=T0 + 3 * hour, kind="gig")
    early = BusyPeriod(starts_at=T0, ends_at=T0 + hour, kind="blocked")
    assert busy_periods([late], [early]) == [early, late]


def test_availability_is_asked_for_at_most_93_days_of_aware_times():
    availability_window_check(starts=T0, ends=T0 + timedelta(days=93))
    with pytest.raises(ApplicationError) as caught:
        availability_window_check(starts=T0, ends=T0 + timedelta(days=93, hours=1))
    assert caught.value.code == "window_too_large"
    with pytest.raises(InvalidBookingTimes):
        availability_window_check(starts=T0.replace(tzinfo=None), ends=T0 + timedelta(hours=1))
