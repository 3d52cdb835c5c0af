"""``{{ amount_minor|money:currency }}`` → ``30.00 EUR``: money is stored in minor units."""

from __future__ import annotations

from django import template

register = template.Library()

ZERO_DECIMAL = {"JPY", "KRW", "CLP", "ISK", "HUF"}


@register.filter
def money(amount_minor: int | None, currency: str = "") -> str:
    if amount_minor is None:
        return "—"
    if currency.upper() in ZERO_DECIMAL:
        return f"{amount_minor:,} {currency}"
    return f"{amount_minor / 100:,.2f} {currency}".strip()
