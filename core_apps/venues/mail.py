"""Emails about venues, in the community's theme, language and time zone
(``themes.services.community_email_build``): the notice of a space booking step
to the other side, sent once per step however often its task runs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core_apps.bookings.mail import booking_step_notify
from core_apps.venues.models import SpaceBookingEntry

# What each booking step is called in the notice; an unknown one reads as its code.
BOOKING_ACTIONS = {
    "requested": _("requested"),
    "confirmed": _("confirmed"),
    "declined": _("declined"),
    "cancelled": _("cancelled"),
}


def space_booking_entry_notify(*, entry: SpaceBookingEntry) -> None:
    """Tell the other side of a space booking what happened — the venue's
    managers when the requester acted, the requester when a manager (or the
    system) did — once per step. Times read in the venue's time zone, the one
    its opening hours are kept in, and name it."""
    booking = entry.booking
    if entry.actor_id == booking.requester_id:
        recipients = list(booking.space.venue.managers.values_list("email", flat=True))
    else:
        recipients = [booking.requester.email]
    time_zone = booking.space.venue.time_zone
    booking_step_notify(
        entry=entry,
        recipients=recipients,
        kind="venues",
        actions=BOOKING_ACTIONS,
        time_zone=time_zone,
        context={"time_zone": time_zone},
    )
