"""Time-range exclusion constraints on core PostgreSQL range types.

``btree_gist`` is a contrib extension the embedded database lacks, so "same
space" is expressed as a one-point ``int8range(id, id, '[]')`` overlapping
another one-point range: both sides are ranges, and GiST indexes ranges in core
PostgreSQL. Migrations reference these classes by import path: keep them here.
Artists' gigs use the same two expressions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.postgres.fields import BigIntegerRangeField, DateTimeRangeField
from django.db import IntegrityError, models

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


class InvalidBookingTimes(ApplicationError):
    """End before start, zero or negative length, or naive datetimes."""

    default_code = "invalid_times"


def booking_times_check(*, starts_at: datetime, ends_at: datetime) -> None:
    """Raise InvalidBookingTimes unless both times are aware and ``ends_at`` is after start."""
    if starts_at is None or ends_at is None:
        raise InvalidBookingTimes("Both a start and an end time are required.")
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise InvalidBookingTimes("Times must include a time zone.")
    if ends_at <= starts_at:
        raise InvalidBookingTimes("The end must be after the start.")
