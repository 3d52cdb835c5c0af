"""Writes about artists: profiles, availability and the booking workflow.

Booking state machine (``ArtistBooking.status``)::

    requested ──counter──▶ countered ──counter──▶ countered …
        │                      │
        ├──accept (artist)     ├──accept (the side that did not make the offer)
        ▼                      ▼
    confirmed ──deposit paid──▶ confirmed (deposit_status=paid)
    requested/countered ──decline (side to answer)──▶ declined
    requested/countered ──withdraw (organizer)──▶ withdrawn

Whoever made the terms on the table (``offer_by``) cannot accept them; the other
side answers. Confirmation is guarded by the ``artists_booking_no_overlap``
exclusion constraint, so two confirmed gigs of one artist never overlap, even
under concurrent accepts.

The booking's ``event_id`` is a plain id: once ``core_apps.events`` lands, its
services can list an event's confirmed bookings as its teachers through
``selectors.artist_bookings_for_event`` without this app importing that one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import nh3
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.artists.models import ArtistBlock, ArtistBooking, ArtistBookingEntry, ArtistProfile
from core_apps.artists.tasks import artist_booking_notify_task, artist_invitation_send_task
from core_apps.bookings.availability import overlapping
from core_apps.bookings.money import (
    CurrencyMismatch,
    InvalidAmount,
    amount_minor_check,
    currency_clean,
    money_format,
)
from core_apps.bookings.photos import photo_clean
from core_apps.bookings.ranges import BookingConflict, booking_times_check, overlap_guard
from core_apps.bookings.workflow import (
    BookingFlow,
    InvalidTransition,
    booking_entry_record,
    booking_for_update,
    step,
)
from core_apps.privacy.services import audit_record
from pista.domain_events import domain_event_emit
from pista.errors import (
    ApplicationError,
    Conflict,
    NotFound,
    PermissionDenied,
    unknown_fields_refuse,
)
from pista.pagecache.store import page_cache_invalidate
from pista.tasks import task_enqueue_on_commit
from pista.text import slug_unique

Side = ArtistBooking.Side
Status = ArtistBooking.Status
OPEN = {Status.REQUESTED, Status.COUNTERED}

ARTIST_BOOKING_FLOW = BookingFlow(
    {
        "counter": step(OPEN, Status.COUNTERED),
        "accept": step(OPEN, Status.CONFIRMED),
        "decline": step(OPEN, Status.DECLINED),
        "withdraw": step(OPEN, Status.WITHDRAWN),
    }
)

BIO_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h3", "h4", "blockquote"}
PROFILE_FIELDS = {
    "name",
    "bio",
    "styles",
    "dance_role",
    "levels",
    "languages",
    "home_city",
    "travel_preferences",
    "fee_currency",
    "fee_class_minor",
    "fee_workshop_minor",
    "fee_weekend_minor",
    "video_url",
    "links",
    "technical_rider",
    "is_public",
}


class ArtistUnavailable(Conflict):
    """The artist blocked (part of) the requested period."""

    default_code = "artist_unavailable"


class NotYourTurn(PermissionDenied):
    """The actor is a party of the booking, but this step belongs to the other side."""

    default_code = "not_your_turn"


# --- profiles ----------------------------------------------------------------


def bio_sanitise(html: str) -> str:
    """Keep simple formatting and safe links; drop scripts, styles and event handlers."""
    return nh3.clean(html or "", tags=BIO_TAGS, attributes={"a": {"href", "title"}})


def _is_artist_staff(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_perm("artists.change_artistprofile"))


def _unique_slug(name: str) -> str:
    return slug_unique(
        name, taken=lambda slug: ArtistProfile.objects.filter(slug=slug).exists(), fallback="artist"
    )


def _profile_values(data: dict[str, Any]) -> dict[str, Any]:
    unknown_fields_refuse(data, PROFILE_FIELDS)
    values = dict(data)
    if "bio" in values:
        values["bio"] = bio_sanitise(values["bio"])
    if "fee_currency" in values:
        values["fee_currency"] = currency_clean(values["fee_currency"])
    if "name" in values and not str(values["name"]).strip():
        raise ApplicationError(_("An artist needs a name."), code="invalid_name")
    return values


@transaction.atomic
def artist_profile_create(
    *,
    actor: User,
    name: str,
    user: User | None = None,
    photo: UploadedFile | None = None,
    **data: Any,
) -> ArtistProfile:
    """Create a profile. Staff may create one for anybody (or nobody yet); a teacher
    may create their own. Raises PermissionDenied, Conflict, InvalidPhoto."""
    own = user is not None and user.pk == actor.pk
    if not (_is_artist_staff(actor) or (own and actor.groups.filter(name=Role.TEACHER).exists())):
        raise PermissionDenied(_("Only staff or the teacher themselves can create this profile."))
    if user is not None and ArtistProfile.objects.filter(user=user).exists():
        raise Conflict(_("This user already has an artist profile."))
    values = _profile_values({"name": name, **data})
    cleaned = photo_clean(upload=photo) if photo is not None else None
    profile = ArtistProfile.objects.create(slug=_unique_slug(name), user=user, **values)
    if cleaned is not None:
        profile.photo.save(f"{profile.slug}-{cleaned.name}", cleaned, save=True)
    audit_record("artist.profile_create", actor=actor, target=profile, data={"name": profile.name})
    page_cache_invalidate()
    return profile


@transaction.atomic
def artist_profile_update(
    *,
    actor: User,
    profile: ArtistProfile,
    data: dict[str, Any],
    photo: UploadedFile | None = None,
) -> ArtistProfile:
    """Change a profile (and its photo): its artist or staff only. The photo is
    checked before anything is written. Raises PermissionDenied, InvalidPhoto."""
    _profile_edit_check(actor=actor, profile=profile)
    values = _profile_values(data)
    cleaned = photo_clean(upload=photo) if photo is not None else None
    for field, value in values.items():
        setattr(profile, field, value)
    if cleaned is not None:
        profile.photo.save(f"{profile.slug}-{cleaned.name}", cleaned, save=False)
    profile.save()
    audit_record(
        "artist.profile_update",
        actor=actor,
        target=profile,
        data={"changed": sorted(values) + (["photo"] if cleaned is not None else [])},
    )
    page_cache_invalidate()
    return profile


def _profile_edit_check(*, actor: User, profile: ArtistProfile) -> None:
    if not (profile.user_id == actor.pk or _is_artist_staff(actor)):
        raise PermissionDenied(_("Only the artist or staff can change this profile."))


@transaction.atomic
def artist_invite(*, actor: User, profile: ArtistProfile, email: str) -> User:
    """Give an account-less profile an account with the teacher role and email the
    artist a link to set their password. Raises PermissionDenied, Conflict."""
    from allauth.account.models import EmailAddress

    from core_apps.accounts.services import user_role_grant

    if not _is_artist_staff(actor):
        raise PermissionDenied(_("Only staff can invite artists."))
    if profile.user_id is not None:
        raise Conflict(_("This profile already belongs to an account."))
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ApplicationError(
            _("%(email)r is not an email address.") % {"email": email}, code="invalid_email"
        ) from exc
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, display_name=profile.name)
    elif ArtistProfile.objects.filter(user=user).exists():
        raise Conflict(_("That account already has an artist profile."))
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"primary": True, "verified": False}
    )
    user_role_grant(user=user, role=Role.TEACHER)
    profile.user = user
    profile.invited_email = email
    profile.save(update_fields=["user", "invited_email"])
    task_enqueue_on_commit(artist_invitation_send_task, user_id=user.pk, profile_id=profile.pk)
    return user


# --- availability ------------------------------------------------------------


@transaction.atomic
def artist_block_create(
    *, actor: User, artist: ArtistProfile, starts_at: datetime, ends_at: datetime, note: str = ""
) -> ArtistBlock:
    """Mark a period unavailable. Raises PermissionDenied, InvalidBookingTimes."""
    _profile_edit_check(actor=actor, profile=artist)
    booking_times_check(starts_at=starts_at, ends_at=ends_at)
    return ArtistBlock.objects.create(
        artist=artist, starts_at=starts_at, ends_at=ends_at, note=note[:200]
    )


@transaction.atomic
def artist_block_delete(*, actor: User, block: ArtistBlock) -> None:
    _profile_edit_check(actor=actor, profile=block.artist)
    block.delete()


# --- booking workflow ----------------------------------------------------------


def _side_of(*, booking: ArtistBooking, user: User) -> Side:
    """Which side ``user`` is on; NotFound for outsiders so bookings don't leak."""
    if booking.organizer_id == user.pk:
        return Side.ORGANIZER
    if booking.artist.user_id is not None and booking.artist.user_id == user.pk:
        return Side.ARTIST
    raise NotFound(_("No such booking."))


