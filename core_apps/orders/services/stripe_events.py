"""Stripe's webhook events: verified, stored raw, processed once from the row.

``stripe_event_receive`` stores the event and records its processing in the
outbox in the same transaction, so a broker outage or a killed worker never
loses it; Stripe's retry of an event that is stored but not yet processed
nudges the pending delivery instead of being ignored. ``stripe_event_process``
applies the stored event under a row lock, once. Events may arrive in any order:
a refund or dispute on an order whose payment event is still on its way settles
the payment first.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core_apps.orders.models import Invoice, Order, Refund, StripeEvent
from core_apps.orders.services.card import stripe_intent_settle
from core_apps.orders.services.common import order_log
from core_apps.orders.services.holds import order_close
from core_apps.orders.services.invoicing import invoice_create
from core_apps.orders.services.refunds import refund_notify
from core_apps.privacy.services import audit_record
from pista.metrics import webhook_lag_observe

DISPUTE_OUTCOMES = {"won", "lost", "warning_closed"}


def _dedupe_key(event_id: str) -> str:
    return f"stripe-event:{event_id}"


def stripe_event_receive(*, payload: bytes, signature: str) -> tuple[str, bool]:
    """Verify and store a webhook event raw; record its processing in the outbox.
    Returns (event id, whether it was new). Raises WebhookInvalid."""
    from core_apps.orders import stripe_gateway

    event = stripe_gateway.webhook_event_construct(payload=payload, signature=signature)
    return stripe_event_store(event=event, payload=payload)


def stripe_event_store(*, event: dict[str, Any], payload: bytes) -> tuple[str, bool]:
    """Store a verified event raw in the current community's schema and record
    its processing in the outbox, once per event id. The platform endpoint
    (``billing``) calls this for connected accounts' events it routed here.
    Returns (event id, whether it was new). Raises WebhookInvalid."""
    from core_apps.orders import stripe_gateway
    from core_apps.orders.tasks import stripe_event_process_task
    from pista.outbox.services import outbox_redrive
    from pista.tasks import task_enqueue_on_commit

    event_id = str(event.get("id") or "")
    if not event_id:
        raise stripe_gateway.WebhookInvalid("An event without an id.")
    webhook_lag_observe(source="stripe", created=event.get("created"))
    with transaction.atomic():
        row, created = StripeEvent.objects.get_or_create(
            event_id=event_id,
            defaults={"type": str(event.get("type", "")), "payload": payload.decode("utf-8")},
        )
        if created:
            task_enqueue_on_commit(
                stripe_event_process_task, dedupe_key=_dedupe_key(event_id), event_pk=row.pk
            )
    if not created and row.processed_at is None:
        # Stripe retries what we have not processed yet: hand it over again.
        outbox_redrive(dedupe_key=_dedupe_key(event_id))
    return event_id, created


def _order_for(obj: dict[str, Any]) -> Order | None:
    """The order a PaymentIntent, charge, refund or dispute object is about."""
    intent_id = obj.get("id", "") if obj.get("object") == "payment_intent" else ""
    intent_id = intent_id or str(obj.get("payment_intent") or "")
    if not intent_id:
        return None
    return Order.objects.filter(payment_intent_id=intent_id).first()


def _charge_settle_first(order: Order, charge: dict[str, Any]) -> None:
    """A charge event for an order still pending: its payment event is late."""
    if order.status == Order.Status.PENDING and charge.get("paid"):
        stripe_intent_settle(
            order,
            status="succeeded",
            amount=int(charge.get("amount", -1)),
            currency=str(charge.get("currency", "")),
            source="webhook",
        )
        order.refresh_from_db()


def _charge_refunded(order: Order, charge: dict[str, Any], *, event_id: str) -> str:
    """Money given back in Stripe (its dashboard, or our own refund's echo).
    Our refunds reserve ``refunded_minor`` before calling Stripe, so only what
    Stripe refunded beyond it is new: recorded as a refund with a credit note;
    an order refunded entirely gives its places back."""
    _charge_settle_first(order, charge)
    new_minor = int(charge.get("amount_refunded", 0)) - order.refunded_minor
    if new_minor <= 0:
        return "known refund"
    reserved = Order.objects.filter(
        pk=order.pk,
        status__in=[Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED],
        refunded_minor__lte=F("total_minor") - new_minor,
    ).update(refunded_minor=F("refunded_minor") + new_minor, status=Order.Status.PARTIALLY_REFUNDED)
    if not reserved:
        order_log(order=order, action="stripe.refund_unmatched", event=event_id, amount=new_minor)
        audit_record("order.refund_unmatched", actor=None, target=order, data={"event": event_id})
        return "refund unmatched"
    refunds = (charge.get("refunds") or {}).get("data") or []
    refund = Refund.objects.create(
        order=order,
        amount_minor=new_minor,
        reason="stripe",
        provider=Order.Provider.STRIPE,
        provider_refund_id=str(refunds[0].get("id", "")) if refunds else "",
        status=Refund.Status.SUCCEEDED,
    )
    order.refresh_from_db()
    order_log(order=order, action="order.refunded", amount_minor=new_minor, source="stripe")
    invoice_create(order=order, kind=Invoice.Kind.CREDIT_NOTE, total_minor=-new_minor)
    audit_record(
        "order.refund",
        actor=None,
        target=order,
        data={"amount_minor": new_minor, "reason": "stripe", "event": event_id},
    )
    refund_notify(order=order, refund=refund)
    if order.refunded_minor == order.total_minor:
        order_close(
            order=order,
            status=Order.Status.REFUNDED,
            from_statuses=[Order.Status.PARTIALLY_REFUNDED],
            action="order.places_released",
            actor=None,
        )
    return "refund recorded"


def _refund_updated(order: Order, obj: dict[str, Any], *, event_id: str) -> str:
    """A refund that later failed or was cancelled at Stripe: flagged for staff
    (the money did not go back; the tickets stay as they are)."""
    status = str(obj.get("status", ""))
    refund = Refund.objects.filter(order=order, provider_refund_id=str(obj.get("id", ""))).first()
    if refund is None or status not in ("failed", "canceled"):
        return "logged"
    Refund.objects.filter(pk=refund.pk).update(
        status=Refund.Status.FAILED, error=f"Stripe: {status}"
    )
    order_log(order=order, action="refund.failed", refund=refund.pk, event=event_id)
    audit_record(
        "order.refund_failed",
        actor=None,
        target=order,
        data={"refund": refund.pk, "stripe_status": status, "event": event_id},
    )
    return "refund failed"


def _dispute(order: Order, obj: dict[str, Any], *, event_type: str, event_id: str) -> str:
    """A chargeback: the order is flagged for staff while it is open; a lost
    dispute invalidates its tickets at the door. A late ``created`` never
    reopens a dispute that already closed."""
    if event_type == "charge.dispute.created":
        Order.objects.filter(pk=order.pk, dispute_status="").update(dispute_status="open")
        action = "order.dispute_opened"
    else:
        outcome = str(obj.get("status", ""))
        Order.objects.filter(pk=order.pk).update(
            dispute_status=outcome if outcome in DISPUTE_OUTCOMES else "closed"
        )
        action = "order.dispute_closed"
    data: dict[str, Any] = {
        "dispute": str(obj.get("id", "")),
        "amount_minor": int(obj.get("amount", 0)),
        "reason": str(obj.get("reason", "")),
        "status": str(obj.get("status", "")),
        "event": event_id,
    }
    order_log(order=order, action=action, actor=None, **data)
    audit_record(action, actor=None, target=order, data=data)
    return action


def stripe_event_process(*, event_pk: int) -> str:
    """Apply one stored event, once (the row lock and ``processed_at`` make a
    second delivery a no-op). Returns what was done."""
    with transaction.atomic():
        row = StripeEvent.objects.select_for_update().filter(pk=event_pk).first()
        if row is None or row.processed_at is not None:
            return "skipped"
        event = json.loads(row.payload)
        obj = (event.get("data") or {}).get("object") or {}
        order = _order_for(obj)
        if order is None:
            about_orders = row.type.startswith(("payment_intent.", "charge."))
            result = "no order" if about_orders else "ignored"
        elif row.type == "payment_intent.succeeded":
            stripe_intent_settle(
                order,
                status=str(obj.get("status", "")),
                amount=int(obj.get("amount", -1)),
                currency=str(obj.get("currency", "")),
                source="webhook",
            )
            result = "settled"
        elif row.type == "charge.refunded":
            result = _charge_refunded(order, obj, event_id=row.event_id)
        elif row.type == "charge.refund.updated":
            result = _refund_updated(order, obj, event_id=row.event_id)
        elif row.type in ("charge.dispute.created", "charge.dispute.closed"):
            result = _dispute(order, obj, event_type=row.type, event_id=row.event_id)
        else:
            order_log(order=order, action=f"stripe.{row.type}", event=row.event_id)
            result = "logged"
        row.processed_at = timezone.now()
        row.result = result
        row.save(update_fields=["processed_at", "result"])
    return result
