"""What the events app lists on a community's home page (``cms.listings``)."""

from __future__ import annotations

from cms.listings import ListingItem
from core_apps.events.models import Event
from core_apps.events.selectors import events_upcoming
from pista.formats import span_format


def _items(events: list[Event]) -> list[ListingItem]:
    items = []
    for event in events:
        span = getattr(event, "span", None)
        when = span_format(span[0], span[1], event.time_zone) if span else ""
        where = event.venue_name
        items.append(
            ListingItem(
                title=event.title,
                url=event.get_absolute_url(),
                subtitle=" · ".join(part for part in (when, where) if part),
                image_url=event.image.get_rendition("fill-640x400").url if event.image else "",
                kicker=str(event.get_kind_display()),
            )
        )
    return items


def upcoming_events_listing(count: int) -> list[ListingItem]:
    return _items(events_upcoming(count=count))


def classes_this_week_listing(count: int) -> list[ListingItem]:
    return _items(events_upcoming(count=count, kinds=[Event.Kind.CLASS, Event.Kind.COURSE], days=7))
