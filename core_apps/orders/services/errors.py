"""Errors the order services raise, each with its ``code``."""

from __future__ import annotations

# One definition of a currency error for the whole platform; the booking core owns it.
from core_apps.bookings.money import CurrencyMismatch as CurrencyMismatch
from pista.errors import ApplicationError, Conflict


class InvalidQuantity(ApplicationError):
    default_code = "invalid_quantity"


class AddonWithoutTicket(ApplicationError):
    default_code = "addon_needs_ticket"


class InvalidEventDate(ApplicationError):
    default_code = "event_date_invalid"


class ProductUnavailable(ApplicationError):
    default_code = "product_unavailable"
    status_code = 404


class NotOnSale(ApplicationError):
    default_code = "not_on_sale"
    status_code = 409


class PriceMismatch(ApplicationError):
    default_code = "price_mismatch"
    status_code = 409


class PromoInvalid(ApplicationError):
    default_code = "promo_invalid"


class InvalidAttendee(ApplicationError):
    default_code = "invalid_attendee"


class InvalidProvider(ApplicationError):
    default_code = "invalid_provider"


class HoldExpired(ApplicationError):
    default_code = "hold_expired"
    status_code = 410


class LinkExpired(ApplicationError):
    default_code = "link_expired"
    status_code = 410


class OrderStateConflict(Conflict):
    default_code = "order_state"


class PaymentDeclined(ApplicationError):
    default_code = "payment_declined"
    status_code = 402


class CheckInRefused(Conflict):
    default_code = "checkin_refused"


class InvalidCheckinList(ApplicationError):
    default_code = "invalid_checkin_list"
