"""Writes about venues themselves: the venue, its spaces and its weekly opening hours.

Staff holding the model's permission may write; a venue's managers may change
their own venue, its spaces and hours (but not who manages it). Every write is
audited. Nothing here touches a booking: a change that would leave a confirmed
booking still to come outside the venue's rules is refused with the bookings
listed, so the people who made them are never silently stranded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext, ngettext

from core_apps.accounts.models import User
from core_apps.bookings.money import InvalidAmount, amount_minor_check, currency_clean
from core_apps.bookings.photos import photo_clean
from core_apps.privacy.services import audit_record
from core_apps.venues.models import FloorType, OpeningHours, Space, SpaceBooking, Venue
from core_apps.venues.selectors import (
    Interval,
    OpeningInterval,
    space_bookings_upcoming,
    venue_bookings_outside_hours,
    venue_is_managed_by,
)
from pista.errors import ApplicationError, Conflict, PermissionDenied
from pista.text import slug_make

VENUE_FIELDS = {"name", "address", "latitude", "longitude", "time_zone", "house_rules"}
SPACE_FIELDS = {
    "name",
    "size_m2",
    "capacity",
    "floor_type",
    "mirrors",
    "sound_system",
    "air_conditioning",
    "step_free_access",
    "currency",
    "hourly_rate_minor",
    "peak_hourly_rate_minor",
    "peak_starts",
    "peak_ends",
    "peak_weekdays",
    "minimum_minutes",
    "setup_minutes",
    "teardown_minutes",
    "auto_approve",
}
# How many bookings a refusal names before it says "and N more".
LISTED_BOOKINGS = 10


class VenueHasBookings(Conflict):
    """The change would strand confirmed bookings; ``extra["bookings"]`` lists their ids."""

    default_code = "venue_has_bookings"


class InvalidOpeningHours(ApplicationError):
    default_code = "invalid_opening_hours"


def _permission_check(*, actor: User, permission: str, venue: Venue | None = None) -> None:
    """Staff with ``permission`` may; so may the managers of ``venue``."""
    if actor.has_perm(permission):
        return
    if venue is not None and venue_is_managed_by(venue=venue, user=actor):
        return
    raise PermissionDenied(gettext("Only staff or a manager of this venue can change it."))


def _bookings_listed(bookings: Sequence[SpaceBooking], zone: str) -> str:
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


# --- venues --------------------------------------------------------------------


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
    unknown = set(data) - VENUE_FIELDS
    if unknown:
        raise ApplicationError(
            gettext("Unknown venue fields: %(unknown)s.") % {"unknown": ", ".join(sorted(unknown))}
        )
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
    base = slug_make(name)[:70] or "venue"
    slug, n = base, 1
    while Venue.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def venue_create(*, actor: User, name: str, managers: Iterable[User] = (), **data: Any) -> Venue:
    """Create a venue (staff with ``venues.add_venue``); its slug comes from the
    name. Raises PermissionDenied, ApplicationError (invalid name, zone, coordinates)."""
    _permission_check(actor=actor, permission="venues.add_venue")
    values = _venue_values({"name": name, **data})
    venue = Venue.objects.create(slug=_unique_slug(values["name"]), **values)
    venue.managers.set(list(managers))
    audit_record(
        "venue.create",
        actor=actor,
        target=venue,
        data={"name": venue.name, "managers": sorted(u.pk for u in venue.managers.all())},
    )
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
    _permission_check(actor=actor, permission="venues.change_venue", venue=venue)
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
                    "bookings": _bookings_listed(stranded, values["time_zone"]),
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
    return venue


# --- spaces ------------------------------------------------------------------------


def _space_values(data: dict[str, Any], space: Space | None = None) -> dict[str, Any]:
    """Checked space fields; ``space`` supplies the values not being changed."""
    unknown = set(data) - SPACE_FIELDS
    if unknown:
        raise ApplicationError(
            gettext("Unknown space fields: %(unknown)s.") % {"unknown": ", ".join(sorted(unknown))}
        )
    values = dict(data)
    if "name" in values:
        values["name"] = str(values["name"]).strip()[:120]
        if not values["name"]:
            raise ApplicationError(gettext("A space needs a name."), code="invalid_name")
    if "currency" in values:
        values["currency"] = currency_clean(values["currency"])
    if "floor_type" in values and values["floor_type"] not in FloorType.values:
        raise ApplicationError(gettext("Choose a floor type."), code="invalid_floor_type")
    if "hourly_rate_minor" in values:
        values["hourly_rate_minor"] = amount_minor_check(
            values["hourly_rate_minor"], gettext("hourly rate")
        )
    if values.get("peak_hourly_rate_minor") is not None:
        values["peak_hourly_rate_minor"] = amount_minor_check(
            values["peak_hourly_rate_minor"], gettext("peak rate")
        )
    for field in ("size_m2", "capacity", "minimum_minutes", "setup_minutes", "teardown_minutes"):
        value = values.get(field)
        if value is not None and (not isinstance(value, int) or value < 0):
            raise ApplicationError(
                gettext("Sizes, capacities and minutes are whole numbers of zero or more."),
                code="invalid_number",
            )
    if values.get("minimum_minutes") == 0:
        raise ApplicationError(
            gettext("The minimum booking lasts at least one minute."), code="invalid_number"
        )
    if "peak_weekdays" in values:
        days = values["peak_weekdays"] or []
        if any(not isinstance(day, int) or not 0 <= day <= 6 for day in days):
            raise ApplicationError(gettext("Peak weekdays run from 0 (Monday) to 6 (Sunday)."))
        values["peak_weekdays"] = sorted(set(days))
    _peak_check({**_space_current(space), **values})
    return values


def _space_current(space: Space | None) -> dict[str, Any]:
    if space is None:
        return {}
    return {field: getattr(space, field) for field in SPACE_FIELDS}


def _peak_check(merged: dict[str, Any]) -> None:
    """A peak rate needs its window; a window without a rate means nothing."""
    rate = merged.get("peak_hourly_rate_minor")
    starts, ends = merged.get("peak_starts"), merged.get("peak_ends")
    if rate is not None and (starts is None or ends is None or starts == ends):
        raise InvalidAmount(
            gettext("A peak rate needs the hours it applies: a start and a different end.")
        )
    if rate is None and (starts is not None or ends is not None):
        raise InvalidAmount(gettext("Peak hours need a peak rate."))


@transaction.atomic
def space_create(
    *,
    actor: User,
    venue: Venue,
    name: str,
    photo: UploadedFile | None = None,
    **data: Any,
) -> Space:
    """Add a space to a venue: staff with ``venues.add_space`` or the venue's
    managers. Raises PermissionDenied, InvalidAmount, CurrencyMismatch,
    InvalidPhoto, ApplicationError."""
    _permission_check(actor=actor, permission="venues.add_space", venue=venue)
    values = _space_values({"name": name, **data})
    cleaned = photo_clean(upload=photo) if photo is not None else None
    space = Space.objects.create(venue=venue, **values)
    if cleaned is not None:
        space.photo.save(f"space-{space.pk}-{cleaned.name}", cleaned, save=True)
    audit_record(
        "space.create", actor=actor, target=space, data={"venue": venue.pk, "name": space.name}
    )
    return space


@transaction.atomic
def space_update(
    *, actor: User, space: Space, data: dict[str, Any], photo: UploadedFile | None = None
) -> Space:
    """Change a space. Bookings keep the price and buffers they were made with.
    Raises PermissionDenied, InvalidAmount, CurrencyMismatch, InvalidPhoto,
    ApplicationError."""
    space = Space.objects.select_for_update().select_related("venue").get(pk=space.pk)
    _permission_check(actor=actor, permission="venues.change_space", venue=space.venue)
    values = _space_values(data, space)
    cleaned = photo_clean(upload=photo) if photo is not None else None
    changed = sorted(field for field, value in values.items() if getattr(space, field) != value)
    for field, value in values.items():
        setattr(space, field, value)
    if cleaned is not None:
        space.photo.save(f"space-{space.pk}-{cleaned.name}", cleaned, save=False)
        changed.append("photo")
    space.save()
    audit_record("space.update", actor=actor, target=space, data={"changed": changed})
    return space


@transaction.atomic
def space_delete(*, actor: User, space: Space) -> None:
    """Delete a space: staff with ``venues.delete_space`` or the venue's managers.

    Refused while it has confirmed bookings still to come (they are listed:
    cancel them first), and for a space with any booking on record (past,
    requested, declined or cancelled: their history and invoices must stay).
    Raises PermissionDenied, VenueHasBookings.
    """
    space = Space.objects.select_for_update().select_related("venue").get(pk=space.pk)
    venue = space.venue
    _permission_check(actor=actor, permission="venues.delete_space", venue=venue)
    upcoming = list(space_bookings_upcoming(space=space).select_related("space"))
    if upcoming:
        raise VenueHasBookings(
            gettext(
                "%(space)s has confirmed bookings still to come: %(bookings)s. "
                "Cancel them before deleting the space."
            )
            % {"space": space.name, "bookings": _bookings_listed(upcoming, venue.time_zone)},
            extra={"bookings": [b.pk for b in upcoming]},
        )
    if SpaceBooking.objects.filter(space=space).exists():
        raise VenueHasBookings(
            gettext(
                "%(space)s has bookings on record (past, requested or cancelled); "
                "they keep their history and invoices, so the space cannot be deleted."
            )
            % {"space": space.name},
            code="space_has_history",
        )
    audit_record(
        "space.delete",
        actor=actor,
        target=venue,
        data={"space": space.pk, "name": space.name},
    )
    space.delete()


# --- opening hours --------------------------------------------------------------


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
    return [
        gettext("Monday"),
        gettext("Tuesday"),
        gettext("Wednesday"),
        gettext("Thursday"),
        gettext("Friday"),
        gettext("Saturday"),
        gettext("Sunday"),
    ]


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
    _permission_check(actor=actor, permission="venues.change_openinghours", venue=venue)
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
            % {"bookings": _bookings_listed(stranded, venue.time_zone)},
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
