"""Reads about events and their dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core_apps.events.models import DanceStyle, Event, EventDate, Level
from pista.errors import NotFound
from tenants.current import community_current

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from core_apps.accounts.models import User


@dataclass(frozen=True)
class EventFilters:
    """What the public list can be narrowed by (all optional)."""

    style: str = ""
    level: str = ""
    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None
    teacher: str = ""
    venue: str = ""


def events_exist() -> bool:
    """Whether the current community has any event (an onboarding step)."""
    return Event.objects.exists()


def events_published_exist() -> bool:
    """Whether the current community has published an event (an onboarding step)."""
    return Event.objects.filter(status=Event.Status.PUBLISHED).exists()


def events_visible(*, user: User | AnonymousUser | None) -> QuerySet[Event]:
    """Events this visitor may open: published ones (members-only ones for
    signed-in members); every event for organizers."""
    if user is not None and user.is_authenticated and user.has_perm("events.change_event"):
        return Event.objects.all()
    visibilities = [Event.Visibility.PUBLIC, Event.Visibility.UNLISTED]
    if user is not None and user.is_authenticated:
        visibilities.append(Event.Visibility.MEMBERS)
    return Event.objects.filter(status=Event.Status.PUBLISHED, visibility__in=visibilities)


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def events_listed(
    *,
    user: User | AnonymousUser | None,
    filters: EventFilters | None = None,
    time_zone: str = "UTC",
    now: datetime | None = None,
) -> QuerySet[Event]:
    """Listed events with a date in the range (default: from today on), soonest first.

    Each event carries ``listed_dates`` (its scheduled dates in the range, at
    most a handful are shown), ``styles`` and ``level``: a page costs a fixed
    number of queries whatever the number of events and dates.
    """
    filters = filters or EventFilters()
    zone = ZoneInfo(time_zone)
    now = now or timezone.now()
    start = _day_start(filters.date_from, zone) if filters.date_from else now
    date_q = Q(dates__ends_at__gte=start, dates__status=EventDate.Status.SCHEDULED)
    range_q = Q(ends_at__gte=start, status=EventDate.Status.SCHEDULED)
    if filters.date_to:
        end = _day_start(filters.date_to + timedelta(days=1), zone)
        date_q &= Q(dates__starts_at__lt=end)
        range_q &= Q(starts_at__lt=end)
    events = (
        events_visible(user=user)
        .filter(status=Event.Status.PUBLISHED)
        .exclude(visibility=Event.Visibility.UNLISTED)
    )
    if filters.style:
        events = events.filter(styles__slug=filters.style)
    if filters.level:
        events = events.filter(level__slug=filters.level)
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.teacher:
        teacher_q = Q(teacher_names__icontains=filters.teacher)
        if filters.teacher.isdigit():
            teacher_q |= Q(teacher_ids__contains=[int(filters.teacher)])
        events = events.filter(teacher_q)
    if filters.venue:
        venue_q = Q(venue_name__icontains=filters.venue)
        if filters.venue.isdigit():
            venue_q |= Q(venue_id=int(filters.venue))
        events = events.filter(venue_q)
    return (
        events.annotate(next_start=Min("dates__starts_at", filter=date_q))
        .filter(next_start__isnull=False)
        .select_related("level")
        .prefetch_related(
            "styles",
            Prefetch(
                "dates",
                queryset=EventDate.objects.filter(range_q).order_by("starts_at"),
                to_attr="listed_dates",
            ),
        )
        .order_by("next_start", "pk")
    )


def event_for_slug(*, slug: str, user: User | AnonymousUser | None) -> Event:
    """A visible event with its dates, styles and level. Raises NotFound."""
    event = (
        events_visible(user=user)
        .select_related("level")
        .prefetch_related("styles", "dates")
        .filter(slug=slug)
        .first()
    )
    if event is None:
        raise NotFound(_("No such event."))
    return event


def event_for_api(*, pk: int, user: User | AnonymousUser | None) -> Event:
    """A visible event by id, with its dates, styles and level. Raises NotFound."""
    event = (
        events_visible(user=user)
        .select_related("level")
        .prefetch_related("styles", "dates")
        .filter(pk=pk)
        .first()
    )
    if event is None:
        raise NotFound(_("No such event."))
    return event


def event_dates_in_month(
    *, user: User | AnonymousUser | None, year: int, month: int, time_zone: str
) -> list[EventDate]:
    """Listed dates starting in a calendar month (in ``time_zone``), with their event."""
    zone = ZoneInfo(time_zone)
    first = datetime(year, month, 1, tzinfo=zone)
    after = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    events = (
        events_visible(user=user)
        .filter(status=Event.Status.PUBLISHED)
        .exclude(visibility=Event.Visibility.UNLISTED)
    )
    return list(
        EventDate.objects.filter(event__in=events, starts_at__gte=first, starts_at__lt=after)
        .select_related("event")
        .order_by("starts_at", "pk")
    )


def event_dates_for_feed(
    *,
    event: Event | None = None,
    teacher_id: int | None = None,
    space_id: int | None = None,
    days_back: int = 90,
) -> QuerySet[EventDate]:
    """Dates for an iCal feed: public published events (or one event), recent
    and future; only those one teacher teaches or held in one space, if given."""
    dates = EventDate.objects.select_related("event").order_by("starts_at", "pk")
    if event is not None:
        return dates.filter(event=event)
    dates = dates.filter(
        event__status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED],
        event__visibility=Event.Visibility.PUBLIC,
        ends_at__gte=timezone.now() - timedelta(days=days_back),
    )
    if teacher_id is not None:
        dates = dates.filter(event__teacher_ids__contains=[teacher_id])
    if space_id is not None:
        dates = dates.filter(event__space_id=space_id)
    return dates


def event_dates_upcoming_for_feed(*, limit: int) -> QuerySet[EventDate]:
    """The next ``limit`` dates of public published events (the RSS feed)."""
    return (
        EventDate.objects.select_related("event")
        .filter(
            event__status=Event.Status.PUBLISHED,
            event__visibility=Event.Visibility.PUBLIC,
            starts_at__gte=timezone.now(),
        )
        .order_by("starts_at", "pk")[:limit]
    )


def events_for_staff() -> QuerySet[Event]:
    """Every event, for the organizer back office."""
    return Event.objects.select_related("level").order_by("-starts_at", "-pk")


def event_for_staff(*, pk: int) -> Event:
    event = Event.objects.filter(pk=pk).select_related("level").first()
    if event is None:
        raise NotFound(_("No such event."))
    return event


def event_date_for_staff(*, pk: int) -> EventDate:
    event_date = EventDate.objects.filter(pk=pk).select_related("event").first()
    if event_date is None:
        raise NotFound(_("No such date."))
    return event_date


def taxonomy() -> dict[str, Any]:
    """The community's dance styles and levels, for filters and forms."""
    return {"styles": list(DanceStyle.objects.all()), "levels": list(Level.objects.all())}


