"""iCalendar (RFC 5545) documents for event dates, built with ``icalendar``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import nh3
from icalendar import Calendar
from icalendar import Event as VEvent

from core_apps.events.models import Event, EventDate


def calendar_build(*, dates: Iterable[EventDate], name: str, host: str) -> bytes:
    """One VEVENT per date; UIDs are stable per date, so calendar apps update
    moved dates and show cancelled ones as cancelled instead of duplicating them."""
    calendar = Calendar()
    calendar.add("prodid", "-//Pista//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # An unknown property is not escaped: a title's line break would end the
    # line (icalendar refuses it, a 500), so the name goes on one line.
    calendar.add("x-wr-calname", " ".join(name.split()))
    stamp = datetime.now(tz=UTC).replace(microsecond=0)
    for date in dates:
        event = date.event
        entry = VEvent()
        entry.add("uid", f"eventdate-{date.pk}@{host}")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", date.starts_at.astimezone(UTC))
        entry.add("dtend", date.ends_at.astimezone(UTC))
        entry.add("summary", event.title)
        entry.add("url", f"https://{host}{event.get_absolute_url()}")
        if event.venue_name:
            entry.add("location", event.venue_name)
        text = nh3.clean(event.description or "", tags=set()).strip()
        if text:
            entry.add("description", text)
        cancelled = date.is_cancelled or event.status == Event.Status.CANCELLED
        entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        calendar.add_component(entry)
    return calendar.to_ical()


_STATUS = {
    Event.Status.PUBLISHED: "https://schema.org/EventScheduled",
    Event.Status.CANCELLED: "https://schema.org/EventCancelled",
    Event.Status.DRAFT: "https://schema.org/EventScheduled",
}


def event_json_ld(*, event: Event, products: list[dict[str, Any]], url: str) -> str:
    """``schema.org/Event`` JSON-LD for an event page, safe inside a <script>."""
    dates = [d for d in event.dates.all() if not d.is_cancelled]
    first = dates[0] if dates else None
    zone = ZoneInfo(event.time_zone)

    def local(moment: datetime) -> str:
        return moment.astimezone(zone).isoformat()

    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": url,
        "eventStatus": _STATUS[Event.Status(event.status)],
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "startDate": local((first or event).starts_at),
        "endDate": local((first or event).ends_at),
        "description": nh3.clean(event.description_localized, tags=set()).strip(),
    }
    if event.venue_name:
        data["location"] = {"@type": "Place", "name": event.venue_name}
    if event.teacher_names:
        data["performer"] = [
            {"@type": "Person", "name": name.strip()}
            for name in event.teacher_names.replace("&", ",").split(",")
            if name.strip()
        ]
    offers = []
    for entry in products:
        price = entry["price"]
        offers.append(
            {
                "@type": "Offer",
                "name": entry["product"].name,
                "price": price.amount,
                "priceCurrency": price.currency,
                "availability": "https://schema.org/InStock"
                if entry["availability"].on_sale
                else "https://schema.org/SoldOut",
                "url": url,
            }
        )
    if offers:
        data["offers"] = offers
    if len(dates) > 1:
        data["subEvent"] = [
            {
                "@type": "Event",
                "name": event.title,
                "startDate": local(d.starts_at),
                "endDate": local(d.ends_at),
            }
            for d in dates[:50]
        ]
    text = json.dumps(data, ensure_ascii=False)
    # Nothing in the data may close the <script> element it is embedded in.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
