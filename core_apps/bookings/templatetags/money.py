"""``{{ amount_minor|money:currency }}`` → ``30.00 EUR``."""

from __future__ import annotations

from django import template

from core_apps.bookings.money import money_format

register = template.Library()


@register.filter
def money(amount_minor: int | None, currency: str = "") -> str:
    return money_format(amount_minor, currency)
