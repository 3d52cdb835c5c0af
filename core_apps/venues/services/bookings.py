"""Writes about space bookings: requests, approval, cancellation and invoices.

A space booking is ``requested`` until a manager of its venue approves it (or at
once, when the space auto-approves); only ``confirmed`` bookings block the space,
and the ``venues_booking_no_overlap`` exclusion constraint guarantees that two
confirmed bookings of one space (setup and teardown buffers included) never
overlap, whatever races between approvals.

``event_id`` links a booking to an event date once ``core_apps.events`` lands;
it is a plain id so this app does not depend on that one's migrations.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils.translation import gettext, ngettext

from core_apps.accounts.models import User
from core_apps.bookings.ranges import BookingConflict, overlap_guard
from core_apps.bookings.workflow import (
    BookingFlow,
    booking_entry_record,
    booking_for_update,
    bookings_for_update,
    step,
)
from core_apps.privacy.services import audit_record
from core_apps.venues.models import (
    BlackoutDate,
    Space,
    SpaceBooking,
    SpaceBookingEntry,
    SpaceBookingSeries,
    Venue,
    VenueInvoice,
)
from core_apps.venues.selectors import (
    Occurrence,
    space_bookable_check,
    space_confirmed_overlapping,
    space_occurrences_preview,
    space_quote,
    venue_is_managed_by,
)
from core_apps.venues.services.venues import venue_write_check
from core_apps.venues.tasks import space_booking_notify_task
from pista.domain_events import domain_event_emit
from pista.errors import ApplicationError, Conflict, PermissionDenied

Status = SpaceBooking.Status

SPACE_BOOKING_FLOW = BookingFlow(
    {
        "approve": step({Status.REQUESTED}, Status.CONFIRMED),
        "decline": step({Status.REQUESTED}, Status.DECLINED),
        "cancel": step({Status.REQUESTED, Status.CONFIRMED}, Status.CANCELLED),
    }
)


class RecurrenceHasConflicts(Conflict):
    """Some dates of a recurring request cannot be booked; ``extra["dates"]`` lists them."""

    default_code = "recurrence_conflicts"


def _entry(
    *,
    booking: SpaceBooking,
    actor: User | None,
    action: str,
    data: dict[str, Any] | None = None,
    notify: bool = True,
) -> SpaceBookingEntry:
    """Audit the step and notify the other side (email after commit; in-app inbox).
    A series sends one email for all its dates, not one per date."""
    return booking_entry_record(
        entry_model=SpaceBookingEntry,
        booking=booking,
        actor=actor,
        action=action,
        data=data,
        notify_task=space_booking_notify_task if notify else None,
    )


def _problems(occurrences: list[Occurrence]) -> list[dict[str, Any]]:
    return [
        {
            "starts_at": item.starts_at.isoformat(),
            "ends_at": item.ends_at.isoformat(),
            "code": item.problem_code,
            "detail": item.problem,
            "conflicting_booking": item.conflicting_booking,
        }
        for item in occurrences
        if not item.is_free
    ]


@transaction.atomic
def space_booking_request(
    *,
    requester: User,
    space: Space,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    rrule: str | None = None,
    free_dates_only: bool = False,
    event_id: int | None = None,
) -> list[SpaceBooking]:
    """Request a space once or, with an RFC 5545 ``rrule``, on every date of a
    series. Dates that break the venue's rules or clash with a confirmed booking
    make the whole request fail unless ``free_dates_only``, which books the rest.
    A space that auto-approves confirms them at once.

    Raises PermissionDenied, SpaceInactive, InvalidBookingTimes,
    BelowMinimumDuration, OutsideOpeningHours, VenueClosed, InvalidRecurrence,
    RecurrenceHasConflicts, BookingConflict.
    """
    if not requester.has_perm("venues.add_spacebooking"):
        raise PermissionDenied(gettext("Your role cannot request spaces."))
    # Read afresh: the caller's copy may predate a deactivation. (A request
    # racing one is like a request made a moment earlier: it waits for a decision.)
    space = Space.objects.select_related("venue").get(pk=space.pk)
    space_bookable_check(space=space)
    if not title.strip():
        raise ApplicationError(gettext("Give the booking a title."), code="invalid_title")
    if not rrule:
        space_quote(space=space, starts_at=starts_at, ends_at=ends_at)  # the precise error
    occurrences = space_occurrences_preview(
        space=space, starts_at=starts_at, ends_at=ends_at, rrule=rrule
    )
    problems = _problems(occurrences)
    free = [item for item in occurrences if item.is_free]
    if not rrule and problems:
        only = occurrences[0]
        raise BookingConflict(
            only.problem or "", extra={"conflicting_booking": only.conflicting_booking}
        )
    if problems and not (free_dates_only and free):
        raise RecurrenceHasConflicts(
            ngettext(
                "%(problems)s of %(dates)s date cannot be booked.",
                "%(problems)s of %(dates)s dates cannot be booked.",
                len(occurrences),
            )
            % {"problems": len(problems), "dates": len(occurrences)}
            + " "
            + (
                gettext("No date is free.")
                if not free
                else gettext("Request the free dates only, or change them.")
            ),
            extra={"dates": problems},
        )
    series = None
    if rrule:
        series = SpaceBookingSeries.objects.create(
            space=space,
            requester=requester,
            title=title.strip()[:200],
            rrule=rrule.strip()[:500],
            first_starts_at=starts_at,
            duration_minutes=int((ends_at - starts_at).total_seconds() // 60),
        )
    bookings = []
    for index, item in enumerate(free):
        booking = SpaceBooking.objects.create(
            space=space,
            requester=requester,
            series=series,
            title=title.strip()[:200],
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            blocked_from=item.starts_at - timedelta(minutes=space.setup_minutes),
            blocked_until=item.ends_at + timedelta(minutes=space.teardown_minutes),
            price_minor=item.price_minor or 0,
            currency=space.currency,
            event_id=event_id,
        )
        _entry(booking=booking, actor=requester, action="requested", notify=index == 0)
        bookings.append(booking)
    if space.auto_approve:
        for index, booking in enumerate(bookings):
            _confirm(booking=booking, actor=None, note="Approved automatically.", notify=index == 0)
    return bookings


def _confirm(
    *, booking: SpaceBooking, actor: User | None, note: str = "", notify: bool = True
) -> SpaceBooking:
    """Confirm a locked, requested booking. Raises InvalidTransition, BookingConflict."""
    booking.status = SPACE_BOOKING_FLOW.target(booking, "approve")
    booking.decided_by = actor
    booking.decision_note = note[:300]
    with overlap_guard(lambda: _conflict(booking)):
        booking.save(update_fields=["status", "decided_by", "decision_note"])
    _invoice_issue(booking=booking)
    _entry(booking=booking, actor=actor, action="confirmed", data={"note": note}, notify=notify)
    domain_event_emit(
        "booking.confirmed",
        kind="space",
        booking=booking.pk,
        space=booking.space_id,
        starts_at=booking.starts_at.isoformat(),
        ends_at=booking.ends_at.isoformat(),
    )
    return booking


def _conflict(booking: SpaceBooking) -> BookingConflict:
    """The clash that kept ``booking`` from being confirmed; it stays requested."""
    booking.status = Status.REQUESTED
    clash = space_confirmed_overlapping(
        space=booking.space,
        blocked_from=booking.blocked_from,
        blocked_until=booking.blocked_until,
        exclude=booking.pk,
    )
    return BookingConflict(
        f"{booking.space.name} is already booked then"
        + (
            f": booking #{clash.pk} ({clash.title}, {clash.starts_at:%Y-%m-%d %H:%M} UTC)."
            if clash
            else "."
        ),
        extra={"conflicting_booking": clash.pk if clash else None},
    )


def _invoice_issue(*, booking: SpaceBooking) -> VenueInvoice:
    # Invoice numbers must be gapless and sequential within the community; the
    # short table lock (this schema's table only) serialises just the numbering.
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE venues_venueinvoice IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM venues_venueinvoice")
        number = cursor.fetchone()[0]
    requester = booking.requester
    return VenueInvoice.objects.create(
        number=number,
        booking=booking,
        venue_name=booking.space.venue.name,
        bill_to=f"{requester.get_full_name()} <{requester.email}>",
        description=(
            f"{booking.space.name}: {booking.title}, "
            f"{booking.starts_at:%Y-%m-%d %H:%M}-{booking.ends_at:%H:%M} UTC"
        )[:300],
        amount_minor=booking.price_minor,
        currency=booking.currency,
    )


def _locked(booking: SpaceBooking) -> SpaceBooking:
    related = SpaceBooking.objects.select_related("space", "space__venue", "requester")
    return booking_for_update(related, pk=booking.pk)


def _manager_check(*, venue: Venue, actor: User) -> None:
    if not venue_is_managed_by(venue=venue, user=actor):
        raise PermissionDenied(gettext("Only a manager of this venue can decide on its bookings."))


@transaction.atomic
def space_booking_approve(*, actor: User, booking: SpaceBooking, note: str = "") -> SpaceBooking:
    """A venue manager confirms a request. Raises PermissionDenied,
    InvalidTransition, BookingConflict."""
    booking = _locked(booking)
    _manager_check(venue=booking.space.venue, actor=actor)
    return _confirm(booking=booking, actor=actor, note=note)


@transaction.atomic
def space_booking_series_approve(
    *, actor: User, series: SpaceBookingSeries
) -> tuple[list[SpaceBooking], list[SpaceBooking]]:
    """Confirm every requested date of a series that is still free; decline the
    ones that now clash. Returns (confirmed, declined). Raises PermissionDenied."""
    _manager_check(venue=series.space.venue, actor=actor)
    confirmed: list[SpaceBooking] = []
    declined: list[SpaceBooking] = []
    pending = SpaceBooking.objects.filter(series=series, status=Status.REQUESTED)
    for booking in bookings_for_update(pending.select_related("space__venue", "requester")):
        try:
            confirmed.append(_confirm(booking=booking, actor=actor, notify=not confirmed))
        except BookingConflict as exc:
            booking.status = SPACE_BOOKING_FLOW.target(booking, "decline")
            booking.decided_by = actor
            booking.decision_note = exc.message[:300]
            booking.save(update_fields=["status", "decided_by", "decision_note"])
            _entry(
                booking=booking,
                actor=actor,
                action="declined",
                data={"note": exc.message},
                notify=not declined,
            )
            declined.append(booking)
    return confirmed, declined


@transaction.atomic
def space_booking_decline(*, actor: User, booking: SpaceBooking, note: str = "") -> SpaceBooking:
    """Raises PermissionDenied, InvalidTransition."""
    booking = _locked(booking)
    _manager_check(venue=booking.space.venue, actor=actor)
    booking.status = SPACE_BOOKING_FLOW.target(booking, "decline")
    booking.decided_by = actor
    booking.decision_note = note[:300]
    booking.save(update_fields=["status", "decided_by", "decision_note"])
    _entry(booking=booking, actor=actor, action="declined", data={"note": note})
    return booking


@transaction.atomic
def venue_blackout_add(*, actor: User, venue: Venue, day: date, reason: str = "") -> BlackoutDate:
    """Close a venue on a local date. Its managers or staff may; a date with
    confirmed bookings is refused (cancel those first). Raises PermissionDenied,
    Conflict."""
    venue_write_check(actor=actor, permission="venues.add_blackoutdate", venue=venue)
    zone = ZoneInfo(venue.time_zone)
    day_start = datetime.combine(day, time.min, tzinfo=zone)
    booked = SpaceBooking.objects.filter(
        space__venue=venue,
        status=Status.CONFIRMED,
        starts_at__lt=day_start + timedelta(days=1),
        ends_at__gt=day_start,
    ).order_by("starts_at")
    if booked.exists():
        ids = ", ".join(f"#{pk}" for pk in booked.values_list("pk", flat=True))
        raise Conflict(
            gettext("%(venue)s has confirmed bookings on %(day)s (%(ids)s); cancel them first.")
            % {"venue": venue.name, "day": format(day, "%Y-%m-%d"), "ids": ids},
            code="blackout_has_bookings",
        )
    blackout, _ = BlackoutDate.objects.update_or_create(
        venue=venue, date=day, defaults={"reason": reason[:200]}
    )
    audit_record(
        "venue.blackout_add",
        actor=actor,
        target=venue,
        data={"date": day.isoformat(), "reason": reason[:200]},
    )
    return blackout


@transaction.atomic
def venue_blackout_remove(*, actor: User, blackout: BlackoutDate) -> None:
    """Open a venue again on a day it was closed: its managers or staff with
    ``venues.delete_blackoutdate``. Raises PermissionDenied."""
    venue = blackout.venue
    venue_write_check(actor=actor, permission="venues.delete_blackoutdate", venue=venue)
    deleted, _ = BlackoutDate.objects.filter(pk=blackout.pk).delete()
    if deleted:
        audit_record(
            "venue.blackout_remove",
            actor=actor,
            target=venue,
            data={"date": blackout.date.isoformat(), "reason": blackout.reason},
        )


@transaction.atomic
def space_booking_event_link(
    *, actor: User, booking: SpaceBooking, event_id: int | None
) -> SpaceBooking:
    """Link a booking (or unlink it, with None) to the event date it hosts. The
    requester or a manager of the venue may. Raises PermissionDenied."""
    booking = _locked(booking)
    if booking.requester_id != actor.pk:
        _manager_check(venue=booking.space.venue, actor=actor)
    booking.event_id = event_id
    booking.save(update_fields=["event_id"])
    _entry(
        booking=booking,
        actor=actor,
        action="event_linked",
        data={"event_id": event_id},
        notify=False,
    )
    return booking


@transaction.atomic
def space_booking_cancel(*, actor: User, booking: SpaceBooking) -> SpaceBooking:
    """The requester withdraws, or a manager cancels, a requested or confirmed
    booking; the space is free again. Raises PermissionDenied, InvalidTransition."""
    booking = _locked(booking)
    if booking.requester_id != actor.pk:
        _manager_check(venue=booking.space.venue, actor=actor)
    booking.status = SPACE_BOOKING_FLOW.target(booking, "cancel")
    booking.save(update_fields=["status"])
    _entry(booking=booking, actor=actor, action="cancelled")
    return booking
