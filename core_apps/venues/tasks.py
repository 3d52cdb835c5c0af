"""Background work for venues: booking notifications by email."""

from __future__ import annotations

from core_apps.venues.mail import space_booking_entry_notify
from core_apps.venues.models import SpaceBookingEntry
from pista.celery import app
from pista.tasks import CommunityTask


@app.task(base=CommunityTask)
def space_booking_notify_task(*, entry_id: int) -> None:
    """Tell the other side of a space booking what happened (once)."""
    entry = (
        SpaceBookingEntry.objects.select_related("booking__space__venue", "booking__requester")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        return
    space_booking_entry_notify(entry=entry)
