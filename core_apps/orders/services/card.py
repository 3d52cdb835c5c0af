"""Card payments through Stripe (``stripe_gateway`` is the only module that
talks to Stripe): PaymentIntents and the buyer's return (webhook events are
``stripe_events``)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core_apps.orders.models import (
    Order,
)
from core_apps.orders.services.common import order_log, stripe_account_current
from core_apps.orders.services.errors import HoldExpired, InvalidProvider, OrderStateConflict
from core_apps.orders.services.payments import order_mark_paid
from core_apps.orders.services.refunds import order_cancel
from pista.tenancy import current_schema


def order_stripe_start(*, order: Order) -> str:
    """Create the order's PaymentIntent (idempotent per order); return its
    client secret. On failure the order is cancelled and its places released.
    Raises PaymentUnavailable."""
    from core_apps.orders import stripe_gateway

    try:
        intent = stripe_gateway.payment_intent_create(
            amount_minor=order.total_minor,
            currency=order.currency,
            account_id=stripe_account_current(),
            idempotency_key=f"pista-{current_schema()}-{order.code}-intent",
            metadata={"order": order.code, "community": current_schema()},
        )
    except stripe_gateway.PaymentUnavailable:
        order_cancel(order=order, actor=None, reason="payment_unavailable")
        raise
    with transaction.atomic():
        Order.objects.filter(pk=order.pk).update(payment_intent_id=intent.id)
        order.payment_intent_id = intent.id
        order_log(order=order, action="payment.started", provider="stripe", intent=intent.id)
    return intent.client_secret


def stripe_intent_settle(
    order: Order, *, status: str, amount: int, currency: str, source: str
) -> None:
    if status != "succeeded":
        return
    if amount != order.total_minor or currency.upper() != order.currency:
        with transaction.atomic():
            order_log(order=order, action="payment.amount_mismatch", amount=amount, source=source)
        return
    try:
        order_mark_paid(
            order=order,
            actor=None,
            provider="stripe",
            reference=order.payment_intent_id,
            allow_lapsed_hold=True,
        )
    except (HoldExpired, OrderStateConflict):
        # Money arrived for an order that already gave its places back: staff
        # refund it (logged so the order page and back office show it).
        with transaction.atomic():
            order_log(order=order, action="payment.after_close", source=source)


def order_stripe_confirm(*, order: Order) -> Order:
    """The buyer's return from the card page: ask Stripe, mark paid if the
    intent succeeded. Safe whether the webhook came first or not."""
    from core_apps.orders import stripe_gateway

    if order.provider != Order.Provider.STRIPE or not order.payment_intent_id:
        raise InvalidProvider(_("This order isn't paid by card."))
    if order.status != Order.Status.PENDING:
        return order
    intent = stripe_gateway.payment_intent_retrieve(
        intent_id=order.payment_intent_id, account_id=stripe_account_current()
    )
    stripe_intent_settle(
        order,
        status=intent.status,
        amount=intent.amount,
        currency=intent.currency,
        source="redirect",
    )
    order.refresh_from_db()
    return order
