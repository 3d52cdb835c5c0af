"""Time-range exclusion constraints on core PostgreSQL range types.

``btree_gist`` is a contrib extension the embedded database lacks, so "same
owner" (space, artist) is expressed as a one-point ``int8range(id, id, '[]')``
overlapping another one-point range: both sides are ranges, and GiST indexes
ranges in core PostgreSQL. Migrations reference ``PointRange`` and ``TimeRange``
by the import path ``core_apps.venues.ranges``, which re-exports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import BigIntegerRangeField, DateTimeRangeField, RangeOperators
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from pista.errors import ApplicationError, Conflict

# SQLSTATE of an exclusion-constraint violation.
EXCLUSION_VIOLATION = "23P01"


class PointRange(models.Func):
    """``int8range(x, x, '[]')``: the one-point range of an integer column."""

    function = "int8range"
    template = "%(function)s(%(expressions)s, %(expressions)s, '[]')"
    output_field = BigIntegerRangeField()

    def __init__(self, expression: Any, **extra: Any) -> None:
        super().__init__(expression, **extra)


class TimeRange(models.Func):
    """``tstzrange(start, end)``: half-open, so back-to-back bookings don't overlap."""

    function = "tstzrange"
    output_field = DateTimeRangeField()


def no_overlap_constraint(*, name: str, owner: str, starts: str, ends: str) -> ExclusionConstraint:
    """Two confirmed bookings of one ``owner`` (an id column) never overlap in
    ``[starts, ends)``, whatever races between confirmations."""
    return ExclusionConstraint(
        name=name,
        expressions=[
            (PointRange(owner), RangeOperators.OVERLAPS),
            (TimeRange(starts, ends), RangeOperators.OVERLAPS),
        ],
        condition=models.Q(status="confirmed"),
    )


def ends_after_start_constraint(*, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(ends_at__gt=models.F("starts_at")),
        name=name,
    )


def booking_constraints(
    *, prefix: str, owner: str, blocked_from: str = "starts_at", blocked_until: str = "ends_at"
) -> list[models.BaseConstraint]:
    """``<prefix>_ends_after_start`` and ``<prefix>_no_overlap``: no double booking
    by construction. The time blocked may be wider than the booking (buffers)."""
    return [
        ends_after_start_constraint(name=f"{prefix}_ends_after_start"),
        no_overlap_constraint(
            name=f"{prefix}_no_overlap", owner=owner, starts=blocked_from, ends=blocked_until
        ),
    ]


def exclusion_violation_constraint(exc: IntegrityError) -> str | None:
    """The name of the exclusion constraint ``exc`` violated, or None if it is another error."""
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) != EXCLUSION_VIOLATION:
        return None
    diag = getattr(cause, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


class BookingConflict(Conflict):
    """The time overlaps a confirmed booking of the same space or artist.

    ``extra["conflicting_booking"]`` names the clashing booking's id when known.
    """

    default_code = "booking_conflict"


@contextmanager
def overlap_guard(conflict: Callable[[], Exception]) -> Iterator[None]:
    """Run the write that confirms a booking in a savepoint; raise ``conflict()``
    instead of the IntegrityError when the exclusion constraint refuses it. Any
    other IntegrityError propagates."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if exclusion_violation_constraint(exc) is None:
            raise
        raise conflict() from exc


class InvalidBookingTimes(ApplicationError):
    """End before start, zero or negative length, or naive datetimes."""

    default_code = "invalid_times"


def booking_times_check(*, starts_at: datetime, ends_at: datetime) -> None:
    """Raise InvalidBookingTimes unless both times are aware and ``ends_at`` is after start."""
    if starts_at is None or ends_at is None:
        raise InvalidBookingTimes(_("Both a start and an end time are required."))
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise InvalidBookingTimes(_("Times must include a time zone."))
    if ends_at <= starts_at:
        raise InvalidBookingTimes(_("The end must be after the start."))
