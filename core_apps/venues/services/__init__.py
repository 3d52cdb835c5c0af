"""Writes about venues: the venues themselves (``venues``), their spaces
(``spaces``) and weekly hours (``opening_hours``), and the booking workflow
with its invoices (``bookings``)."""

from __future__ import annotations

from core_apps.venues.services.bookings import (
    SPACE_BOOKING_FLOW,
    RecurrenceHasConflicts,
    space_booking_approve,
    space_booking_cancel,
    space_booking_decline,
    space_booking_event_link,
    space_booking_request,
    space_booking_series_approve,
    venue_blackout_add,
    venue_blackout_remove,
)
from core_apps.venues.services.opening_hours import InvalidOpeningHours, venue_opening_hours_set
from core_apps.venues.services.spaces import (
    SPACE_FIELDS,
    space_activate,
    space_create,
    space_deactivate,
    space_delete,
    space_update,
)
from core_apps.venues.services.venues import (
    VENUE_FIELDS,
    VenueHasBookings,
    venue_create,
    venue_update,
)

__all__ = [
    "SPACE_BOOKING_FLOW",
    "SPACE_FIELDS",
    "VENUE_FIELDS",
    "InvalidOpeningHours",
    "RecurrenceHasConflicts",
    "VenueHasBookings",
    "space_activate",
    "space_booking_approve",
    "space_booking_cancel",
    "space_booking_decline",
    "space_booking_event_link",
    "space_booking_request",
    "space_booking_series_approve",
    "space_create",
    "space_deactivate",
    "space_delete",
    "space_update",
    "venue_blackout_add",
    "venue_blackout_remove",
    "venue_create",
    "venue_opening_hours_set",
    "venue_update",
]
