"""Busy periods of a bookable thing between two times, for free/busy views."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TypedDict, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from core_apps.bookings.ranges import booking_times_check
from pista.errors import ApplicationError

M = TypeVar("M", bound=models.Model)

MAX_AVAILABILITY_WINDOW = timedelta(days=93)


class BusyPeriod(TypedDict):
    starts_at: datetime
    ends_at: datetime
    kind: str


def availability_window_check(*, starts: datetime, ends: datetime) -> None:
    """Raises InvalidBookingTimes, or ApplicationError for a window over 93 days."""
    booking_times_check(starts_at=starts, ends_at=ends)
    if ends - starts > MAX_AVAILABILITY_WINDOW:
        raise ApplicationError(_("Ask for at most 93 days at a time."), code="window_too_large")


def overlapping(
    queryset: models.QuerySet[M],
    *,
    starts: datetime,
    ends: datetime,
    start_field: str = "starts_at",
    end_field: str = "ends_at",
) -> models.QuerySet[M]:
    """Rows whose ``[start_field, end_field)`` overlaps ``[starts, ends)``."""
    return queryset.filter(**{f"{start_field}__lt": ends, f"{end_field}__gt": starts})


def busy_periods(*groups: Iterable[BusyPeriod]) -> list[BusyPeriod]:
    """All periods of ``groups``, earliest first."""
    return sorted((period for group in groups for period in group), key=lambda p: p["starts_at"])
