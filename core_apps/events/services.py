"""Writes about events and their dates.

Organizer writes take an ``actor`` whose permission is checked here
(``actor=None`` is a trusted internal caller: demo data, tasks). Invalid input
raises Django's ``ValidationError`` with a message per field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import nh3
from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core_apps.events.models import (
    DEFAULT_DANCE_STYLES,
    DEFAULT_LEVELS,
    DanceStyle,
    Event,
    EventDate,
    Level,
)
from core_apps.privacy.services import audit_record
from pista.billing_hooks import LIMIT_EVENTS_PER_MONTH, plan_limit_check
from pista.domain_events import domain_event_emit
from pista.errors import Conflict, PermissionDenied
from pista.pagecache.store import page_cache_invalidate
from pista.text import name_clean, slug_make
from tenants.current import community_current, languages_enabled

if TYPE_CHECKING:
    from core_apps.accounts.models import User
    from tenants.models import Community

# A series longer than this is almost certainly a mistake (weekly for 10 years).
MAX_OCCURRENCES = 400
EVENT_FIELDS = {
    "title",
    "slug",
    "description",
    "description_translations",
    "image",
    "level",
    "kind",
    "status",
    "visibility",
    "venue_name",
    "venue_id",
    "space_name",
    "space_id",
    "teacher_names",
    "teacher_ids",
    "time_zone",
    "starts_at",
    "ends_at",
    "recurrence",
}
_TIMING_FIELDS = {"starts_at", "ends_at", "time_zone", "recurrence"}
_UNTIL = re.compile(r"UNTIL=([0-9T]+)(Z?)", re.IGNORECASE)


def _permission_require(actor: User | None, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(_("You may not manage the events of this community."))


def description_sanitise(html: str) -> str:
    """Keep formatting and links, drop scripts, styles and event handlers."""
    return nh3.clean(html or "")


def description_translations_clean(translations: object) -> dict[str, str]:
    """The translated descriptions, sanitised, for the community's languages
    other than its default only (others are dropped, as are empty ones)."""
    if not isinstance(translations, dict):
        return {}
    _default, *further = languages_enabled(community_current())
    cleaned = {
        code: description_sanitise(str(translations.get(code) or "")).strip() for code in further
    }
    return {code: html for code, html in cleaned.items() if html}


def _recurrence_normalise(recurrence: str) -> str:
    rule = (recurrence or "").strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[len("RRULE:") :]
    return rule.strip().rstrip(";")


def occurrences_expand(
    *, starts_at: datetime, ends_at: datetime, time_zone: str, recurrence: str
) -> list[tuple[datetime, datetime]]:
    """The (start, end) of every occurrence, as aware datetimes in ``time_zone``.

    The rule is expanded on the local wall clock: a class at 19:00 stays at
    19:00 across a daylight-saving change (its UTC time moves by an hour). An
    ``UNTIL`` without ``Z`` is read as local time. Raises ValidationError on
    ``recurrence`` for a rule that doesn't parse, never ends, yields nothing
    or yields more than MAX_OCCURRENCES dates.
    """
    zone = ZoneInfo(time_zone)
    duration = ends_at - starts_at
    local_start = starts_at.astimezone(zone)
    rule = _recurrence_normalise(recurrence)
    if not rule:
        return [(local_start, local_start + duration)]
    parts = {
        part.split("=", 1)[0].strip().upper()
        for part in rule.split(";")
        if "=" in part and part.strip()
    }
    if "DTSTART" in rule.upper():
        raise ValidationError({"recurrence": [_("Leave DTSTART out: the start date is used.")]})
    if not parts & {"COUNT", "UNTIL"}:
        raise ValidationError(
            {"recurrence": [_("The rule never ends: add COUNT (e.g. COUNT=8) or UNTIL.")]}
        )

    def until_to_utc(match: re.Match[str]) -> str:
        if match.group(2):
            return match.group(0)
        raw = match.group(1)
        fmt = "%Y%m%dT%H%M%S" if "T" in raw.upper() else "%Y%m%d"
        local = datetime.strptime(raw.upper(), fmt)  # made aware just below
        if "T" not in raw.upper():
            local = local.replace(hour=23, minute=59, second=59)
        aware = local.replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))
        return f"UNTIL={aware:%Y%m%dT%H%M%SZ}"

    try:
        rule = _UNTIL.sub(until_to_utc, rule)
        parsed = rrulestr(rule, dtstart=local_start)
        starts = list(islice(iter(parsed), MAX_OCCURRENCES + 1))
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValidationError(
            {"recurrence": [_("This is not a valid RFC 5545 rule (%(error)s).") % {"error": exc}]}
        ) from exc
    if not starts:
        raise ValidationError({"recurrence": [_("The rule yields no dates.")]})
    if len(starts) > MAX_OCCURRENCES:
        raise ValidationError(
            {
                "recurrence": [
                    _("The rule yields more than %(MAX_OCCURRENCES)s dates.")
                    % {"MAX_OCCURRENCES": MAX_OCCURRENCES}
                ]
            }
        )
    # Aware arithmetic on a ZoneInfo datetime is wall-clock arithmetic; going
    # through UTC and back fixes the offset of each occurrence and resolves a
    # start inside the spring-forward gap to the next valid time. The duration
    # is added in absolute time, so a date never ends before it starts.
    utc = ZoneInfo("UTC")
    result = []
    for start in starts:
        start_utc = start.astimezone(utc)
        result.append((start_utc.astimezone(zone), (start_utc + duration).astimezone(zone)))
    return result


def event_validate(event: Event) -> list[tuple[datetime, datetime]]:
    """Check an event's fields; return its occurrences. Raises ValidationError."""
    errors: dict[str, list[str]] = {}
    if not (event.title or "").strip():
        errors["title"] = [_("Give the event a title.")]
    if event.kind not in Event.Kind.values:
        errors["kind"] = [_("Choose a kind of event.")]
    if event.status not in Event.Status.values:
        errors["status"] = [_("Choose a status.")]
    if event.visibility not in Event.Visibility.values:
        errors["visibility"] = [_("Choose who sees the event.")]
    try:
        ZoneInfo(event.time_zone or "")
    except (ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = [
            _("Unknown time zone %(time_zone)r.") % {"time_zone": event.time_zone}
        ]
    for field in ("starts_at", "ends_at"):
        value = getattr(event, field)
        if not isinstance(value, datetime):
            errors[field] = [_("Give a date and time.")]
        elif value.tzinfo is None:
            errors[field] = [_("Give a date and time with a time zone.")]
    if errors.keys() & {"starts_at", "ends_at", "time_zone"}:
        raise ValidationError(errors)
    if event.ends_at <= event.starts_at:
        errors["ends_at"] = [_("The end must be after the start.")]
        raise ValidationError(errors)
    if event.ends_at - event.starts_at > timedelta(days=31):
        errors["ends_at"] = [_("One date lasts at most 31 days; use a recurrence for more.")]
    occurrences: list[tuple[datetime, datetime]] = []
    try:
        occurrences = occurrences_expand(
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            time_zone=event.time_zone,
            recurrence=event.recurrence,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return occurrences


def _slug_unique(base: str, *, exclude_pk: int | None = None) -> str:
    base = (slug_make(base) or "event")[:200]
    others = Event.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _event_dates_sync(event: Event, occurrences: list[tuple[datetime, datetime]]) -> None:
    """Make the dates match the rule, keeping moved and cancelled dates.

    Dates are keyed by the occurrence the rule produced; a moved or cancelled
    date keeps its override while its occurrence still exists.
    """
    existing = {d.original_start: d for d in event.dates.all()}
    wanted = dict(occurrences)
    stale = [d.pk for start, d in existing.items() if start not in wanted]
    if stale:
        EventDate.objects.filter(pk__in=stale).delete()
    new, changed = [], []
    for start, end in wanted.items():
        date = existing.get(start)
        if date is None:
            new.append(EventDate(event=event, starts_at=start, ends_at=end, original_start=start))
        elif not date.moved and date.ends_at != end:
            date.starts_at, date.ends_at = start, end
            changed.append(date)
    EventDate.objects.bulk_create(new)
    if changed:
        EventDate.objects.bulk_update(changed, ["starts_at", "ends_at"])


def _assign(event: Event, fields: dict[str, Any]) -> None:
    unknown = set(fields) - EVENT_FIELDS
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    for field, value in fields.items():
        setattr(event, field, value)
    event.description = description_sanitise(event.description)
    event.description_translations = description_translations_clean(event.description_translations)
    event.recurrence = _recurrence_normalise(event.recurrence)


@transaction.atomic
def event_create(
    *,
    actor: User | None,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    styles: Iterable[DanceStyle] = (),
    **fields: Any,
) -> Event:
    """Create an event (a draft unless ``status`` says otherwise) and its dates.

    The time zone defaults to the community's. Raises ValidationError (per
    field), PermissionDenied.
    """
    _permission_require(actor, "events.add_event")
    event = Event(time_zone=community_current().time_zone)
    _assign(event, {"title": title, "starts_at": starts_at, "ends_at": ends_at, **fields})
    occurrences = event_validate(event)
    if event.status == Event.Status.PUBLISHED:
        plan_limit_check(LIMIT_EVENTS_PER_MONTH, month=event.starts_at)
    event.slug = _slug_unique(event.slug or event.title)
    event.save()
    event.styles.set(styles)
    _event_dates_sync(event, occurrences)
    audit_record("event.create", actor=actor, target=event, data={"status": event.status})
    page_cache_invalidate()
    return event


@transaction.atomic
def event_update(
    *,
    actor: User | None,
    event: Event,
    styles: Iterable[DanceStyle] | None = None,
    **fields: Any,
) -> Event:
    """Change an event; a changed start, end, zone or rule regenerates its dates
    (keeping moved and cancelled ones). Raises ValidationError, PermissionDenied,
    PlanLimitReached (publishing past the plan's events per month)."""
    _permission_require(actor, "events.change_event")
    event = Event.objects.select_for_update().get(pk=event.pk)
    was_published = event.status == Event.Status.PUBLISHED
    _assign(event, fields)
    occurrences = event_validate(event)
    if event.status == Event.Status.PUBLISHED and not was_published:
        # Raises PlanLimitReached past the plan's published events per month.
        plan_limit_check(LIMIT_EVENTS_PER_MONTH, month=event.starts_at)
    if "slug" in fields:
        event.slug = _slug_unique(event.slug or event.title, exclude_pk=event.pk)
    event.save()
    if styles is not None:
        event.styles.set(styles)
    if fields.keys() & _TIMING_FIELDS:
        _event_dates_sync(event, occurrences)
    changed = sorted(fields) + (["styles"] if styles is not None else [])
    audit_record(
        "event.update", actor=actor, target=event, data={"fields": changed, "status": event.status}
    )
    page_cache_invalidate()
    return event


@transaction.atomic
def event_dates_regenerate(*, event: Event) -> None:
    """Bring an event's dates in line with its rule (after an edit made outside
    these services, e.g. in the CMS). Raises ValidationError."""
    _event_dates_sync(event, event_validate(event))
    page_cache_invalidate()


@transaction.atomic
def event_publish(*, actor: User | None, event: Event) -> Event:
    event = event_update(actor=actor, event=event, status=Event.Status.PUBLISHED)
    domain_event_emit("event.published", event=event.pk, title=event.title, slug=event.slug)
    return event


@transaction.atomic
def event_cancel(*, actor: User | None, event: Event) -> Event:
    """Cancel a whole event (its dates stay, for the record); its tickets are
    refunded after the commit (``orders_refund_for_event``)."""
    from core_apps.orders.tasks import orders_refund_for_event_task
    from pista.tasks import task_enqueue_on_commit

    event = event_update(actor=actor, event=event, status=Event.Status.CANCELLED)
    task_enqueue_on_commit(orders_refund_for_event_task, event_id=event.pk)
    audit_record("event.cancel", actor=actor, target=event, data={"refunds": "queued"})
    return event


@transaction.atomic
def event_duplicate(*, actor: User | None, event: Event) -> Event:
    """A draft copy of an event with the same rule, styles and references."""
    _permission_require(actor, "events.add_event")
    fields = {
        field: getattr(event, field)
        for field in EVENT_FIELDS - {"title", "slug", "starts_at", "ends_at", "status"}
    }
    return event_create(
        actor=actor,
        title=_("%(title)s (copy)") % {"title": event.title},
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        styles=list(event.styles.all()),
        status=Event.Status.DRAFT,
        **fields,
    )


@transaction.atomic
def event_date_move(
    *, actor: User | None, event_date: EventDate, starts_at: datetime, ends_at: datetime
) -> EventDate:
    """Move one date of a series; the others don't change. Raises ValidationError."""
    _permission_require(actor, "events.change_event")
    errors: dict[str, list[str]] = {}
    for field, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not isinstance(value, datetime) or value.tzinfo is None:
            errors[field] = [_("Give a date and time with a time zone.")]
    if not errors and ends_at <= starts_at:
        errors["ends_at"] = [_("The end must be after the start.")]
    if errors:
        raise ValidationError(errors)
    event_date = EventDate.objects.select_for_update().get(pk=event_date.pk)
    event_date.starts_at, event_date.ends_at, event_date.moved = starts_at, ends_at, True
    event_date.save(update_fields=["starts_at", "ends_at", "moved"])
    audit_record(
        "event.date_move",
        actor=actor,
        target=event_date.event,
        data={"date": event_date.pk, "starts_at": starts_at.isoformat()},
    )
    page_cache_invalidate()
    return event_date


@transaction.atomic
def event_date_cancel(*, actor: User | None, event_date: EventDate) -> EventDate:
    """Cancel one date of a series; the others don't change.

    Tickets only for cancelled dates are refunded after the commit
    (``orders_refund_for_date``).
    """
    from core_apps.orders.tasks import orders_refund_for_date_task
    from pista.tasks import task_enqueue_on_commit

    _permission_require(actor, "events.change_event")
    event_date = EventDate.objects.select_for_update().get(pk=event_date.pk)
    event_date.status = EventDate.Status.CANCELLED
    event_date.save(update_fields=["status"])
    task_enqueue_on_commit(orders_refund_for_date_task, event_date_id=event_date.pk)
    audit_record(
        "event.date_cancel",
        actor=actor,
        target=event_date.event,
        data={"date": event_date.pk, "starts_at": event_date.starts_at.isoformat()},
    )
    page_cache_invalidate()
    return event_date


@transaction.atomic
def event_dates_except(
    *, actor: User | None, event: Event, days: Iterable[date]
) -> list[EventDate]:
    """Cancel the dates of a series that fall on ``days`` (its exceptions: a
    holiday, a closed venue), each through ``event_date_cancel``. Raises
    ValidationError on ``repeat_except`` for a day without a date, and
    PermissionDenied."""
    zone = ZoneInfo(event.time_zone)
    by_day = {d.starts_at.astimezone(zone).date(): d for d in event.dates.all()}
    wanted = sorted(set(days))
    missing = [day for day in wanted if day not in by_day]
    if missing:
        raise ValidationError(
            {
                "repeat_except": [
                    _("%(days)s: the series has no date on that day.")
                    % {"days": ", ".join(day.isoformat() for day in missing)}
                ]
            }
        )
    return [
        event_date_cancel(actor=actor, event_date=by_day[day])
        for day in wanted
        if not by_day[day].is_cancelled
    ]


def taxonomy_defaults_ensure(community: Community | None = None) -> None:
    """Give a community the default dance styles and levels, named in its
    default language: each kind only while it has none (a default organizers
    removed doesn't come back). Idempotent; two queries per kind. Registered
    as a set-up step of every new community (``tenants.setup``)."""
    language = languages_enabled(community or community_current())[0]
    with translation.override(language):
        if not DanceStyle.objects.exists():
            DanceStyle.objects.bulk_create(
                [DanceStyle(slug=slug, name=str(name)) for slug, name in DEFAULT_DANCE_STYLES],
                ignore_conflicts=True,
            )
        if not Level.objects.exists():
            Level.objects.bulk_create(
                [
                    Level(slug=slug, name=str(name), position=position)
                    for position, (slug, name) in enumerate(DEFAULT_LEVELS)
                ],
                ignore_conflicts=True,
            )


_NAME_MAX = 80
_SLUG_MAX = 60


def _taxonomy_name_check(
    model: type[DanceStyle] | type[Level],
    name: str,
    *,
    exclude_pk: int | None = None,
    empty: str,
    taken: str,
) -> tuple[str, str]:
    """The cleaned name and its slug; ValidationError on ``name`` when it is
    empty, too long, or names another entry of ``model`` (by name or slug)."""
    cleaned = name_clean(name)
    slug = slug_make(cleaned)[:_SLUG_MAX].strip("-")
    if not cleaned or not slug:
        raise ValidationError({"name": [empty]})
    if len(cleaned) > _NAME_MAX:
        raise ValidationError({"name": [_("At most %(max)d characters.") % {"max": _NAME_MAX}]})
    others = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    if others.filter(Q(name__iexact=cleaned) | Q(slug=slug)).exists():
        raise ValidationError({"name": [taken]})
    return cleaned, slug


TaxonomyEntry = TypeVar("TaxonomyEntry", DanceStyle, Level)


def _taxonomy_insert(entry: TaxonomyEntry, *, taken: str) -> TaxonomyEntry:
    """Save a new style or level; one created meanwhile under the same slug
    (two staff at once) is the same "exists already" as the check's."""
    try:
        with transaction.atomic():
            entry.save(force_insert=True)
    except IntegrityError:
        raise ValidationError({"name": [taken]}) from None
    return entry


def _in_use_refuse(count: int, name: str) -> None:
    if count:
        raise Conflict(
            ngettext(
                "%(name)s is used by %(count)d event: change that event first.",
                "%(name)s is used by %(count)d events: change those events first.",
                count,
            )
            % {"name": name, "count": count},
            code="in_use",
        )


@transaction.atomic
def dance_style_create(*, actor: User | None, name: str) -> DanceStyle:
    """Add a community's own dance style. Raises ValidationError, PermissionDenied."""
    _permission_require(actor, "events.add_dancestyle")
    cleaned, slug = _taxonomy_name_check(
        DanceStyle,
        name,
        empty=_("Give the style a name."),
        taken=_("This style exists already."),
    )
    style = _taxonomy_insert(
        DanceStyle(slug=slug, name=cleaned), taken=_("This style exists already.")
    )
    audit_record("dancestyle.create", actor=actor, target=style, data={"name": cleaned})
    page_cache_invalidate()
    return style


@transaction.atomic
def dance_style_rename(*, actor: User | None, style: DanceStyle, name: str) -> DanceStyle:
    """Rename a dance style (its slug, in addresses and the API, stays).
    Raises ValidationError, PermissionDenied."""
    _permission_require(actor, "events.change_dancestyle")
    cleaned, _slug = _taxonomy_name_check(
        DanceStyle,
        name,
        exclude_pk=style.pk,
        empty=_("Give the style a name."),
        taken=_("This style exists already."),
    )
    before = style.name
    style.name = cleaned
    style.save(update_fields=["name"])
    audit_record(
        "dancestyle.rename", actor=actor, target=style, data={"from": before, "to": cleaned}
    )
    page_cache_invalidate()
    return style


@transaction.atomic
def dance_style_delete(*, actor: User | None, style: DanceStyle) -> None:
    """Remove a dance style no event uses. Raises Conflict (events use it),
    PermissionDenied."""
    _permission_require(actor, "events.delete_dancestyle")
    style = DanceStyle.objects.select_for_update().get(pk=style.pk)
    _in_use_refuse(style.events.count(), style.name)
    audit_record(
        "dancestyle.delete",
        actor=actor,
        target=style,
        data={"slug": style.slug, "name": style.name},
    )
    style.delete()
    page_cache_invalidate()


@transaction.atomic
def level_create(*, actor: User | None, name: str) -> Level:
    """Add a level, after the others. Raises ValidationError, PermissionDenied."""
    _permission_require(actor, "events.add_level")
    cleaned, slug = _taxonomy_name_check(
        Level,
        name,
        empty=_("Give the level a name."),
        taken=_("This level exists already."),
    )
    last = Level.objects.aggregate(last=Max("position"))["last"]
    level = _taxonomy_insert(
        Level(slug=slug, name=cleaned, position=0 if last is None else last + 1),
        taken=_("This level exists already."),
    )
    audit_record("level.create", actor=actor, target=level, data={"name": cleaned})
    page_cache_invalidate()
    return level


@transaction.atomic
def level_rename(*, actor: User | None, level: Level, name: str) -> Level:
    """Rename a level (its slug stays). Raises ValidationError, PermissionDenied."""
    _permission_require(actor, "events.change_level")
    cleaned, _slug = _taxonomy_name_check(
        Level,
        name,
        exclude_pk=level.pk,
        empty=_("Give the level a name."),
        taken=_("This level exists already."),
    )
    before = level.name
    level.name = cleaned
    level.save(update_fields=["name"])
    audit_record("level.rename", actor=actor, target=level, data={"from": before, "to": cleaned})
    page_cache_invalidate()
    return level


@transaction.atomic
def level_delete(*, actor: User | None, level: Level) -> None:
    """Remove a level no event uses. Raises Conflict (events use it), PermissionDenied."""
    _permission_require(actor, "events.delete_level")
    level = Level.objects.select_for_update().get(pk=level.pk)
    _in_use_refuse(level.events.count(), level.name)
    audit_record(
        "level.delete", actor=actor, target=level, data={"slug": level.slug, "name": level.name}
    )
    level.delete()
    page_cache_invalidate()


@transaction.atomic
def level_move(*, actor: User | None, level: Level, up: bool) -> list[Level]:
    """Move a level one place up (towards open/beginner) or down; the levels
    are renumbered 0, 1, 2 … in their new order, which is returned. At either
    end, nothing moves. Raises PermissionDenied."""
    _permission_require(actor, "events.change_level")
    levels = list(Level.objects.select_for_update().order_by("position", "name", "pk"))
    index = next(i for i, item in enumerate(levels) if item.pk == level.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(levels):
        return levels
    levels[index], levels[other] = levels[other], levels[index]
    changed = [item for position, item in enumerate(levels) if item.position != position]
    for position, item in enumerate(levels):
        item.position = position
    Level.objects.bulk_update(changed, ["position"])
    audit_record(
        "level.move",
        actor=actor,
        target=levels[other],
        data={"direction": "up" if up else "down", "position": other},
    )
    page_cache_invalidate()
    return levels
