"""Emails about venues, in the community's theme, language and time zone
(``themes.services.community_email_build``): the notice of a space booking step
to the other side, sent once per step however often its task runs."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core_apps.venues.models import SpaceBookingEntry
from pista.outbox.services import effect_once
from tenants.current import community_current, community_url
from themes.mail import community_email_build

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
    if not recipients:
        return
    with effect_once(f"space-booking-entry:{entry.pk}:notify-email") as first:
        if not first:
            return
        path = reverse("venues:booking", args=[booking.pk])
        time_zone = booking.space.venue.time_zone
        community_email_build(
            template_prefix="venues/email/booking_step",
            context={
                "entry": entry,
                "booking": booking,
                "action": BOOKING_ACTIONS.get(entry.action, entry.action.replace("_", " ")),
                "time_zone": time_zone,
                "link": community_url(community=community_current()) + path,
            },
            to=recipients,
            time_zone=time_zone,
        ).send()
