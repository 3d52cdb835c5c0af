"""Money and times as people read them: per locale (Babel), in a named zone.

Amounts are stored as integer minor units with an ISO currency; they are shown
with the currency's own number of decimals and the active language's
conventions (``€129.00`` in English, ``129,00 €`` in German and Spanish).
Times are shown in the event's (or community's) zone and the zone is named.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton, format_time, get_timezone_name
from babel.numbers import format_currency, get_currency_precision
from django.utils import translation

from pista.errors import ApplicationError

DEFAULT_LOCALE = "en"


class InvalidMoneyAmount(ApplicationError):
    default_code = "invalid_amount"


def locale_current() -> str:
    """The Babel locale of the active Django language (``es``, ``de_AT`` …)."""
    language = translation.get_language() or DEFAULT_LOCALE
    name = translation.to_locale(language)
    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return DEFAULT_LOCALE
    return name


def currency_decimals(currency: str) -> int:
    """How many decimals the currency has (2 for EUR, 0 for JPY)."""
    return int(get_currency_precision(currency.upper()))


def money_decimal(amount_minor: int, currency: str) -> Decimal:
    """Minor units as a decimal amount: ``(12900, "EUR")`` → ``Decimal("129.00")``."""
    return Decimal(amount_minor).scaleb(-currency_decimals(currency))


def money_format(amount_minor: int | None, currency: str, locale: str | None = None) -> str:
    """``money_format(12900, "EUR")`` → ``"€129.00"`` (English) or ``"129,00 €"`` (German)."""
    if amount_minor is None:
        return "—"
    if not currency:
        return f"{amount_minor}"
    return format_currency(
        money_decimal(amount_minor, currency),
        currency.upper(),
        locale=locale or locale_current(),
    )


def money_parse(amount: str | Decimal | int, currency: str) -> int:
    """A decimal amount typed by a person as minor units: ``("129.5", "EUR")`` → ``12950``.

    Raises InvalidMoneyAmount for text that is not a number, a negative amount or
    more decimals than the currency has.
    """
    try:
        value = Decimal(str(amount).strip().replace(" ", ""))
    except InvalidOperation:
        raise InvalidMoneyAmount(f"{amount!r} is not an amount.") from None
    if not value.is_finite() or value < 0:
        raise InvalidMoneyAmount("The amount must be zero or more.")
    decimals = currency_decimals(currency)
    minor = value.scaleb(decimals)
    if minor != minor.to_integral_value():
        raise InvalidMoneyAmount(f"{currency.upper()} amounts have at most {decimals} decimals.")
    return int(minor)


def date_format(
    value: datetime | None, zone: str | tzinfo | None, *, locale: str | None = None
) -> str:
    """The day of ``value`` in ``zone``, per locale (``Sat, Jul 4, 2026``)."""
    if value is None:
        return "—"
    return format_skeleton(
        "yMMMEd", value.astimezone(zone_get(zone)), locale=locale or locale_current()
    )


def zone_get(zone: str | tzinfo | None) -> tzinfo:
    """A tzinfo from a zone name (UTC when missing or unknown)."""
    if isinstance(zone, tzinfo):
        return zone
    try:
        return ZoneInfo(zone or "UTC")
    except (ValueError, KeyError, OSError):
        return ZoneInfo("UTC")


def datetime_format(
    value: datetime | None,
    zone: str | tzinfo | None,
    *,
    locale: str | None = None,
    with_zone: bool = True,
) -> str:
    """``value`` in ``zone``, per locale, the zone named: ``Sat, Jul 4, 2026, 9:00 PM CEST``."""
    if value is None:
        return "—"
    tz = zone_get(zone)
    local = value.astimezone(tz)
    locale = locale or locale_current()
    day = format_skeleton("yMMMEd", local, locale=locale)
    text = f"{day}, {format_time(local, 'short', tzinfo=tz, locale=locale)}"
    if with_zone:
        text = f"{text} {local.tzname() or get_timezone_name(tz, locale=locale)}"
    return text
