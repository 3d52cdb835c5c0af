"""Money is stored as integer minor units plus an ISO currency; checked and shown here."""

from __future__ import annotations

import re

from django.utils.translation import gettext

from pista.errors import ApplicationError

# ISO 4217 currencies without minor units that communities are likely to use.
ZERO_DECIMAL = {"JPY", "KRW", "CLP", "ISK", "HUF"}
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


class CurrencyMismatch(ApplicationError):
    default_code = "currency_mismatch"


class InvalidAmount(ApplicationError):
    default_code = "invalid_amount"


def money_format(amount_minor: int | None, currency: str = "") -> str:
    """``money_format(3000, "EUR")`` → ``"30.00 EUR"``; rounds nothing, only places the point."""
    if amount_minor is None:
        return "—"
    if currency.upper() in ZERO_DECIMAL:
        return f"{amount_minor:,} {currency}"
    return f"{amount_minor / 100:,.2f} {currency}".strip()


def currency_clean(currency: str) -> str:
    """The upper-cased ISO code. Raises CurrencyMismatch for anything else."""
    currency = (currency or "").strip().upper()
    if not CURRENCY_RE.match(currency):
        raise CurrencyMismatch(
            gettext("%(currency)r is not an ISO currency code.") % {"currency": currency}
        )
    return currency


def amount_minor_check(value: int | None, what: str) -> int:
    """``value`` if it is a whole, non-negative amount in minor units. Raises InvalidAmount."""
    if value is None or isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidAmount(
            gettext("The %(what)s must be a whole, non-negative amount in minor units.")
            % {"what": what}
        )
    return value
