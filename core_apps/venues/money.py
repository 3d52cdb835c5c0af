"""Money is stored as integer minor units plus an ISO currency; this shows it."""

from __future__ import annotations

# ISO 4217 currencies without minor units that communities are likely to use.
ZERO_DECIMAL = {"JPY", "KRW", "CLP", "ISK", "HUF"}


def money_format(amount_minor: int | None, currency: str = "") -> str:
    """``money_format(3000, "EUR")`` → ``"30.00 EUR"``; rounds nothing, only places the point."""
    if amount_minor is None:
        return "—"
    if currency.upper() in ZERO_DECIMAL:
        return f"{amount_minor:,} {currency}"
    return f"{amount_minor / 100:,.2f} {currency}".strip()
