"""Reads about venues: listings, prices, recurrence previews, free/busy, calendars."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.bookings.availability import (
    BusyPeriod,
    availability_window_check,
    busy_periods,
    overlapping,
)
from core_apps.bookings.ranges import InvalidBookingTimes, booking_times_check
from core_apps.bookings.selectors import booking_inbox, booking_of_party
from core_apps.venues.models import (
    BlackoutDate,
    OpeningHours,
    Space,
    SpaceBooking,
    SpaceBookingEntry,
    SpaceBookingSeries,
    Venue,
    VenueInvoice,
)
from pista.errors import ApplicationError, Conflict, NotFound
from pista.formats import first_week_day

MAX_BOOKING = timedelta(days=14)
MAX_OCCURRENCES = 104


class OutsideOpeningHours(ApplicationError):
    default_code = "outside_opening_hours"


class VenueClosed(ApplicationError):
    """The requested time touches one of the venue's blackout dates."""

    default_code = "blackout_date"


class BelowMinimumDuration(ApplicationError):
    default_code = "below_minimum_duration"


class InvalidRecurrence(ApplicationError):
    default_code = "invalid_recurrence"


class SpaceInactive(Conflict):
    """The space was deactivated by its venue: it takes no new requests."""

    default_code = "space_inactive"


@dataclass(frozen=True)
class Quote:
    """What a booking of a space would cost and block."""

    starts_at: datetime
    ends_at: datetime
    blocked_from: datetime
    blocked_until: datetime
    price_minor: int
    currency: str


@dataclass(frozen=True)
class Occurrence:
    """One date of a (possibly recurring) request and whether it can be booked."""

    starts_at: datetime
    ends_at: datetime
    price_minor: int | None
    problem: str | None = None
    problem_code: str | None = None
    conflicting_booking: int | None = None

    @property
    def is_free(self) -> bool:
        return self.problem is None


# --- listings ------------------------------------------------------------------


def _public_venues() -> QuerySet[Venue]:
    """Venues with ``spaces`` holding their active spaces only: what the public sees."""
    active = Space.objects.filter(is_active=True)
    return Venue.objects.prefetch_related(Prefetch("spaces", queryset=active))


def venue_list() -> QuerySet[Venue]:
    """Every venue, as the public pages and API list them: ``venue.spaces.all()``
    holds the active spaces only."""
    return _public_venues().order_by("name")


def venue_get(*, slug: str | None = None, pk: int | None = None) -> Venue:
    """Raises NotFound."""
    lookup: dict[str, object] = {"slug": slug} if slug is not None else {"pk": pk}
    venue = Venue.objects.filter(**lookup).first()
    if venue is None:
        raise NotFound(_("No such venue."))
    return venue


def venue_public_get(*, slug: str | None = None, pk: int | None = None) -> Venue:
    """The venue as the public sees it (``venue.spaces.all()``: active spaces
    only). Raises NotFound."""
    lookup: dict[str, object] = {"slug": slug} if slug is not None else {"pk": pk}
    venue = _public_venues().filter(**lookup).first()
    if venue is None:
        raise NotFound(_("No such venue."))
    return venue


def venues_with_spaces(*, managed_by: User | None = None) -> QuerySet[Venue]:
    """The back office's list: every venue (or those ``managed_by`` manages) with
    all its spaces, inactive ones included, and its closed days."""
    venues = Venue.objects.prefetch_related("spaces", "blackout_dates").order_by("name")
    if managed_by is not None and not managed_by.is_superuser:
        venues = venues.filter(managers=managed_by)
    return venues


def venue_blackout_get(*, venue: Venue, pk: int) -> BlackoutDate:
    """One of the venue's closed days. Raises NotFound."""
    blackout = BlackoutDate.objects.filter(venue=venue, pk=pk).first()
    if blackout is None:
        raise NotFound(_("No such closed day."))
    return blackout


def venue_blackouts_ahead(*, venue: Venue) -> QuerySet[BlackoutDate]:
    """The venue's closed days from today on, today being the venue's own date."""
    today = timezone.localdate(timezone=ZoneInfo(venue.time_zone))
    return venue.blackout_dates.filter(date__gte=today)


