"""Cancellations and refunds: buyer or staff cancellation, organizer refunds
(full or partial) and buyer self-cancellation within the product's policy, both
to the original payment with credit notes, automatic refunds of cancelled dates.

A refund first *reserves* its amount on the order (a conditional ``UPDATE`` on
``refunded_minor``, so concurrent refunds never exceed what was paid) and
records a pending :class:`Refund`; then it is sent to the payment provider
outside any transaction (Stripe: the order's PaymentIntent, idempotency key
``pista-<schema>-<order>-refund-<refund id>``); then the outcome is written: a
credit note and the new state, or, when the provider refused, the reservation
is given back and the order is exactly as before.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from core_apps.orders.models import Invoice, Order, Position, Refund
from core_apps.orders.services.common import order_log, stripe_account_current
from core_apps.orders.services.errors import OrderStateConflict
from core_apps.orders.services.holds import order_close, places_freed, positions_release
from core_apps.orders.services.invoicing import invoice_create
from core_apps.privacy.services import audit_record
from core_apps.ticketing.selectors import product_ids_for_event, product_ids_void_for_date
from pista.domain_events import domain_event_emit
from pista.errors import ApplicationError, PermissionDenied
from pista.formats import money_format
from pista.tenancy import current_schema

if TYPE_CHECKING:
    from core_apps.accounts.models import User

logger = logging.getLogger(__name__)


class SelfCancelRefused(ApplicationError):
    default_code = "cancel_not_allowed"
    status_code = 409


def order_cancel(*, order: Order, actor: User | None, reason: str = "") -> Order:
    """Cancel a pending order (buyer or staff) or a free one; places go back.
    Paid orders are refunded instead. Raises OrderStateConflict."""
    ok = order_close(
        order=order,
        status=Order.Status.CANCELLED,
        from_statuses=[Order.Status.PENDING]
        + ([Order.Status.PAID] if order.total_minor == 0 else []),
        action="order.cancelled",
        actor=actor,
        reason=reason,
    )
    if not ok:
        raise OrderStateConflict(
            _("A %(status)s order can't be cancelled.")
            % {"status": order.get_status_display().lower()}
        )
    audit_record(
        "order.cancel", actor=actor, target=order, data={"reason": reason, "refund_minor": 0}
    )
    return order


def refund_idempotency_key(*, order: Order, refund: Refund) -> str:
    """Stripe's idempotency key of one refund: a retry of the same refund can
    never pay back twice, while a second refund of the same order is new."""
    return f"pista-{current_schema()}-{order.code}-refund-{refund.pk}"


def _refund_money(order: Order, *, amount: int, actor: User | None, reason: str) -> Refund:
    """Give ``amount`` back to the original payment, with a credit note; the
    order becomes partially refunded (callers close it when that's all).
    Raises OrderStateConflict, stripe_gateway.RefundFailed (nothing changed)."""
    from core_apps.orders import stripe_gateway

    card = order.provider == Order.Provider.STRIPE and bool(order.payment_intent_id)
    with transaction.atomic():
        reserved = Order.objects.filter(
            pk=order.pk,
            status__in=[Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED],
            refunded_minor__lte=F("total_minor") - amount,
        ).update(refunded_minor=F("refunded_minor") + amount)
        if not reserved:
            raise OrderStateConflict(_("This order can't be refunded (anymore)."))
        refund = Refund.objects.create(
            order=order,
            amount_minor=amount,
            reason=reason[:64],  # a staff member's full reason is in the log and audit
            provider=order.provider,
            actor=actor,
            status=Refund.Status.PENDING if card else Refund.Status.SUCCEEDED,
        )
    if card:
        try:
            result = stripe_gateway.refund_create(
                intent_id=order.payment_intent_id,
                amount_minor=amount,
                account_id=stripe_account_current(),
                idempotency_key=refund_idempotency_key(order=order, refund=refund),
                metadata={"order": order.code, "refund": str(refund.pk)},
            )
        except stripe_gateway.RefundFailed as exc:
            with transaction.atomic():
                Order.objects.filter(pk=order.pk).update(
                    refunded_minor=F("refunded_minor") - amount
                )
                Refund.objects.filter(pk=refund.pk).update(
                    status=Refund.Status.FAILED, error=exc.message[:2000]
                )
                order_log(
                    order=order,
                    action="refund.failed",
                    actor=actor,
                    amount_minor=amount,
                    error=exc.message,
                )
                audit_record(
                    "order.refund_failed",
                    actor=actor,
                    target=order,
                    data={"amount_minor": amount, "reason": reason, "error": exc.message},
                )
            order.refresh_from_db()
            raise
        refund.status = Refund.Status.SUCCEEDED
        refund.provider_refund_id = result.id
    with transaction.atomic():
        if card:
            refund.save(update_fields=["status", "provider_refund_id"])
        Order.objects.filter(pk=order.pk, status=Order.Status.PAID).update(
            status=Order.Status.PARTIALLY_REFUNDED
        )
        order.refresh_from_db()
        order_log(
            order=order,
            action="order.refunded",
            actor=actor,
            amount_minor=amount,
            refund=refund.pk,
            provider_refund=refund.provider_refund_id,
            reason=reason,
        )
        invoice_create(order=order, kind=Invoice.Kind.CREDIT_NOTE, total_minor=-amount)
        audit_record(
            "order.refund",
            actor=actor,
            target=order,
            data={
                "amount_minor": amount,
                "reason": reason,
                "provider": order.provider,
                "provider_refund": refund.provider_refund_id,
            },
        )
    refund_notify(order=order, refund=refund)
    return refund


def refund_notify(*, order: Order, refund: Refund) -> None:
    """Tell the buyer about a refund, through the outbox, once the caller's
    transaction commits."""
    from core_apps.orders.tasks import order_refund_send_task
    from pista.tasks import task_enqueue_on_commit

    with transaction.atomic():
        task_enqueue_on_commit(order_refund_send_task, refund_id=refund.pk)


def order_refund(
    *,
    order: Order,
    actor: User | None,
    amount_minor: int | None = None,
    reason: str = "organizer",
) -> Order:
    """Refund a paid order fully (places go back) or partly (places stay) to
    the original payment; a credit note is issued. Raises PermissionDenied,
    OrderStateConflict, ApplicationError(code="invalid_amount"),
    stripe_gateway.RefundFailed (code ``refund_failed``: the order is unchanged)."""
    if actor is not None and not actor.has_perm("orders.change_order"):
        raise PermissionDenied(_("You may not refund orders."))
    amount = order.total_minor - order.refunded_minor if amount_minor is None else int(amount_minor)
    left = order.total_minor - order.refunded_minor
    if amount <= 0 or amount > left:
        raise ApplicationError(
            _("A refund must be more than zero and at most what is left to refund (%(left)s).")
            % {"left": money_format(left, order.currency)},
            code="invalid_amount",
            extra={"left_minor": left},
        )
    _refund_money(order, amount=amount, actor=actor, reason=reason)
    if order.refunded_minor == order.total_minor:
        order_close(
            order=order,
            status=Order.Status.REFUNDED,
            from_statuses=[Order.Status.PARTIALLY_REFUNDED],
            action="order.places_released",
            actor=actor,
        )
    order.refresh_from_db()
    domain_event_emit(
        "order.refunded",
        order=order.code,
        amount_minor=amount,
        refunded_minor=order.refunded_minor,
        currency=order.currency,
    )
    return order


def order_self_cancel(*, order: Order, actor: User | None = None) -> Order:
    """The buyer cancels a paid order within the products' policy window: the
    policy's share goes back to the original payment (credit note), the places
    are released and offered to the waitlist. Raises SelfCancelRefused
    (``cancel_not_allowed`` / ``cancel_window_closed`` / ``cancel_used`` /
    ``order_state``), stripe_gateway.RefundFailed (nothing changed)."""
    from core_apps.orders.selectors import order_self_cancel_terms

    terms = order_self_cancel_terms(order=order)
    if not terms.allowed:
        messages = {
            "cancel_window_closed": _("The cancellation period for this order has ended."),
            "cancel_used": _("A ticket of this order was already used."),
            "order_state": _("A %(status)s order can't be cancelled.")
            % {"status": order.get_status_display().lower()},
        }
        raise SelfCancelRefused(
            messages.get(terms.reason, _("These tickets can't be cancelled by the buyer.")),
            code=terms.reason,
            extra={"deadline": terms.deadline.isoformat() if terms.deadline else None},
        )
    if terms.refund_minor > 0:
        _refund_money(order, amount=terms.refund_minor, actor=actor, reason="buyer_cancelled")
    order.refresh_from_db()
    everything = order.total_minor > 0 and order.refunded_minor == order.total_minor
    ok = order_close(
        order=order,
        status=Order.Status.REFUNDED if everything else Order.Status.CANCELLED,
        from_statuses=[Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED],
        action="order.cancelled",
        actor=actor,
        reason="buyer",
        refund_minor=terms.refund_minor,
    )
    if not ok:
        raise OrderStateConflict(_("This order changed meanwhile: reload the page."))
    audit_record(
        "order.cancel",
        actor=actor,
        target=order,
        data={"reason": "buyer", "refund_minor": terms.refund_minor},
    )
    return order


def orders_refund_for_products(*, product_ids: set[int], reason: str) -> int:
    """A cancelled date or event: refund every paid ticket of these products to
    the original payment (credit notes included) and cancel pending orders.
    Orders with other tickets too are refunded for the affected ones only.
    Idempotent: refunded tickets are skipped, and a refund the provider refused
    is logged on its order and retried by the next run. Returns the orders touched."""
    from core_apps.orders import stripe_gateway

    touched = failed = 0
    orders = (
        Order.objects.filter(
            positions__product_id__in=product_ids, positions__status=Position.Status.VALID
        )
        .distinct()
        .order_by("pk")
    )
    for order in orders:
        affected = list(
            order.positions.filter(product_id__in=product_ids, status=Position.Status.VALID)
        )
        every = not order.positions.filter(status=Position.Status.VALID).exclude(
            pk__in=[p.pk for p in affected]
        )
        if order.status == Order.Status.PENDING:
            order_cancel(order=order, actor=None, reason=reason)
        elif every and order.status == Order.Status.PAID:
            try:
                order_refund(order=order, actor=None, reason=reason)
            except stripe_gateway.RefundFailed:
                failed += 1  # logged on the order; a rerun retries it
                continue
        else:
            amount = min(
                sum(p.price_minor for p in affected), order.total_minor - order.refunded_minor
            )
            if amount > 0:
                try:
                    order_refund(order=order, actor=None, amount_minor=amount, reason=reason)
                except stripe_gateway.RefundFailed:
                    failed += 1
                    continue
            with transaction.atomic():
                # A refund of all that was left closed the order: those are released.
                still = list(
                    Position.objects.filter(
                        pk__in=[p.pk for p in affected], status=Position.Status.VALID
                    )
                )
                freed = positions_release(positions=still)
                Position.objects.filter(pk__in=[p.pk for p in still]).update(
                    status=Position.Status.REFUNDED
                )
                order_log(order=order, action="positions.refunded", reason=reason)
                places_freed(product_ids=freed)
        touched += 1
    if failed:
        logger.warning("%s refunds failed for products %s (%s)", failed, product_ids, reason)
    return touched


def orders_refund_for_event(*, event_id: int) -> int:
    """The event was cancelled: refund every ticket sold on it."""
    ids = product_ids_for_event(event_id=event_id)
    return orders_refund_for_products(product_ids=ids, reason="event_cancelled")


def orders_refund_for_date(*, event_date_id: int) -> int:
    """One date was cancelled: refund tickets that were only for cancelled dates
    (a product covering this date and no date still on; the event's own
    products when none of its dates is still on)."""
    ids = product_ids_void_for_date(event_date_id=event_date_id)
    return orders_refund_for_products(product_ids=ids, reason="date_cancelled") if ids else 0
