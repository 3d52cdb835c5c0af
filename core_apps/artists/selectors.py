"""Reads about artists: public profiles, a user's bookings, the gig feed."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core_apps.accounts.models import User
from core_apps.artists.models import ArtistBlock, ArtistBooking, ArtistBookingEntry, ArtistProfile
from core_apps.bookings.availability import (
    BusyPeriod,
    availability_window_check,
    busy_periods,
    overlapping,
)
from core_apps.bookings.selectors import booking_inbox, booking_of_party
from pista.errors import NotFound


def artist_list() -> QuerySet[ArtistProfile]:
    """Public profiles, by name."""
    return ArtistProfile.objects.filter(is_public=True).order_by("name")


def artist_get(
    *, slug: str | None = None, pk: int | None = None, include_hidden: bool = False
) -> ArtistProfile:
    """A public profile (or any, with ``include_hidden``) by slug or id. Raises NotFound."""
    lookup: dict[str, object] = {"slug": slug} if slug is not None else {"pk": pk}
    if not include_hidden:
        lookup["is_public"] = True
    profile = ArtistProfile.objects.filter(**lookup).first()
    if profile is None:
        raise NotFound(_("No such artist."))
    return profile


def artist_profile_of(*, user: User) -> ArtistProfile | None:
    if not user.is_authenticated:
        return None
    return ArtistProfile.objects.filter(user=user).first()


def artist_blocks(*, artist: ArtistProfile) -> QuerySet[ArtistBlock]:
    return ArtistBlock.objects.filter(artist=artist).order_by("starts_at")


def artist_busy(*, artist: ArtistProfile, starts: datetime, ends: datetime) -> list[BusyPeriod]:
    """Busy periods between two times: blocked periods and confirmed gigs, without
    their details. Raises InvalidBookingTimes, ApplicationError."""
    availability_window_check(starts=starts, ends=ends)
    blocks = overlapping(ArtistBlock.objects.filter(artist=artist), starts=starts, ends=ends)
    confirmed = ArtistBooking.objects.filter(artist=artist, status=ArtistBooking.Status.CONFIRMED)
    gigs = overlapping(confirmed, starts=starts, ends=ends)
    return busy_periods(
        (BusyPeriod(starts_at=b.starts_at, ends_at=b.ends_at, kind="blocked") for b in blocks),
        (BusyPeriod(starts_at=g.starts_at, ends_at=g.ends_at, kind="gig") for g in gigs),
    )


def artist_bookings_for_user(*, user: User) -> QuerySet[ArtistBooking]:
    """Bookings where ``user`` is the organizer or the artist."""
    return (
        ArtistBooking.objects.filter(Q(organizer=user) | Q(artist__user=user))
        .select_related("artist", "organizer")
        .order_by("-created")
    )


def artist_booking_for_user(*, user: User, pk: int) -> ArtistBooking:
    """One booking ``user`` is a party of. Raises NotFound (also for outsiders)."""
    return booking_of_party(artist_bookings_for_user(user=user), pk=pk)


def artist_inbox(*, user: User) -> QuerySet[ArtistBookingEntry]:
    """In-app notifications: steps the *other* side took on the user's bookings."""
    entries = ArtistBookingEntry.objects.select_related("booking__artist")
    parties = Q(booking__organizer=user) | Q(booking__artist__user=user)
    return booking_inbox(entries, parties=parties, user=user)


def artist_bookings_for_event(*, event_id: int) -> QuerySet[ArtistBooking]:
    """Confirmed bookings linked to an event: the event's teachers."""
    return ArtistBooking.objects.filter(
        event_id=event_id, status=ArtistBooking.Status.CONFIRMED
    ).select_related("artist")


def artist_by_calendar_token(*, slug: str, token: str) -> ArtistProfile:
    """The profile whose gig feed this token opens. Raises NotFound."""
    profile = ArtistProfile.objects.filter(slug=slug).first()
    if profile is None or not token or not secrets.compare_digest(profile.calendar_token, token):
        raise NotFound(_("No such calendar."))
    return profile


def _ical_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ical_fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _ical_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def artist_gigs_ical(*, artist: ArtistProfile, host: str) -> str:
    """The artist's confirmed gigs as an RFC 5545 calendar."""
    now = datetime.now(UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Pista//Artist gigs//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_ical_text(artist.name)} - gigs",
    ]
    gigs = ArtistBooking.objects.filter(artist=artist, status=ArtistBooking.Status.CONFIRMED)
    for gig in gigs.order_by("starts_at"):
        lines += [
            "BEGIN:VEVENT",
            f"UID:artist-booking-{gig.pk}@{host}",
            f"DTSTAMP:{_ical_time(now)}",
            f"DTSTART:{_ical_time(gig.starts_at)}",
            f"DTEND:{_ical_time(gig.ends_at)}",
            f"SUMMARY:{_ical_text(gig.title)}",
            f"DESCRIPTION:{_ical_text(gig.wanted)}",
            "STATUS:CONFIRMED",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_ical_fold(line) + "\r\n" for line in lines)


def artists_for_ids(*, ids: list[int]) -> list[ArtistProfile]:
    """Public profiles among ``ids``, in the order given (an event's line-up)."""
    by_pk = {p.pk: p for p in ArtistProfile.objects.filter(pk__in=ids, is_public=True)}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def artists_for_staff() -> QuerySet[ArtistProfile]:
    """Every profile, public or not, by name (the back office)."""
    return ArtistProfile.objects.order_by("name")