def _entry(
    *, booking: ArtistBooking, actor: User | None, action: str, data: dict[str, Any] | None = None
) -> ArtistBookingEntry:
    """Record a step in the audit log and notify the other side after commit."""
    return booking_entry_record(
        entry_model=ArtistBookingEntry,
        booking=booking,
        actor=actor,
        action=action,
        data=data,
        notify_task=artist_booking_notify_task,
    )


def _terms(booking: ArtistBooking) -> dict[str, Any]:
    return {
        "starts_at": booking.starts_at.isoformat(),
        "ends_at": booking.ends_at.isoformat(),
        "fee_minor": booking.fee_minor,
        "currency": booking.currency,
        "deposit_minor": booking.deposit_minor,
        "travel_terms": booking.travel_terms,
        "accommodation_terms": booking.accommodation_terms,
    }


def _availability_check(*, artist: ArtistProfile, starts_at: datetime, ends_at: datetime) -> None:
    blocks = ArtistBlock.objects.filter(artist=artist)
    block = overlapping(blocks, starts=starts_at, ends=ends_at).first()
    if block is not None:
        raise ArtistUnavailable(
            _("%(artist)s is not available from %(starts_at)s to %(ends_at)s UTC.")
            % {
                "artist": artist.name,
                "starts_at": format(block.starts_at, "%Y-%m-%d %H:%M"),
                "ends_at": format(block.ends_at, "%Y-%m-%d %H:%M"),
            },
            extra={
                "blocked_from": block.starts_at.isoformat(),
                "blocked_until": block.ends_at.isoformat(),
            },
        )
    gig = _confirmed_gig_overlapping(artist=artist, starts_at=starts_at, ends_at=ends_at)
    if gig is not None:
        raise _conflict(gig)


