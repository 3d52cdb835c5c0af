"""Emails about artists, in the community's theme, language and time zone
(``themes.services.community_email_build``): the invitation to a new artist
account and the notice of a booking step to the side that did not take it.
Each is sent once per effect, however often its task runs."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core_apps.accounts.models import User
from core_apps.artists.models import ArtistBookingEntry, ArtistProfile
from core_apps.bookings.mail import booking_step_notify
from pista.outbox.services import effect_once
from tenants.current import community_current, community_url
from themes.mail import community_email_build

# What each booking step is called in the notice; an unknown one reads as its code.
BOOKING_ACTIONS = {
    "requested": _("requested"),
    "countered": _("countered"),
    "confirmed": _("confirmed"),
    "declined": _("declined"),
    "withdrawn": _("withdrawn"),
    "deposit_paid": _("deposit paid"),
}


def artist_invitation_send(*, user: User, profile: ArtistProfile) -> None:
    """Email an invited artist a link to set their password and manage their
    profile — once per profile and account."""
    with effect_once(f"artist-profile:{profile.pk}:user:{user.pk}:invitation-email") as first:
        if not first:
            return
        path = reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": default_token_generator.make_token(user),
            },
        )
        community_email_build(
            template_prefix="artists/email/invitation",
            context={
                "profile": profile,
                "link": community_url(community=community_current()) + path,
            },
            to=[user.email],
        ).send()


def artist_booking_entry_notify(*, entry: ArtistBookingEntry) -> None:
    """Tell the side of the booking that did not take this step (the organiser,
    the artist or both) what happened — once per step."""
    booking = entry.booking
    booking_step_notify(
        entry=entry,
        recipients=[
            user.email
            for user in (booking.organizer, booking.artist.user)
            if user is not None and user.pk != entry.actor_id
        ],
        kind="artists",
        actions=BOOKING_ACTIONS,
    )
