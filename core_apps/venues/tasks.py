"""Background work for venues: booking notifications by email."""

from __future__ import annotations

from django.core.mail import send_mail
from django.urls import reverse

from core_apps.venues.models import SpaceBookingEntry
from pista.celery import app
from pista.tasks import CommunityTask


@app.task(base=CommunityTask)
def space_booking_notify_task(*, entry_id: int) -> None:
    """Tell the other side of a space booking what happened: the venue's managers
    when the requester acted, the requester when a manager (or the system) did."""
    from tenants.current import community_current, community_url

    entry = (
        SpaceBookingEntry.objects.select_related("booking__space__venue", "booking__requester")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        return
    booking = entry.booking
    if entry.actor_id == booking.requester_id:
        recipients = list(booking.space.venue.managers.values_list("email", flat=True))
    else:
        recipients = [booking.requester.email]
    if not recipients:
        return
    community = community_current()
    url = f"{community_url(community=community)}{reverse('venues:booking', args=[booking.pk])}"
    action = entry.action.replace("_", " ")
    send_mail(
        subject=f"[{community.name}] {booking.space.name}, {booking.title}: {action}",
        message=(
            f"The booking of {booking.space} for {booking.title} on "
            f"{booking.starts_at:%Y-%m-%d %H:%M} UTC was {action}.\n\nSee it: {url}\n"
        ),
        from_email=None,
        recipient_list=recipients,
    )