def _confirmed_gig_overlapping(
    *, artist: ArtistProfile, starts_at: datetime, ends_at: datetime, exclude: int | None = None
) -> ArtistBooking | None:
    confirmed = ArtistBooking.objects.filter(artist=artist, status=Status.CONFIRMED)
    gigs = overlapping(confirmed, starts=starts_at, ends=ends_at)
    if exclude is not None:
        gigs = gigs.exclude(pk=exclude)
    return gigs.first()


def _conflict(gig: ArtistBooking | None) -> BookingConflict:
    if gig is None:
        return BookingConflict(_("The artist already has a confirmed booking at that time."))
    return BookingConflict(
        _(
            "The artist already has a confirmed booking at that time: booking #%(pk)s "
            "(%(starts_at)s-%(ends_at)s UTC)."
        )
        % {
            "pk": gig.pk,
            "starts_at": format(gig.starts_at, "%Y-%m-%d %H:%M"),
            "ends_at": format(gig.ends_at, "%H:%M"),
        },
        extra={"conflicting_booking": gig.pk},
    )


@transaction.atomic
def artist_booking_request(
    *,
    organizer: User,
    artist: ArtistProfile,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    fee_minor: int,
    currency: str,
    wanted: str = "",
    travel_terms: str = "",
    accommodation_terms: str = "",
    deposit_minor: int = 0,
    event_id: int | None = None,
) -> ArtistBooking:
    """An organizer asks an artist for a gig. Raises PermissionDenied,
    InvalidBookingTimes, ArtistUnavailable, BookingConflict, CurrencyMismatch, InvalidAmount."""
    if not organizer.has_perm("artists.add_artistbooking"):
        raise PermissionDenied(_("Only organizers can send booking requests."))
    if artist.user_id is not None and artist.user_id == organizer.pk:
        raise PermissionDenied(_("You cannot book yourself."))
    booking_times_check(starts_at=starts_at, ends_at=ends_at)
    if not title.strip():
        raise ApplicationError(
            _("Say which event or occasion the booking is for."), code="invalid_title"
        )
    fee_minor = amount_minor_check(fee_minor, _("fee"))
    deposit_minor = amount_minor_check(deposit_minor, _("deposit"))
    if deposit_minor > fee_minor:
        raise InvalidAmount(_("The deposit cannot exceed the fee."))
    currency = currency_clean(currency)
    _availability_check(artist=artist, starts_at=starts_at, ends_at=ends_at)
    booking = ArtistBooking.objects.create(
        artist=artist,
        organizer=organizer,
        title=title.strip()[:200],
        starts_at=starts_at,
        ends_at=ends_at,
        wanted=wanted,
        fee_minor=fee_minor,
        currency=currency,
        travel_terms=travel_terms,
        accommodation_terms=accommodation_terms,
        deposit_minor=deposit_minor,
        event_id=event_id,
        offer_by=Side.ORGANIZER,
        status=Status.REQUESTED,
    )
    _entry(booking=booking, actor=organizer, action="requested", data=_terms(booking))
    return booking


