"""Payment of an order, exactly once: staff mark-paid, the simulated card,
and what follows payment (invoice, tickets email)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core_apps.orders.models import (
    Invoice,
    Order,
    Position,
)
from core_apps.orders.services.common import order_log
from core_apps.orders.services.errors import (
    HoldExpired,
    InvalidProvider,
    OrderStateConflict,
    PaymentDeclined,
)
from core_apps.orders.services.holds import order_expire
from core_apps.orders.services.invoicing import invoice_create
from core_apps.privacy.services import audit_record
from pista.domain_events import domain_event_emit

if TYPE_CHECKING:
    from core_apps.accounts.models import User


def order_paid_effects(*, order: Order) -> None:
    """What follows payment (invoice, tickets email), recorded in the outbox in
    the caller's transaction, with the payment itself; once per order."""
    from core_apps.orders.tasks import order_paid_task
    from pista.tasks import task_enqueue_on_commit

    task_enqueue_on_commit(order_paid_task, dedupe_key=f"order-paid:{order.pk}", order_id=order.pk)
    domain_event_emit(
        "order.paid", order=order.code, total_minor=order.total_minor, currency=order.currency
    )


def order_mark_paid(
    *,
    order: Order,
    actor: User | None,
    provider: str,
    reference: str = "",
    amount_minor: int | None = None,
    allow_lapsed_hold: bool = False,
    reason: str = "",
) -> Order:
    """Confirm payment of a pending order, exactly once (a conditional UPDATE
    decides between concurrent confirmations and expiry). A payment after the
    hold has lapsed is refused for card payments; staff confirming a manual
    payment may still do so while the order is pending.

    Raises HoldExpired, OrderStateConflict, PaymentDeclined (wrong amount).
    Returns the order; a second confirmation of a paid order is a no-op.
    """
    now = timezone.now()
    if amount_minor is not None and amount_minor != order.total_minor:
        raise PaymentDeclined(_("The amount paid doesn't match the order."), code="amount_mismatch")
    with transaction.atomic():
        query = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING)
        if actor is None and not allow_lapsed_hold:
            query = query.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        updated = query.update(
            status=Order.Status.PAID,
            paid_at=now,
            payment_reference=reference or order.payment_reference,
        )
        if updated:
            order.refresh_from_db()
            order_log(
                order=order,
                action="order.paid",
                actor=actor,
                provider=provider,
                reference=reference,
                **({"reason": reason} if reason else {}),
            )
            audit_record(
                "order.mark_paid" if actor is not None else "order.paid",
                actor=actor,
                target=order,
                data={
                    "provider": provider,
                    "reference": reference,
                    "total_minor": order.total_minor,
                    **({"reason": reason} if reason else {}),
                },
            )
            order_paid_effects(order=order)
            return order
    # Not confirmed: already paid (a no-op), or the hold lapsed (expire it now,
    # in its own transaction, so the places go back even though we refuse).
    order.refresh_from_db()
    if order.status == Order.Status.PAID:
        return order
    if order.status == Order.Status.PENDING:
        order_expire(order=order)
        order.refresh_from_db()
    if order.status == Order.Status.EXPIRED:
        raise HoldExpired(_("Your reservation has expired: please order again."))
    raise OrderStateConflict(
        _("This order is %(status)s.") % {"status": order.get_status_display().lower()}
    )


def order_pay_simulated(*, order: Order, card_number: str) -> Order:
    """The development card: 4242… pays, 4000 0000 0000 0002 is declined.

    Raises InvalidProvider (not enabled), PaymentDeclined, HoldExpired."""
    if not settings.PISTA_SIMULATED_PAYMENTS:
        raise InvalidProvider(_("The simulated card is for development only."))
    digits = "".join(ch for ch in card_number if ch.isdigit())
    if digits == "4000000000000002" or len(digits) < 12:
        with transaction.atomic():
            order_log(order=order, action="payment.declined", provider="simulated")
        raise PaymentDeclined(_("The card was declined."))
    if order.provider != Order.Provider.SIMULATED:
        raise InvalidProvider(_("This order is paid another way."))
    return order_mark_paid(
        order=order, actor=None, provider="simulated", reference=f"sim-{digits[-4:]}"
    )


def order_paid_process(*, order_id: int) -> None:
    """After payment: the invoice (once), the tickets email and the partners'
    claim links. An order refunded before this ran (events arrive in any order)
    still gets its invoice; tickets go out while any is still valid."""
    order = Order.objects.filter(pk=order_id, paid_at__isnull=False).first()
    if order is None:
        return
    if order.total_minor > 0 and not order.invoices.filter(kind=Invoice.Kind.INVOICE).exists():
        with transaction.atomic():
            # Lock the order so two deliveries of the task issue one invoice.
            Order.objects.select_for_update().get(pk=order.pk)
            if not order.invoices.filter(kind=Invoice.Kind.INVOICE).exists():
                invoice_create(order=order)
    from core_apps.orders.mail import order_tickets_send
    from core_apps.orders.services.partners import partner_claims_send

    if order.positions.filter(status=Position.Status.VALID).exists():
        order_tickets_send(order=order)
        partner_claims_send(order=order)
