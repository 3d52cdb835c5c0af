"""Writes about orders: checkout, payment, expiry, cancellation, refunds,
waitlist, check-in, transfer and invoices — one module per job; every public
name is importable from ``core_apps.orders.services``.

Capacity (BRIEF, "Money and capacity"): the checkout transaction first writes
the order row, then takes its places with one conditional ``UPDATE`` per quota
in pk order (``quotas_reserve``) and commits straight after a few inserts, so
the quota row lock is held for a few milliseconds. Emails, invoices and PDFs
are queued on commit. Every state change writes an :class:`OrderLog` entry.

Ticketing owns the counters: orders changes them only through
``core_apps.ticketing.services`` (``quotas_lock``, ``quotas_reserve``,
``quotas_release``, ``quotas_role_move``, ``products_sold_add``,
``products_sold_subtract``) and reads products through ticketing's selectors;
it names no table of ticketing or events.
"""

from __future__ import annotations

from core_apps.orders.services.card import (
    order_stripe_confirm,
    order_stripe_start,
)
from core_apps.orders.services.checkin import (
    CheckInResult,
    checkin_list_create,
    checkin_list_default,
    checkin_list_update,
    checkin_lists_per_date_create,
    checkin_undo,
    membership_period,
    position_check_in,
    position_for_scan,
)
from core_apps.orders.services.checkout import (
    AttendeeIn,
    CheckoutResult,
    LineIn,
    order_checkout,
)
from core_apps.orders.services.common import (
    HOLD_MINUTES_DEFAULT,
    order_log,
    payment_settings_account_set,
)
from core_apps.orders.services.errors import (
    AddonWithoutTicket,
    CheckInRefused,
    CurrencyMismatch,
    HoldExpired,
    InvalidAttendee,
    InvalidCheckinList,
    InvalidEventDate,
    InvalidProvider,
    InvalidQuantity,
    LinkExpired,
    NotOnSale,
    OrderStateConflict,
    PaymentDeclined,
    PriceMismatch,
    ProductUnavailable,
    PromoInvalid,
)
from core_apps.orders.services.holds import (
    order_expire,
    orders_expire_due,
    orders_remind_unpaid,
)
from core_apps.orders.services.invoicing import (
    invoice_create,
    invoice_for_signed_link,
    invoice_link_signature,
)
from core_apps.orders.services.partners import (
    ClaimExpired,
    partner_claim,
    partner_claim_link,
    partner_claim_position,
    partner_claims_send,
)
from core_apps.orders.services.payment_settings import payment_settings_update
from core_apps.orders.services.payments import (
    order_mark_paid,
    order_paid_process,
    order_pay_simulated,
)
from core_apps.orders.services.promo_codes import (
    InvalidPromoCode,
    PromoCodeIn,
    promo_code_create,
    promo_code_set_active,
    promo_code_update,
)
from core_apps.orders.services.refunds import (
    SelfCancelRefused,
    order_cancel,
    order_refund,
    order_self_cancel,
    orders_refund_for_date,
    orders_refund_for_event,
    orders_refund_for_products,
)
from core_apps.orders.services.staff import (
    order_deadline_extend,
    order_staff_cancel,
    order_staff_mark_paid,
    order_staff_refund,
    order_tickets_resend,
    position_attendee_change,
)
from core_apps.orders.services.stripe_events import (
    stripe_event_process,
    stripe_event_receive,
    stripe_event_store,
)
from core_apps.orders.services.transfer import position_transfer
from core_apps.orders.services.waitlist import (
    waitlist_claim,
    waitlist_decline,
    waitlist_entry_offer,
    waitlist_entry_remove,
    waitlist_join,
    waitlist_offer_next,
    waitlist_offers_expire,
)

__all__ = [
    "HOLD_MINUTES_DEFAULT",
    "AddonWithoutTicket",
    "AttendeeIn",
    "CheckInRefused",
    "CheckInResult",
    "CheckoutResult",
    "ClaimExpired",
    "CurrencyMismatch",
    "HoldExpired",
    "InvalidAttendee",
    "InvalidCheckinList",
    "InvalidEventDate",
    "InvalidPromoCode",
    "InvalidProvider",
    "InvalidQuantity",
    "LineIn",
    "LinkExpired",
    "NotOnSale",
    "OrderStateConflict",
    "PaymentDeclined",
    "PriceMismatch",
    "ProductUnavailable",
    "PromoCodeIn",
    "PromoInvalid",
    "SelfCancelRefused",
    "checkin_list_create",
    "checkin_list_default",
    "checkin_list_update",
    "checkin_lists_per_date_create",
    "checkin_undo",
    "invoice_create",
    "invoice_for_signed_link",
    "invoice_link_signature",
    "membership_period",
    "order_cancel",
    "order_checkout",
    "order_deadline_extend",
    "order_expire",
    "order_log",
    "order_mark_paid",
    "order_paid_process",
    "order_pay_simulated",
    "order_refund",
    "order_self_cancel",
    "order_staff_cancel",
    "order_staff_mark_paid",
    "order_staff_refund",
    "order_stripe_confirm",
    "order_stripe_start",
    "order_tickets_resend",
    "orders_expire_due",
    "orders_refund_for_date",
    "orders_refund_for_event",
    "orders_refund_for_products",
    "orders_remind_unpaid",
    "partner_claim",
    "partner_claim_link",
    "partner_claim_position",
    "partner_claims_send",
    "payment_settings_account_set",
    "payment_settings_update",
    "position_attendee_change",
    "position_check_in",
    "position_for_scan",
    "position_transfer",
    "promo_code_create",
    "promo_code_set_active",
    "promo_code_update",
    "stripe_event_process",
    "stripe_event_receive",
    "stripe_event_store",
    "waitlist_claim",
    "waitlist_decline",
    "waitlist_entry_offer",
    "waitlist_entry_remove",
    "waitlist_join",
    "waitlist_offer_next",
    "waitlist_offers_expire",
]