def dance_styles_for_staff() -> QuerySet[DanceStyle]:
    """Every dance style, by name, with how many events use it (``event_count``)."""
    return DanceStyle.objects.annotate(event_count=Count("events"))


def levels_for_staff() -> QuerySet[Level]:
    """Every level in its order, with how many events use it (``event_count``)."""
    return Level.objects.annotate(event_count=Count("events")).order_by("position", "name", "pk")


def dance_style_for_staff(*, pk: int) -> DanceStyle:
    style = DanceStyle.objects.filter(pk=pk).first()
    if style is None:
        raise NotFound(_("No such dance style."))
    return style


def level_for_staff(*, pk: int) -> Level:
    level = Level.objects.filter(pk=pk).first()
    if level is None:
        raise NotFound(_("No such level."))
    return level


def events_published_in_month(*, month: datetime | None = None) -> int:
    """Published events starting in ``month``'s calendar month (UTC; default
    now): the usage the plan's "published events per month" limit counts."""
    at = (month or timezone.now()).astimezone(ZoneInfo("UTC"))
    start = at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + timedelta(days=32)).replace(day=1)
    return Event.objects.filter(
        status=Event.Status.PUBLISHED, starts_at__gte=start, starts_at__lt=end
    ).count()


def festival_next(*, user: User | AnonymousUser | None) -> Event | None:
    """The next listed festival this visitor may open (for the site menu), or None."""
    return (
        events_listed(user=user, filters=EventFilters(kind=Event.Kind.FESTIVAL))
        .select_related(None)
        .prefetch_related(None)
        .only("pk", "slug", "title")
        .first()
    )


def event_span(event: Event, dates: list[EventDate]) -> tuple[datetime, datetime] | None:
    """The stretch a listing shows for an event: a festival's whole span (first
    start to last end), otherwise the next date."""
    if not dates:
        return None
    if event.kind == Event.Kind.FESTIVAL:
        return dates[0].starts_at, max(date.ends_at for date in dates)
    return dates[0].starts_at, dates[0].ends_at


def events_upcoming(
    *, count: int, kinds: list[str] | None = None, days: int | None = None
) -> list[Event]:
    """Up to ``count`` public upcoming events (optionally of these kinds, within
    ``days`` from today in the community's zone), each with ``span``. Runs three
    queries (events, styles, dates) whatever the count."""
    zone = community_current().time_zone
    filters = EventFilters()
    if days is not None:
        today = timezone.now().astimezone(ZoneInfo(zone)).date()
        filters = EventFilters(date_from=today, date_to=today + timedelta(days=days - 1))
    events = events_listed(user=None, filters=filters, time_zone=zone)
    if kinds:
        events = events.filter(kind__in=kinds)
    events = events.select_related("image")
    listed = list(events[:count])
    for event in listed:
        event.span = event_span(event, event.listed_dates)  # type: ignore[attr-defined]
    return listed
