"""Cancellations and refunds: buyer or staff cancellation, organizer refunds
(full or partial) with credit notes, automatic refunds of cancelled dates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F

from core_apps.orders.models import Invoice, Order, Position
from core_apps.orders.services.common import order_log
from core_apps.orders.services.errors import OrderStateConflict
from core_apps.orders.services.holds import _order_close, _places_freed, _positions_release
from core_apps.orders.services.invoicing import invoice_create
from core_apps.ticketing.models import Product
from pista.errors import ApplicationError, PermissionDenied

if TYPE_CHECKING:
    from core_apps.accounts.models import User


def order_cancel(*, order: Order, actor: User | None, reason: str = "") -> Order:
    """Cancel a pending order (buyer or staff) or a free one; places go back.
    Paid orders are refunded instead. Raises OrderStateConflict."""
    ok = _order_close(
        order,
        status=Order.Status.CANCELLED,
        from_statuses=[Order.Status.PENDING]
        + ([Order.Status.PAID] if order.total_minor == 0 else []),
        action="order.cancelled",
        actor=actor,
        reason=reason,
    )
    if not ok:
        raise OrderStateConflict(
            f"A {order.get_status_display().lower()} order can't be cancelled."
        )
    return order


def order_refund(*, order: Order, actor: User | None, amount_minor: int | None = None) -> Order:
    """Refund a paid order fully (places go back) or partly (places stay);
    a credit note is issued. Raises PermissionDenied, OrderStateConflict,
    ApplicationError(code="invalid_amount")."""
    if actor is not None and not actor.has_perm("orders.change_order"):
        raise PermissionDenied("You may not refund orders.")
    amount = order.total_minor - order.refunded_minor if amount_minor is None else int(amount_minor)
    if amount <= 0 or amount > order.total_minor - order.refunded_minor:
        raise ApplicationError(
            "Refund between 1 and what is left to refund.", code="invalid_amount"
        )
    with transaction.atomic():
        updated = Order.objects.filter(
            pk=order.pk,
            status__in=[Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED],
            refunded_minor__lte=order.total_minor - amount,
        ).update(
            refunded_minor=F("refunded_minor") + amount, status=Order.Status.PARTIALLY_REFUNDED
        )
        if not updated:
            raise OrderStateConflict("This order can't be refunded (anymore).")
        order.refresh_from_db()
        order_log(order=order, action="order.refunded", actor=actor, amount_minor=amount)
        invoice_create(order=order, kind=Invoice.Kind.CREDIT_NOTE, total_minor=-amount)
        if order.refunded_minor == order.total_minor:
            _order_close(
                order,
                status=Order.Status.REFUNDED,
                from_statuses=[Order.Status.PARTIALLY_REFUNDED],
                action="order.places_released",
                actor=actor,
            )
    order.refresh_from_db()
    return order


def orders_refund_for_products(*, product_ids: set[int], reason: str) -> int:
    """A cancelled date or event: refund every paid ticket of these products to
    the original payment (credit notes included) and cancel pending orders.
    Orders with other tickets too are refunded for the affected ones only.
    Idempotent: refunded tickets are skipped. Returns the orders touched."""
    touched = 0
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
            order_refund(order=order, actor=None)
        else:
            amount = min(
                sum(p.price_minor for p in affected), order.total_minor - order.refunded_minor
            )
            with transaction.atomic():
                if amount > 0:
                    order_refund(order=order, actor=None, amount_minor=amount)
                freed = _positions_release(affected)
                Position.objects.filter(pk__in=[p.pk for p in affected]).update(
                    status=Position.Status.REFUNDED
                )
                order_log(order=order, action="positions.refunded", reason=reason)
                _places_freed(freed)
        touched += 1
    return touched


def orders_refund_for_event(*, event_id: int) -> int:
    """The event was cancelled: refund every ticket sold on it."""
    ids = set(Product.objects.filter(event_id=event_id).values_list("pk", flat=True))
    return orders_refund_for_products(product_ids=ids, reason="event_cancelled")


def orders_refund_for_date(*, event_date_id: int) -> int:
    """One date was cancelled: refund tickets that were only for cancelled dates
    (a product covering this date and no date still on; the event's own
    products when none of its dates is still on)."""
    from core_apps.events.models import EventDate

    date = EventDate.objects.select_related("event").filter(pk=event_date_id).first()
    if date is None:
        return 0
    cancelled = EventDate.Status.CANCELLED
    ids = {
        p.pk
        for p in Product.objects.filter(covers_dates=date).prefetch_related("covers_dates")
        if all(d.status == cancelled for d in p.covers_dates.all())
    }
    if not date.event.dates.exclude(status=cancelled).exists():
        ids |= set(Product.objects.filter(event=date.event).values_list("pk", flat=True))
    return orders_refund_for_products(product_ids=ids, reason="date_cancelled") if ids else 0
