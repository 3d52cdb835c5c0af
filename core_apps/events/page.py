"""What an event's public page shows besides the event itself: its schedule
(days, with the workshops and socials its passes cover), the line-up, the
venue and a ticket table. Reads only; a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from django.db.models import prefetch_related_objects

from core_apps.artists.selectors import artists_for_ids
from core_apps.events.models import Event, EventDate
from core_apps.ticketing.models import Product
from core_apps.ticketing.selectors import product_availability, product_price_current
from core_apps.venues.models import Venue


@dataclass(frozen=True)
class ScheduleItem:
    starts_at: datetime
    ends_at: datetime
    title: str
    kind: str
    url: str
    cancelled: bool


@dataclass
class ScheduleDay:
    day: date
    first: datetime
    items: list[ScheduleItem] = field(default_factory=list)


def event_schedule(*, event: Event, products: list[Product]) -> list[ScheduleDay]:
    """The event's dates and those of the events its passes cover (a festival's
    workshops), grouped by day in the event's zone."""
    zone = ZoneInfo(event.time_zone)
    events = {event.pk: event}
    for product in products:
        for covered in product.covers_events.all():
            if covered.status == Event.Status.PUBLISHED:
                events.setdefault(covered.pk, covered)
    dates = EventDate.objects.filter(event_id__in=list(events)).order_by("starts_at", "pk")
    days: dict[date, ScheduleDay] = {}
    for item in dates:
        other = events[item.event_id]
        local = item.starts_at.astimezone(zone)
        day = days.setdefault(local.date(), ScheduleDay(day=local.date(), first=item.starts_at))
        day.items.append(
            ScheduleItem(
                starts_at=item.starts_at,
                ends_at=item.ends_at,
                title=other.title,
                kind=str(other.get_kind_display()),
                url="" if other.pk == event.pk else other.get_absolute_url(),
                cancelled=item.status == EventDate.Status.CANCELLED,
            )
        )
    return list(days.values())


def venue_of(event: Event) -> dict[str, Any] | None:
    """The event's venue: name, address, its page and an OpenStreetMap link."""
    venue = Venue.objects.filter(pk=event.venue_id).first() if event.venue_id else None
    name = venue.name if venue else event.venue_name
    if not name:
        return None
    address = " ".join(venue.address.split()) if venue else ""
    if venue and venue.latitude is not None and venue.longitude is not None:
        lat, lon = venue.latitude, venue.longitude
        map_url = f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    else:
        map_url = "https://www.openstreetmap.org/search?query=" + quote_plus(
            ", ".join(part for part in (name, address) if part)
        )
    return {
        "name": name,
        "space": event.space_name,
        "address": address,
        "url": f"/venues/{venue.slug}/" if venue else "",
        "map_url": map_url,
    }


def ticket_rows(*, products: list[Product]) -> list[dict[str, Any]]:
    """Each product with its current price and availability, and which buttons
    it gets: register while on sale; a waitlist button per role that waitlists
    (every role once a role-balanced product is sold out), or one for the whole
    product once it is sold out."""
    rows = []
    for product in products:
        availability = product_availability(product=product)
        sold_out = availability.left == 0
        published = product.status == Product.Status.PUBLISHED
        waitlist_roles = [
            role for role, status in availability.roles.items() if status != "available"
        ]
        role_rows = [
            {"role": role, "status": status, "left": availability.role_left.get(role)}
            for role, status in availability.roles.items()
        ]
        rows.append(
            {
                "product": product,
                "price": product_price_current(product=product),
                "availability": availability,
                "role_rows": role_rows,
                "sold_out": sold_out,
                "waitlist_roles": waitlist_roles if published else [],
                "waitlist": sold_out and published and not availability.roles,
            }
        )
    return rows


def event_page(*, event: Event, products: list[Product]) -> dict[str, Any]:
    prefetch_related_objects(products, "covers_events")
    schedule = event_schedule(event=event, products=products)
    return {
        "schedule": schedule,
        # A festival (or a pass covering workshops) reads as days with their
        # programme; a weekly class or course as its list of dates.
        "multi_day": len(schedule) > 1
        and (
            event.kind in (Event.Kind.FESTIVAL, Event.Kind.COMPETITION)
            or any(item.url for day in schedule for item in day.items)
        ),
        "lineup": artists_for_ids(ids=list(event.teacher_ids or [])),
        "venue": venue_of(event),
        "tickets": ticket_rows(products=products),
    }
