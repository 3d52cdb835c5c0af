"""Writes about a venue's spaces: add, change, deactivate and reactivate, delete
(never one with bookings: deactivate it instead)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext

from core_apps.accounts.models import User
from core_apps.bookings.money import InvalidAmount, amount_minor_check, currency_clean
from core_apps.bookings.photos import photo_clean
from core_apps.privacy.services import audit_record
from core_apps.venues.models import FloorType, Space, SpaceBooking, Venue
from core_apps.venues.selectors import space_bookings_upcoming
from core_apps.venues.services.venues import (
    VenueHasBookings,
    bookings_describe,
    venue_write_check,
)
from pista.errors import ApplicationError, unknown_fields_refuse
from pista.pagecache.store import page_cache_invalidate

# The fields a space's services take, in the order the API shows them.
SPACE_FIELDS = (
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
)


def _space_values(data: dict[str, Any], space: Space | None = None) -> dict[str, Any]:
    """Checked space fields; ``space`` supplies the values not being changed."""
    unknown_fields_refuse(data, SPACE_FIELDS)
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
    venue_write_check(actor=actor, permission="venues.add_space", venue=venue)
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
    venue_write_check(actor=actor, permission="venues.change_space", venue=space.venue)
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
    page_cache_invalidate()
    return space


def _space_active_set(*, actor: User, space: Space, active: bool) -> Space:
    space = Space.objects.select_for_update().select_related("venue").get(pk=space.pk)
    venue_write_check(actor=actor, permission="venues.change_space", venue=space.venue)
    if space.is_active == active:
        return space  # already so: nothing changes, nothing to record
    space.is_active = active
    space.save(update_fields=["is_active"])
    audit_record(
        "space.activate" if active else "space.deactivate",
        actor=actor,
        target=space,
        data={"venue": space.venue_id, "name": space.name},
    )
    page_cache_invalidate()
    return space


@transaction.atomic
def space_deactivate(*, actor: User, space: Space) -> Space:
    """Take a space off the public pages and stop new requests for it: staff
    with ``venues.change_space`` or the venue's managers. Its bookings stay as
    they are (confirmed ones still happen; pending requests still await a
    decision). Deactivating an inactive space changes nothing. Raises
    PermissionDenied."""
    return _space_active_set(actor=actor, space=space, active=False)


@transaction.atomic
def space_activate(*, actor: User, space: Space) -> Space:
    """Put a deactivated space back on the public pages, open to requests again
    (who may: as for ``space_deactivate``). Raises PermissionDenied."""
    return _space_active_set(actor=actor, space=space, active=True)


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
    venue_write_check(actor=actor, permission="venues.delete_space", venue=venue)
    upcoming = list(space_bookings_upcoming(space=space).select_related("space"))
    if upcoming:
        raise VenueHasBookings(
            gettext(
                "%(space)s has confirmed bookings still to come: %(bookings)s. "
                "Cancel them before deleting the space."
            )
            % {"space": space.name, "bookings": bookings_describe(upcoming, venue.time_zone)},
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
    page_cache_invalidate()