def _locked(booking: ArtistBooking) -> ArtistBooking:
    # Only the booking row: overlapping gigs are kept apart by the exclusion
    # constraint, so accepts of different requests for one artist don't queue.
    return booking_for_update(ArtistBooking.objects.select_related("artist"), pk=booking.pk)


@transaction.atomic
def artist_booking_counter(
    *,
    actor: User,
    booking: ArtistBooking,
    fee_minor: int,
    currency: str,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    travel_terms: str | None = None,
    accommodation_terms: str | None = None,
    deposit_minor: int | None = None,
    message: str = "",
) -> ArtistBooking:
    """Answer the other side's terms with new ones. Raises NotFound, NotYourTurn,
    InvalidTransition, CurrencyMismatch, InvalidAmount, InvalidBookingTimes, ArtistUnavailable."""
    booking = _locked(booking)
    side = _side_of(booking=booking, user=actor)
    status = _open_and_my_turn(booking=booking, side=side, step_name="counter")
    if currency_clean(currency) != booking.currency:
        raise CurrencyMismatch(
            _("A counter-offer must stay in %(currency)s; it cannot switch to %(new_currency)s.")
            % {"currency": booking.currency, "new_currency": currency}
        )
    booking.fee_minor = amount_minor_check(fee_minor, _("fee"))
    if deposit_minor is not None:
        booking.deposit_minor = amount_minor_check(deposit_minor, _("deposit"))
    if booking.deposit_minor > booking.fee_minor:
        raise InvalidAmount(_("The deposit cannot exceed the fee."))
    if starts_at is not None or ends_at is not None:
        new_start = starts_at or booking.starts_at
        new_end = ends_at or booking.ends_at
        booking_times_check(starts_at=new_start, ends_at=new_end)
        _availability_check(artist=booking.artist, starts_at=new_start, ends_at=new_end)
        booking.starts_at, booking.ends_at = new_start, new_end
    if travel_terms is not None:
        booking.travel_terms = travel_terms
    if accommodation_terms is not None:
        booking.accommodation_terms = accommodation_terms
    booking.offer_by = side
    booking.status = status
    booking.save()
    _entry(
        booking=booking,
        actor=actor,
        action="countered",
        data={**_terms(booking), "message": message},
    )
    return booking


def _open_and_my_turn(*, booking: ArtistBooking, side: Side, step_name: str) -> str:
    """The status step ``step_name`` leads to, if it is ``side``'s turn to answer.
    Raises InvalidTransition, NotYourTurn."""
    status = ARTIST_BOOKING_FLOW.target(booking, step_name)
    if booking.offer_by == side:
        raise NotYourTurn(_("These are your own terms: the other side answers them."))
    return status


@transaction.atomic
def artist_booking_accept(*, actor: User, booking: ArtistBooking) -> ArtistBooking:
    """Accept the terms on the table: the booking is confirmed and its contract
    terms frozen. Raises NotFound, NotYourTurn, InvalidTransition, BookingConflict."""
    from tenants.current import community_current

    booking = _locked(booking)
    side = _side_of(booking=booking, user=actor)
    status = _open_and_my_turn(booking=booking, side=side, step_name="accept")
    now = timezone.now()
    booking.status = status
    booking.confirmed_at = now
    booking.deposit_status = (
        ArtistBooking.DepositStatus.DUE
        if booking.deposit_minor
        else ArtistBooking.DepositStatus.NONE
    )
    booking.contract_terms = {
        "booking": booking.pk,
        "community": community_current().name,
        "artist": booking.artist.name,
        "organizer": booking.organizer.get_full_name(),
        "title": booking.title,
        "starts_at": f"{booking.starts_at:%Y-%m-%d %H:%M} UTC",
        "ends_at": f"{booking.ends_at:%Y-%m-%d %H:%M} UTC",
        "fee": money_format(booking.fee_minor, booking.currency),
        "deposit": money_format(booking.deposit_minor, booking.currency),
        "wanted": booking.wanted,
        "travel_terms": booking.travel_terms,
        "accommodation_terms": booking.accommodation_terms,
        "confirmed_at": f"{now:%Y-%m-%d %H:%M} UTC",
    }

    def conflict() -> BookingConflict:
        return _conflict(
            _confirmed_gig_overlapping(
                artist=booking.artist,
                starts_at=booking.starts_at,
                ends_at=booking.ends_at,
                exclude=booking.pk,
            )
        )

    with overlap_guard(conflict):
        booking.save()
    _entry(booking=booking, actor=actor, action="confirmed", data=_terms(booking))
    domain_event_emit(
        "booking.confirmed",
        kind="artist",
        booking=booking.pk,
        starts_at=booking.starts_at.isoformat(),
        ends_at=booking.ends_at.isoformat(),
    )
    return booking


