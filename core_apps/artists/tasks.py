"""Background work for artists: invitations and booking notifications by email."""

from __future__ import annotations

from core_apps.accounts.models import User
from core_apps.artists.mail import artist_booking_entry_notify, artist_invitation_send
from core_apps.artists.models import ArtistBookingEntry, ArtistProfile
from pista.celery import app
from pista.tasks import CommunityTask


@app.task(base=CommunityTask)
def artist_invitation_send_task(*, user_id: int, profile_id: int) -> None:
    """Email an invited artist a link to set their password (once)."""
    user = User.objects.filter(pk=user_id).first()
    profile = ArtistProfile.objects.filter(pk=profile_id).first()
    if user is None or profile is None:
        return
    artist_invitation_send(user=user, profile=profile)


@app.task(base=CommunityTask)
def artist_booking_notify_task(*, entry_id: int) -> None:
    """Tell the side that did not take a booking step what happened (once)."""
    entry = (
        ArtistBookingEntry.objects.select_related(
            "actor", "booking__artist__user", "booking__organizer"
        )
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        return
    artist_booking_entry_notify(entry=entry)
