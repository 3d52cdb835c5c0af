"""Writes about venues themselves, and the rules shared with their spaces
(``spaces``) and weekly hours (``opening_hours``).

Staff holding the model's permission may write; a venue's managers may change
their own venue, its spaces and hours (but not who manages it). Every write is
audited. Nothing here touches a booking: a change that would leave a confirmed
booking still to come outside the venue's rules is refused with the bookings
listed, so the people who made them are never silently stranded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.utils.translation import gettext, ngettext

from core_apps.accounts.models import User
from core_apps.privacy.services import audit_record
from core_apps.venues.models import SpaceBooking, Venue
from core_apps.venues.selectors import venue_bookings_outside_hours, venue_is_run_by
from pista.errors import ApplicationError, Conflict, PermissionDenied, unknown_fields_refuse
from pista.pagecache.store import page_cache_invalidate
from pista.text import slug_unique

VENUE_FIELDS = {"name", "address", "latitude", "longitude", "time_zone", "house_rules"}
# How many bookings a refusal names before it says "and N more".
LISTED_BOOKINGS = 10


class VenueHasBookings(Conflict):
    """The change would strand confirmed bookings; ``extra["bookings"]`` lists their ids."""

    default_code = "venue_has_bookings"


def venue_write_check(*, actor: User, permission: str, venue: Venue | None = None) -> None:
    """Staff with ``permission`` may; so may the managers of ``venue``. Raises
    PermissionDenied."""
    allowed = (
        actor.has_perm(permission)
        if venue is None
        else venue_is_run_by(venue=venue, user=actor, permission=permission)
    )
    if not allowed:
        raise PermissionDenied(gettext("Only staff or a manager of this venue can change it."))


def bookings_describe(bookings: Sequence[SpaceBooking], zone: str) -> str:
    """The bookings a refusal names (the first few), in ``zone``'s local time."""
    tz = ZoneInfo(zone)
    shown = [
        f"#{b.pk} {b.space.name}: {b.title}, "
        f"{b.starts_at.astimezone(tz):%a %Y-%m-%d %H:%M}-{b.ends_at.astimezone(tz):%H:%M}"
        for b in bookings[:LISTED_BOOKINGS]
    ]
    text = "; ".join(shown)
    if len(bookings) > LISTED_BOOKINGS:
        more = len(bookings) - LISTED_BOOKINGS
        text += " " + ngettext("and %(count)s more", "and %(count)s more", more) % {"count": more}
    return f"{text} ({zone})"


def _zone_clean(name: str) -> str:
    name = (name or "").strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ApplicationError(
            gettext("%(zone)r is not a time zone (e.g. Europe/Berlin).") % {"zone": name},
            code="invalid_time_zone",
        ) from None
    return name


def _coordinate_clean(value: Decimal | None, limit: int, what: str) -> Decimal | None:
    if value is not None and not -limit <= value <= limit:
        raise ApplicationError(
            gettext("The %(what)s must lie between -%(limit)s and %(limit)s.")
            % {"what": what, "limit": limit},
            code="invalid_coordinates",
        )
    return value


def _venue_values(data: dict[str, Any]) -> dict[str, Any]:
    unknown_fields_refuse(data, VENUE_FIELDS)
    values = dict(data)
    if "name" in values:
        values["name"] = str(values["name"]).strip()[:120]
        if not values["name"]:
            raise ApplicationError(gettext("A venue needs a name."), code="invalid_name")
    if "time_zone" in values:
        values["time_zone"] = _zone_clean(values["time_zone"])
    if "latitude" in values:
        values["latitude"] = _coordinate_clean(values["latitude"], 90, gettext("latitude"))
    if "longitude" in values:
        values["longitude"] = _coordinate_clean(values["longitude"], 180, gettext("longitude"))
    return values


def _unique_slug(name: str) -> str:
    return slug_unique(
        name, taken=lambda slug: Venue.objects.filter(slug=slug).exists(), fallback="venue"
    )


@transaction.atomic
def venue_create(*, actor: User, name: str, managers: Iterable[User] = (), **data: Any) -> Venue:
    """Create a venue (staff with ``venues.add_venue``); its slug comes from the
    name. Raises PermissionDenied, ApplicationError (invalid name, zone, coordinates)."""
    venue_write_check(actor=actor, permission="venues.add_venue")
    values = _venue_values({"name": name, **data})
    venue = Venue.objects.create(slug=_unique_slug(values["name"]), **values)
    venue.managers.set(list(managers))
    audit_record(
        "venue.create",
        actor=actor,
        target=venue,
        data={"name": venue.name, "managers": sorted(u.pk for u in venue.managers.all())},
    )
    page_cache_invalidate()
    return venue


@transaction.atomic
def venue_update(
    *,
    actor: User,
    venue: Venue,
    data: dict[str, Any],
    managers: Iterable[User] | None = None,
) -> Venue:
    """Change a venue: staff with ``venues.change_venue``, or its managers (who may
    not change who manages it). A new time zone moves the opening hours with it,
    so it is refused while a confirmed booking still to come would fall outside
    them. The slug (its public address) stays. Raises PermissionDenied,
    VenueHasBookings, ApplicationError."""
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    venue_write_check(actor=actor, permission="venues.change_venue", venue=venue)
    values = _venue_values(data)
    changed = sorted(field for field, value in values.items() if getattr(venue, field) != value)
    if "time_zone" in changed:
        stranded = venue_bookings_outside_hours(
            venue=venue, hours=list(venue.opening_hours.all()), time_zone=values["time_zone"]
        )
        if stranded:
            raise VenueHasBookings(
                gettext(
                    "In %(zone)s these confirmed bookings would fall outside the opening "
                    "hours: %(bookings)s. Move or cancel them first."
                )
                % {
                    "zone": values["time_zone"],
                    "bookings": bookings_describe(stranded, values["time_zone"]),
                },
                extra={"bookings": [b.pk for b in stranded]},
            )
    wanted = None if managers is None else {user.pk for user in managers}
    if wanted is not None and wanted != set(venue.managers.values_list("pk", flat=True)):
        if not actor.has_perm("venues.change_venue"):
            raise PermissionDenied(gettext("Only staff can change who manages a venue."))
        venue.managers.set(list(wanted))
        changed = sorted([*changed, "managers"])
    for field, value in values.items():
        setattr(venue, field, value)
    venue.save()
    data_out: dict[str, Any] = {"changed": changed}
    if "managers" in changed:
        data_out["managers"] = sorted(wanted or [])
    audit_record("venue.update", actor=actor, target=venue, data=data_out)
    page_cache_invalidate()
    return venue
