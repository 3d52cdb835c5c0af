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
from babel.dates import format_interval, format_skeleton, format_time, get_timezone_name
from babel.numbers import format_currency, format_percent, get_currency_precision
from django.utils import translation
from django.utils.translation import gettext as _

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


def percent_format(ratio: float | None, locale: str | None = None) -> str:
    """``percent_format(0.9993)`` → ``"99.93%"`` (English) or ``"99,93%"`` (German)."""
    if ratio is None:
        return "—"
    return format_percent(ratio, format="#,##0.00%", locale=locale or locale_current())


def money_parse(amount: str | Decimal | int, currency: str) -> int:
    """A decimal amount typed by a person as minor units: ``("129.5", "EUR")`` → ``12950``.

    Raises InvalidMoneyAmount for text that is not a number, a negative amount or
    more decimals than the currency has.
    """
    try:
        value = Decimal(str(amount).strip().replace(" ", ""))
    except InvalidOperation:
        raise InvalidMoneyAmount(_("%(amount)r is not an amount.") % {"amount": amount}) from None
    if not value.is_finite() or value < 0:
        raise InvalidMoneyAmount(_("The amount must be zero or more."))
    decimals = currency_decimals(currency)
    minor = value.scaleb(decimals)
    if minor != minor.to_integral_value():
        raise InvalidMoneyAmount(
            _("%(currency)s amounts have at most %(decimals)s decimals.")
            % {"currency": currency.upper(), "decimals": decimals}
        )
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


def span_format(
    start: datetime | None,
    end: datetime | None,
    zone: str | tzinfo | None,
    *,
    locale: str | None = None,
) -> str:
    """A stretch of time in ``zone``, per locale, the zone named. One day shows its
    hours (``Fri, Jun 5, 2026, 8:00 PM to 11:00 PM CEST``); several days show the
    whole span (``Fri, Jun 5 to Sun, Jun 7, 2026``), so a festival never reads as
    one evening."""
    if start is None:
        return "—"
    if end is None or end <= start:
        return datetime_format(start, zone, locale=locale)
    tz = zone_get(zone)
    locale = locale or locale_current()
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    # An evening that ends after midnight is still one evening.
    if (local_end - local_start).total_seconds() <= 18 * 3600:
        day = format_skeleton("yMMMEd", local_start, locale=locale)
        return f"{day}, {hours_format(start, end, tz, locale=locale)}"
    return format_interval(local_start, local_end, "yMMMEd", tzinfo=tz, locale=locale)


def hours_format(
    start: datetime, end: datetime, zone: str | tzinfo | None, *, locale: str | None = None
) -> str:
    """The hours from ``start`` to ``end`` in ``zone``, the zone named (a day's schedule)."""
    tz = zone_get(zone)
    locale = locale or locale_current()
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    skeleton = "hm" if locale_current_uses_12h(locale) else "Hm"
    hours = format_interval(local_start, local_end, skeleton, tzinfo=tz, locale=locale)
    return f"{hours} {local_start.tzname() or ''}".rstrip()


def time_format(
    value: datetime | None, zone: str | tzinfo | None, *, locale: str | None = None
) -> str:
    """The time of day of ``value`` in ``zone`` on the locale's clock (``20:00`` /
    ``8:00 PM``), for calendars where the zone is named once."""
    if value is None:
        return "—"
    tz = zone_get(zone)
    return format_time(value.astimezone(tz), "short", tzinfo=tz, locale=locale or locale_current())


def first_week_day(locale: str | None = None) -> int:
    """The day a week starts on in the locale (0 Monday … 6 Sunday, like
    ``calendar``): Monday in ``en``, ``es`` and ``de``, Sunday in ``en_US``."""
    try:
        return int(Locale.parse(locale or locale_current()).first_week_day)
    except (UnknownLocaleError, ValueError):
        return 0


def locale_current_uses_12h(locale: str) -> bool:
    """Whether the locale writes times on a 12-hour clock (en_US: 8:00 PM)."""
    try:
        pattern = Locale.parse(locale).time_formats["short"].pattern
    except (UnknownLocaleError, ValueError, KeyError):
        return False
    return "h" in pattern