def space_get(*, pk: int, venue: Venue | None = None) -> Space:
    """The space (of ``venue``, when given). Raises NotFound."""
    spaces = Space.objects.select_related("venue").filter(pk=pk)
    if venue is not None:
        spaces = spaces.filter(venue=venue)
    space = spaces.first()
    if space is None:
        raise NotFound(_("No such space."))
    return space


def venue_is_managed_by(*, venue: Venue, user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or venue.managers.filter(pk=user.pk).exists()


def venue_ids_managed_by(*, user: User) -> set[int]:
    """The ids of the venues listing ``user`` among their managers."""
    if not user.is_authenticated:
        return set()
    return set(Venue.objects.filter(managers=user).values_list("pk", flat=True))


def venue_is_run_by(
    *, venue: Venue, user: User, permission: str, manages: bool | None = None
) -> bool:
    """Who may change a venue, its spaces, hours and closed days: staff holding
    ``permission``, and the venue's own managers (the one rule the services and
    the back office share). ``manages``: whether ``user`` manages ``venue``, when
    the caller knows already (a list of venues asks once for all)."""
    if user.has_perm(permission):
        return True
    return manages if manages is not None else venue_is_managed_by(venue=venue, user=user)


def space_bookable_check(*, space: Space) -> None:
    """Raises SpaceInactive when the space takes no new requests."""
    if not space.is_active:
        raise SpaceInactive(
            _("%(space)s at %(venue)s no longer takes booking requests.")
            % {"space": space.name, "venue": space.venue.name}
        )


def space_bookings_for_user(*, user: User) -> QuerySet[SpaceBooking]:
    """Bookings the user requested or manages."""
    return (
        SpaceBooking.objects.filter(Q(requester=user) | Q(space__venue__managers=user))
        .select_related("space", "space__venue", "requester")
        .distinct()
        .order_by("starts_at")
    )


def space_booking_for_user(*, user: User, pk: int) -> SpaceBooking:
    """Raises NotFound, also when the user is no party of the booking."""
    return booking_of_party(space_bookings_for_user(user=user), pk=pk)


def space_series_for_user(*, user: User, pk: int) -> SpaceBookingSeries:
    """A recurring request the user made or manages. Raises NotFound."""
    series = (
        SpaceBookingSeries.objects.filter(pk=pk)
        .filter(Q(requester=user) | Q(space__venue__managers=user))
        .select_related("space__venue")
        .distinct()
        .first()
    )
    if series is None:
        raise NotFound(_("No such series."))
    return series


def space_inbox(*, user: User) -> QuerySet[SpaceBookingEntry]:
    """In-app notifications: steps the other side took on the user's space bookings."""
    entries = SpaceBookingEntry.objects.select_related("booking__space")
    parties = Q(booking__requester=user) | Q(booking__space__venue__managers=user)
    return booking_inbox(entries, parties=parties, user=user)


def space_invoice_for_user(*, user: User, booking_pk: int) -> VenueInvoice:
    booking = space_booking_for_user(user=user, pk=booking_pk)
    invoice = VenueInvoice.objects.filter(booking=booking).first()
    if invoice is None:
        raise NotFound(_("This booking has no invoice."))
    return invoice


# --- prices and rules ------------------------------------------------------------


def _zone(space: Space) -> ZoneInfo:
    return ZoneInfo(space.venue.time_zone)


def _local_days(start: datetime, end: datetime, zone: ZoneInfo) -> list[date]:
    first, last = (
        start.astimezone(zone).date(),
        (end - timedelta(microseconds=1)).astimezone(zone).date(),
    )
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone)


def _overlap_seconds(a0: datetime, a1: datetime, b0: datetime, b1: datetime) -> float:
    return max(0.0, (min(a1, b1) - max(a0, b0)).total_seconds())