@transaction.atomic
def artist_booking_decline(
    *, actor: User, booking: ArtistBooking, message: str = ""
) -> ArtistBooking:
    """Turn down the terms on the table. Raises NotFound, NotYourTurn, InvalidTransition."""
    booking = _locked(booking)
    side = _side_of(booking=booking, user=actor)
    booking.status = _open_and_my_turn(booking=booking, side=side, step_name="decline")
    booking.save(update_fields=["status", "updated"])
    _entry(booking=booking, actor=actor, action="declined", data={"message": message})
    return booking


@transaction.atomic
def artist_booking_withdraw(*, actor: User, booking: ArtistBooking) -> ArtistBooking:
    """The organizer withdraws an open request. Raises NotFound, NotYourTurn, InvalidTransition."""
    booking = _locked(booking)
    if _side_of(booking=booking, user=actor) != Side.ORGANIZER:
        raise NotYourTurn(_("Only the organizer can withdraw a request."))
    booking.status = ARTIST_BOOKING_FLOW.target(booking, "withdraw")
    booking.save(update_fields=["status", "updated"])
    _entry(booking=booking, actor=actor, action="withdrawn")
    return booking


@transaction.atomic
def artist_booking_deposit_record(
    *, actor: User, booking: ArtistBooking, provider: str = "manual", reference: str = ""
) -> ArtistBooking:
    """Record the deposit as paid. With the ``manual`` provider (bank transfer) the
    artist, who receives it, confirms it. Raises NotFound, NotYourTurn, InvalidTransition."""
    booking = _locked(booking)
    side = _side_of(booking=booking, user=actor)
    if provider != "manual":
        raise ApplicationError(
            _("Unknown payment provider %(provider)r.") % {"provider": provider},
            code="invalid_provider",
        )
    if side != Side.ARTIST:
        raise NotYourTurn(_("The artist confirms receipt of a manually paid deposit."))
    if booking.deposit_status != ArtistBooking.DepositStatus.DUE:
        raise InvalidTransition(_("No deposit is due on this booking."))
    booking.deposit_status = ArtistBooking.DepositStatus.PAID
    booking.deposit_provider = provider
    booking.deposit_reference = reference[:120]
    booking.save(
        update_fields=["deposit_status", "deposit_provider", "deposit_reference", "updated"]
    )
    _entry(booking=booking, actor=actor, action="deposit_paid", data={"provider": provider})
    return booking


@transaction.atomic
def artist_booking_event_link(
    *, actor: User, booking: ArtistBooking, event_id: int | None
) -> ArtistBooking:
    """The organizer links the booking to the event it is for (None unlinks); a
    confirmed one then lists the artist among the event's teachers. Raises
    NotFound, NotYourTurn."""
    booking = _locked(booking)
    if _side_of(booking=booking, user=actor) != Side.ORGANIZER:
        raise NotYourTurn(_("Only the organizer links a booking to an event."))
    booking.event_id = event_id
    booking.save(update_fields=["event_id", "updated"])
    booking_entry_record(
        entry_model=ArtistBookingEntry,
        booking=booking,
        actor=actor,
        action="event_linked",
        data={"event_id": event_id},
    )
    return booking


def artist_booking_contract(*, actor: User, booking: ArtistBooking) -> bytes:
    """The contract PDF of a confirmed booking, for its two sides and staff.
    Raises NotFound, InvalidTransition."""
    from core_apps.artists.contracts import contract_pdf
    from tenants.current import community_current

    if not _is_artist_staff(actor):
        _side_of(booking=booking, user=actor)
    if booking.status != Status.CONFIRMED or not booking.contract_terms:
        raise InvalidTransition(_("Only a confirmed booking has a contract."))
    return contract_pdf(booking.contract_terms, language=community_current().language)
