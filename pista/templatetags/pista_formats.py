"""Template filters for money and zoned times.

``{% load pista_formats %}``, then ``{{ order.total_minor|money:order.currency }}`` and
``{{ date.starts_at|in_zone:event.time_zone }}``.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from django import template

from pista.formats import (
    date_format,
    datetime_format,
    hours_format,
    money_format,
    percent_format,
    span_format,
    time_format,
)

register = template.Library()


@register.filter
def money(amount_minor: int | None, currency: str = "") -> str:
    """Minor units shown per the active language: ``€129.00`` / ``129,00 €``."""
    return money_format(amount_minor, currency)


@register.filter
def percent(ratio: float | None) -> str:
    """A ratio as a percentage per the active language: ``99.93%`` / ``99,93%``."""
    return percent_format(ratio)


@register.filter
def in_zone(value: datetime | None, zone: str | tzinfo | None = None) -> str:
    """A date and time in ``zone`` (the event's or community's), with the zone named."""
    return datetime_format(value, zone)


@register.filter
def day_in_zone(value: datetime | None, zone: str | tzinfo | None = None) -> str:
    """The day of ``value`` in ``zone`` (``Sat, Jul 4, 2026``)."""
    return date_format(value, zone)


@register.filter
def clock(value: datetime | None, zone: str | tzinfo | None = None) -> str:
    """The time of day in ``zone`` on the locale's clock (``20:00`` / ``8:00 PM``)."""
    return time_format(value, zone)


@register.simple_tag
def span(start: datetime | None, end: datetime | None, zone: str | tzinfo | None = None) -> str:
    """``{% span start end zone %}``: one evening with its hours, or the days it spans."""
    return span_format(start, end, zone)


@register.simple_tag
def hours(start: datetime, end: datetime, zone: str | tzinfo | None = None) -> str:
    """``{% hours start end zone %}``: the hours of one day's item, the zone named."""
    return hours_format(start, end, zone)
