"""Background work on orders: thin tasks that load by id and call a service."""

from __future__ import annotations

from pista.celery import app
from pista.tasks import CommunityTask


@app.task(base=CommunityTask)
def order_paid_task(*, order_id: int) -> None:
    from core_apps.orders.services import order_paid_process

    order_paid_process(order_id=order_id)


@app.task(base=CommunityTask)
def waitlist_offer_task(*, product_id: int) -> None:
    from core_apps.orders.services import waitlist_offer_next

    waitlist_offer_next(product_id=product_id)


@app.task(base=CommunityTask)
def orders_expire_task() -> None:
    from core_apps.orders.services import (
        orders_expire_due,
        orders_remind_unpaid,
        waitlist_offers_expire,
    )

    orders_expire_due()
    waitlist_offers_expire()
    orders_remind_unpaid()


@app.task(base=CommunityTask)
def stripe_event_process_task(*, event_pk: int) -> None:
    """Queue ``webhooks``: apply one stored Stripe event, once."""
    from core_apps.orders.services import stripe_event_process

    stripe_event_process(event_pk=event_pk)


@app.task(base=CommunityTask)
def orders_refund_for_event_task(*, event_id: int) -> None:
    from core_apps.orders.services import orders_refund_for_event

    orders_refund_for_event(event_id=event_id)


@app.task(base=CommunityTask)
def orders_refund_for_date_task(*, event_date_id: int) -> None:
    from core_apps.orders.services import orders_refund_for_date

    orders_refund_for_date(event_date_id=event_date_id)


@app.task(base=CommunityTask)
def order_refund_send_task(*, refund_id: int) -> None:
    """Queue ``mail``: tell the buyer about a refund (credit note attached)."""
    from core_apps.orders.mail import order_refund_send
    from core_apps.orders.models import Refund

    refund = Refund.objects.select_related("order").filter(pk=refund_id).first()
    if refund is not None:
        order_refund_send(refund=refund)


@app.task(base=CommunityTask)
def order_tickets_resend_task(*, order_id: int, resend_id: int) -> None:
    from core_apps.orders.mail import order_tickets_resend

    order_tickets_resend(order_id=order_id, resend_id=resend_id)


@app.task(base=CommunityTask)
def order_transfer_instructions_task(*, order_id: int) -> None:
    """Queue ``mail``: tell a bank-transfer buyer where and by when to pay."""
    from core_apps.orders.mail import order_transfer_instructions_send
    from core_apps.orders.models import Order

    order = Order.objects.select_related("event").filter(pk=order_id).first()
    if order is not None and order.status == Order.Status.PENDING:
        order_transfer_instructions_send(order=order)
