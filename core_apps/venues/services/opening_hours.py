"""Writes about a venue's weekly opening hours."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time

from django.db import transaction
from django.utils.translation import gettext

from core_apps.accounts.models import User
from core_apps.privacy.services import audit_record
from core_apps.venues.models import OpeningHours, Venue, Weekday
from core_apps.venues.selectors import Interval, OpeningInterval, venue_bookings_outside_hours
from core_apps.venues.services.venues import (
    VenueHasBookings,
    bookings_describe,
    venue_write_check,
)
from pista.errors import ApplicationError


class InvalidOpeningHours(ApplicationError):
    default_code = "invalid_opening_hours"


def _hours_check(hours: Sequence[Interval]) -> list[Interval]:
    """Sorted intervals, each ending after it starts and none overlapping another
    on its weekday (one may start when the previous ends). Raises InvalidOpeningHours."""
    ordered = sorted(hours, key=lambda item: (item.weekday, item.opens))
    names = _weekday_names()
    previous: Interval | None = None
    for item in ordered:
        if not 0 <= item.weekday <= 6:
            raise InvalidOpeningHours(gettext("Weekdays run from Monday to Sunday."))
        if item.closes <= item.opens:
            raise InvalidOpeningHours(
                gettext("%(day)s: %(opens)s-%(closes)s closes before it opens.")
                % {"day": names[item.weekday], **_clock(item)}
            )
        same_day = previous is not None and previous.weekday == item.weekday
        if same_day and previous is not None and item.opens < previous.closes:
            raise InvalidOpeningHours(
                gettext("%(day)s: %(first)s and %(second)s overlap.")
                % {
                    "day": names[item.weekday],
                    "first": "{opens}-{closes}".format(**_clock(previous)),
                    "second": "{opens}-{closes}".format(**_clock(item)),
                }
            )
        previous = item
    return ordered


def _clock(item: Interval) -> dict[str, str]:
    return {"opens": f"{item.opens:%H:%M}", "closes": f"{item.closes:%H:%M}"}


def _weekday_names() -> list[str]:
    return [str(label) for label in Weekday.labels]


@transaction.atomic
def venue_opening_hours_set(
    *, actor: User, venue: Venue, hours: Sequence[OpeningInterval | tuple[int, time, time]]
) -> list[OpeningHours]:
    """Replace the venue's weekly opening hours (local time; no hours at all
    means open at any time).

    Each interval must close after it opens and not overlap another on its day.
    Hours that would leave a confirmed booking still to come outside them are
    refused, naming those bookings: bookings are promises to people, so the
    venue moves or cancels them first (each with its own notice) rather than
    have them silently broken by a settings change. Requests not yet confirmed
    are left to the managers, who see them before approving.

    Raises PermissionDenied, InvalidOpeningHours, VenueHasBookings.
    """
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    venue_write_check(actor=actor, permission="venues.change_openinghours", venue=venue)
    proposed: list[Interval] = [
        item if isinstance(item, OpeningInterval) else OpeningInterval(*item) for item in hours
    ]
    ordered = _hours_check(proposed)
    stranded = venue_bookings_outside_hours(venue=venue, hours=ordered)
    if stranded:
        raise VenueHasBookings(
            gettext(
                "These confirmed bookings would fall outside the new opening hours: "
                "%(bookings)s. Move or cancel them first, or keep the venue open then."
            )
            % {"bookings": bookings_describe(stranded, venue.time_zone)},
            extra={"bookings": [b.pk for b in stranded]},
        )
    OpeningHours.objects.filter(venue=venue).delete()
    rows = OpeningHours.objects.bulk_create(
        OpeningHours(venue=venue, weekday=item.weekday, opens=item.opens, closes=item.closes)
        for item in ordered
    )
    audit_record(
        "venue.opening_hours_set",
        actor=actor,
        target=venue,
        data={"hours": [{"weekday": item.weekday, **_clock(item)} for item in ordered]},
    )
    return rows