def space_price(*, space: Space, starts_at: datetime, ends_at: datetime) -> int:
    """The price in minor units: peak minutes at the peak rate, the rest at the
    hourly rate, rounded once at the end."""
    zone = _zone(space)
    total = (ends_at - starts_at).total_seconds()
    peak = 0.0
    if space.peak_hourly_rate_minor is not None and space.peak_starts and space.peak_ends:
        for day in _local_days(starts_at, ends_at, zone):
            if day.weekday() not in (space.peak_weekdays or []):
                continue
            window_end_day = day if space.peak_ends > space.peak_starts else day + timedelta(days=1)
            peak += _overlap_seconds(
                starts_at,
                ends_at,
                _at(day, space.peak_starts, zone),
                _at(window_end_day, space.peak_ends, zone),
            )
    peak_rate = space.peak_hourly_rate_minor or 0
    amount = ((total - peak) * space.hourly_rate_minor + peak * peak_rate) / 3600
    return round(amount)


class Interval(Protocol):
    """An opening interval: an ``OpeningHours`` row or a proposed ``OpeningInterval``."""

    @property
    def weekday(self) -> int: ...

    @property
    def opens(self) -> time: ...

    @property
    def closes(self) -> time: ...


@dataclass(frozen=True)
class OpeningInterval:
    """A proposed opening interval on a weekday (0 = Monday), in the venue's local time."""

    weekday: int
    opens: time
    closes: time


def _fits_opening_hours(
    *, hours: Sequence[Interval], starts_at: datetime, ends_at: datetime, zone: ZoneInfo
) -> bool:
    """Whether ``[starts_at, ends_at)`` lies inside one interval; no hours: always open."""
    if not hours:
        return True
    local_start, local_end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    for interval in hours:
        if interval.weekday != local_start.weekday():
            continue
        opens = _at(local_start.date(), interval.opens, zone)
        closes = _at(local_start.date(), interval.closes, zone)
        if opens <= local_start and local_end <= closes:
            return True
    return False


def _opening_check(*, space: Space, starts_at: datetime, ends_at: datetime) -> None:
    hours = list(OpeningHours.objects.filter(venue_id=space.venue_id))
    zone = _zone(space)
    if _fits_opening_hours(hours=hours, starts_at=starts_at, ends_at=ends_at, zone=zone):
        return
    local_start, local_end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    raise OutsideOpeningHours(
        _("%(name)s is not open for the whole of %(local_start)s-%(local_end)s (%(zone)s).")
        % {
            "name": space.venue.name,
            "local_start": format(local_start, "%a %Y-%m-%d %H:%M"),
            "local_end": format(local_end, "%H:%M"),
            "zone": zone.key,
        }
    )


def venue_bookings_outside_hours(
    *, venue: Venue, hours: Sequence[Interval], time_zone: str | None = None
) -> list[SpaceBooking]:
    """The venue's confirmed bookings still to come that would not fit inside
    ``hours`` (read in ``time_zone``, the venue's own by default)."""
    zone = ZoneInfo(time_zone or venue.time_zone)
    upcoming = SpaceBooking.objects.filter(
        space__venue=venue, status=SpaceBooking.Status.CONFIRMED, ends_at__gt=timezone.now()
    ).select_related("space")
    return [
        booking
        for booking in upcoming.order_by("starts_at")
        if not _fits_opening_hours(
            hours=hours, starts_at=booking.starts_at, ends_at=booking.ends_at, zone=zone
        )
    ]


def space_bookings_upcoming(*, space: Space) -> QuerySet[SpaceBooking]:
    """The space's confirmed bookings that have not ended yet."""
    return SpaceBooking.objects.filter(
        space=space, status=SpaceBooking.Status.CONFIRMED, ends_at__gt=timezone.now()
    ).order_by("starts_at")


def _blackout_check(*, space: Space, starts_at: datetime, ends_at: datetime) -> None:
    days = _local_days(starts_at, ends_at, _zone(space))
    blackout = BlackoutDate.objects.filter(venue_id=space.venue_id, date__in=days).first()
    if blackout is not None:
        reason = f" ({blackout.reason})" if blackout.reason else ""
        raise VenueClosed(
            _("%(name)s is closed on %(date)s%(reason)s.")
            % {
                "name": space.venue.name,
                "date": format(blackout.date, "%Y-%m-%d"),
                "reason": reason,
            }
        )


