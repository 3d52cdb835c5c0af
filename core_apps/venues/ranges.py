"""Applied migrations of venues and artists reference ``PointRange`` and
``TimeRange`` by this import path: keep re-exporting them from the booking core."""

from __future__ import annotations

from core_apps.bookings.ranges import PointRange, TimeRange

__all__ = ["PointRange", "TimeRange"]
