"""Card payments through Stripe (``stripe_gateway`` is the only module that
talks to Stripe): PaymentIntents, the buyer's return, webhook events."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core_apps.orders.models import (
    Order,
)
from core_apps.orders.services.common import _stripe_account, order_log
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
            account_id=_stripe_account(),
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


def _stripe_intent_settle(
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
        raise InvalidProvider("This order isn't paid by card.")
    if order.status != Order.Status.PENDING:
        return order
    intent = stripe_gateway.payment_intent_retrieve(
        intent_id=order.payment_intent_id, account_id=_stripe_account()
    )
    _stripe_intent_settle(
        order,
        status=intent.status,
        amount=intent.amount,
        currency=intent.currency,
        source="redirect",
    )
    order.refresh_from_db()
    return order


def stripe_event_receive(*, payload: bytes, signature: str) -> tuple[str, bool]:
    """Verify and store a webhook event raw; queue its processing once.
    Returns (event id, whether it was new). Raises WebhookInvalid."""
    import json

    from core_apps.orders import stripe_gateway
    from core_apps.orders.models import StripeEvent
    from core_apps.orders.tasks import stripe_event_process_task
    from pista.tasks import task_enqueue_on_commit

    event = stripe_gateway.webhook_event_construct(payload=payload, signature=signature)
    event_id = str(event.get("id") or "")
    if not event_id:
        raise stripe_gateway.WebhookInvalid("An event without an id.")
    with transaction.atomic():
        row, created = StripeEvent.objects.get_or_create(
            event_id=event_id,
            defaults={"type": str(event.get("type", "")), "payload": payload.decode("utf-8")},
        )
        if created:
            task_enqueue_on_commit(stripe_event_process_task, event_pk=row.pk)
    json.loads(payload)  # already parsed by the gateway; kept raw above
    return event_id, created


def stripe_event_process(*, event_pk: int) -> str:
    """Apply one stored event, once (the row lock and ``processed_at`` make a
    second delivery of the task a no-op). Events may come in any order."""
    import json

    from core_apps.orders.models import StripeEvent

    with transaction.atomic():
        row = StripeEvent.objects.select_for_update().filter(pk=event_pk).first()
        if row is None or row.processed_at is not None:
            return "skipped"
        event = json.loads(row.payload)
        obj = (event.get("data") or {}).get("object") or {}
        result = "ignored"
        if row.type.startswith("payment_intent."):
            order = Order.objects.filter(payment_intent_id=obj.get("id", "")).first()
            if order is None:
                code = (obj.get("metadata") or {}).get("order", "")
                order = Order.objects.filter(code=code, payment_intent_id=obj.get("id", "")).first()
            if order is None:
                result = "no order"
            elif row.type == "payment_intent.succeeded":
                _stripe_intent_settle(
                    order,
                    status=str(obj.get("status", "")),
                    amount=int(obj.get("amount", -1)),
                    currency=str(obj.get("currency", "")),
                    source="webhook",
                )
                result = "settled"
            else:
                order_log(order=order, action=f"stripe.{row.type}", event=row.event_id)
                result = "logged"
        row.processed_at = timezone.now()
        row.result = result
        row.save(update_fields=["processed_at", "result"])
    return result