def space_quote(*, space: Space, starts_at: datetime, ends_at: datetime) -> Quote:
    """Check a booking against the space's rules and price it. Raises
    InvalidBookingTimes, BelowMinimumDuration, OutsideOpeningHours, VenueClosed."""
    booking_times_check(starts_at=starts_at, ends_at=ends_at)
    minutes = (ends_at - starts_at).total_seconds() / 60
    if minutes < space.minimum_minutes:
        raise BelowMinimumDuration(
            _("%(space)s is booked for at least %(minimum_minutes)s minutes.")
            % {"space": space.name, "minimum_minutes": space.minimum_minutes}
        )
    if ends_at - starts_at > MAX_BOOKING:
        raise ApplicationError(_("A single booking can last at most 14 days."), code="too_long")
    _blackout_check(space=space, starts_at=starts_at, ends_at=ends_at)
    _opening_check(space=space, starts_at=starts_at, ends_at=ends_at)
    return Quote(
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_from=starts_at - timedelta(minutes=space.setup_minutes),
        blocked_until=ends_at + timedelta(minutes=space.teardown_minutes),
        price_minor=space_price(space=space, starts_at=starts_at, ends_at=ends_at),
        currency=space.currency,
    )


def _confirmed_blocking(
    *, space: Space, starts: datetime, ends: datetime
) -> QuerySet[SpaceBooking]:
    """Confirmed bookings whose blocked time (buffers included) overlaps ``[starts, ends)``."""
    confirmed = SpaceBooking.objects.filter(space=space, status=SpaceBooking.Status.CONFIRMED)
    return overlapping(
        confirmed, starts=starts, ends=ends, start_field="blocked_from", end_field="blocked_until"
    )


def space_confirmed_overlapping(
    *, space: Space, blocked_from: datetime, blocked_until: datetime, exclude: int | None = None
) -> SpaceBooking | None:
    """A confirmed booking whose blocked time (buffers included) overlaps, if any."""
    clashes = _confirmed_blocking(space=space, starts=blocked_from, ends=blocked_until)
    if exclude is not None:
        clashes = clashes.exclude(pk=exclude)
    return clashes.order_by("blocked_from").first()


# --- recurrence --------------------------------------------------------------------


def space_occurrence_times(
    *, space: Space, starts_at: datetime, ends_at: datetime, rrule: str | None
) -> list[tuple[datetime, datetime]]:
    """The (start, end) of every date of a request.

    The rule is expanded in the venue's local wall-clock time and each date is then
    placed in the zone, so "every Tuesday 19:00" stays 19:00 across DST changes.
    Raises InvalidBookingTimes, InvalidRecurrence.
    """
    booking_times_check(starts_at=starts_at, ends_at=ends_at)
    if not rrule:
        return [(starts_at, ends_at)]
    zone = _zone(space)
    local_start = starts_at.astimezone(zone)
    duration = ends_at - starts_at
    rule_text = rrule.strip()
    if rule_text.upper().startswith("RRULE:"):
        rule_text = rule_text[6:]
    if "COUNT=" not in rule_text.upper() and "UNTIL=" not in rule_text.upper():
        raise InvalidRecurrence(_("A recurring booking needs an end: COUNT or UNTIL in the rule."))
    try:
        rule = rrulestr(rule_text, dtstart=local_start.replace(tzinfo=None))
        naive_dates = []
        for value in rule:
            naive_dates.append(value)
            if len(naive_dates) > MAX_OCCURRENCES:
                raise InvalidRecurrence(
                    _("A recurring booking has at most %(max_dates)s dates.")
                    % {"max_dates": MAX_OCCURRENCES}
                )
    except (ValueError, TypeError) as exc:
        raise InvalidRecurrence(_("Not a valid RFC 5545 rule: %(error)s") % {"error": exc}) from exc
    if not naive_dates:
        raise InvalidRecurrence(_("The rule produces no dates."))
    occurrences: list[tuple[datetime, datetime]] = []
    for naive in naive_dates:
        start = naive.replace(tzinfo=zone)
        # Wall-clock arithmetic: 19:00-21:00 stays 19:00-21:00 in winter and summer.
        end = (naive + duration).replace(tzinfo=zone)
        if occurrences and start < occurrences[-1][1]:
            raise InvalidRecurrence(_("The dates of this rule overlap each other."))
        occurrences.append((start, end))
    return occurrences


