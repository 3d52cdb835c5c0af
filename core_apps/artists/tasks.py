"""Background work for artists: invitations and booking notifications by email."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.core.mail import send_mail
from django.urls import reverse

from core_apps.accounts.models import User
from core_apps.artists.models import ArtistBookingEntry, ArtistProfile
from pista.celery import app
from pista.tasks import CommunityTask


@app.task(base=CommunityTask)
def artist_invitation_send_task(*, user_id: int, profile_id: int) -> None:
    """Email an invited artist a link to set their password and manage their profile."""
    from tenants.current import community_current, community_url

    user = User.objects.filter(pk=user_id).first()
    profile = ArtistProfile.objects.filter(pk=profile_id).first()
    if user is None or profile is None:
        return
    community = community_current()
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    send_mail(
        subject=f"{community.name} invites you to Pista",
        message=(
            f"Hello {profile.name},\n\n{community.name} created an artist profile for you.\n"
            f"Set your password to manage it and answer booking requests: "
            f"{community_url(community=community)}{path}\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )


@app.task(base=CommunityTask)
def artist_booking_notify_task(*, entry_id: int) -> None:
    """Tell the side that did not take a booking step what happened."""
    from tenants.current import community_current, community_url

    entry = (
        ArtistBookingEntry.objects.select_related("booking__artist__user", "booking__organizer")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        return
    booking = entry.booking
    artist_user = booking.artist.user
    recipients = [
        user.email
        for user in (booking.organizer, artist_user)
        if user is not None and user.pk != entry.actor_id
    ]
    if not recipients:
        return
    community = community_current()
    url = f"{community_url(community=community)}{reverse('artists:booking', args=[booking.pk])}"
    send_mail(
        subject=f"[{community.name}] Booking {booking.title}: {entry.action.replace('_', ' ')}",
        message=(
            f"{entry.actor or 'Someone'} {entry.action.replace('_', ' ')} the booking of "
            f"{booking.artist.name} for {booking.title}.\n\nSee it: {url}\n"
        ),
        from_email=None,
        recipient_list=recipients,
    )