def space_occurrences_preview(
    *, space: Space, starts_at: datetime, ends_at: datetime, rrule: str | None = None
) -> list[Occurrence]:
    """Every date of a request with its price, or the reason it cannot be booked
    (venue rules or a clash with a confirmed booking). Raises InvalidBookingTimes,
    InvalidRecurrence, SpaceInactive."""
    space_bookable_check(space=space)
    previews = []
    for start, end in space_occurrence_times(
        space=space, starts_at=starts_at, ends_at=ends_at, rrule=rrule
    ):
        try:
            quote = space_quote(space=space, starts_at=start, ends_at=end)
        except InvalidBookingTimes:
            raise
        except ApplicationError as exc:
            previews.append(Occurrence(start, end, None, exc.message, exc.code))
            continue
        clash = space_confirmed_overlapping(
            space=space, blocked_from=quote.blocked_from, blocked_until=quote.blocked_until
        )
        if clash is not None:
            previews.append(
                Occurrence(
                    start,
                    end,
                    quote.price_minor,
                    _("Clashes with confirmed booking #%(pk)s.") % {"pk": clash.pk},
                    "booking_conflict",
                    clash.pk,
                )
            )
        else:
            previews.append(Occurrence(start, end, quote.price_minor))
    return previews


# --- availability and calendar ---------------------------------------------------------


def space_busy(*, space: Space, starts: datetime, ends: datetime) -> list[BusyPeriod]:
    """Busy periods of a space between two times: confirmed bookings (buffers
    included) and blackout dates. Raises InvalidBookingTimes, ApplicationError."""
    availability_window_check(starts=starts, ends=ends)
    zone = _zone(space)
    bookings = _confirmed_blocking(space=space, starts=starts, ends=ends).order_by("blocked_from")
    days = _local_days(starts, ends, zone)
    blackouts = BlackoutDate.objects.filter(venue_id=space.venue_id, date__in=days)
    return busy_periods(
        (
            BusyPeriod(starts_at=b.blocked_from, ends_at=b.blocked_until, kind="booking")
            for b in bookings
        ),
        (
            BusyPeriod(
                starts_at=_at(blackout.date, time.min, zone),
                ends_at=_at(blackout.date + timedelta(days=1), time.min, zone),
                kind="blackout",
            )
            for blackout in blackouts
        ),
    )


def space_calendar(
    *, space: Space, around: date, view: str
) -> tuple[list[date], dict[date, list[SpaceBooking]]]:
    """Days of the week or month containing ``around`` with the confirmed bookings
    starting on each (local dates)."""
    zone = _zone(space)
    if view == "month":
        first = around.replace(day=1)
        next_month = (first + timedelta(days=32)).replace(day=1)
        days = [first + timedelta(days=n) for n in range((next_month - first).days)]
    else:
        # The week as the visitor's locale starts it.
        first = around - timedelta(days=(around.weekday() - first_week_day()) % 7)
        days = [first + timedelta(days=n) for n in range(7)]
    window_start = _at(days[0], time.min, zone)
    window_end = _at(days[-1] + timedelta(days=1), time.min, zone)
    by_day: dict[date, list[SpaceBooking]] = {day: [] for day in days}
    confirmed = SpaceBooking.objects.filter(space=space, status=SpaceBooking.Status.CONFIRMED)
    bookings = overlapping(confirmed, starts=window_start, ends=window_end).order_by("starts_at")
    for booking in bookings:
        day = booking.starts_at.astimezone(zone).date()
        if day in by_day:
            by_day[day].append(booking)
    return days, by_day


def venue_manager_candidates() -> QuerySet[User]:
    """People who may be made a venue's managers: holders of the venue-manager
    role and those managing a venue already."""
    return (
        User.objects.filter(
            Q(groups__name=Role.VENUE_MANAGER.value) | Q(managed_venues__isnull=False)
        )
        .distinct()
        .order_by("email")
    )
