"""Holds: a pending order *is* the cart hold. Expiry (beat task and lazy
checks), giving places back, closing an order, reminders for unpaid manual orders."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core_apps.orders.models import (
    Order,
    Position,
)
from core_apps.orders.services.common import order_log, payment_reminder_days
from core_apps.ticketing.balance import DanceRole
from core_apps.ticketing.services import (
    products_sold_subtract,
    quotas_release,
)

if TYPE_CHECKING:
    from core_apps.accounts.models import User


def positions_release(*, positions: Sequence[Position]) -> set[int]:
    """Give the places of ``positions`` back to their quotas (role counters
    included) and take them off their products' sold counts, inside the
    caller's transaction; return the products concerned. The positions' own
    status is the caller's to change."""
    products: Counter[int] = Counter()
    # Totals per quota, released in one pass in pk order: quota rows are always
    # locked in the same global order, whatever mix of quotas the tickets use.
    places: Counter[int] = Counter()
    leads: Counter[int] = Counter()
    follows: Counter[int] = Counter()
    for position in positions:
        for quota_id in set(position.quota_ids or []):
            places[quota_id] += 1
            leads[quota_id] += position.role_admitted == DanceRole.LEAD
            follows[quota_id] += position.role_admitted == DanceRole.FOLLOW
        products[position.product_id] += 1
    for quota_id in sorted(places):
        quotas_release(
            quota_ids_with_counts={quota_id: places[quota_id]},
            leads=leads[quota_id],
            follows=follows[quota_id],
        )
    products_sold_subtract(product_ids_with_counts=products)
    return set(products)


def places_freed(*, product_ids: set[int]) -> None:
    """Offer the freed places of these products to their waitlists, after the
    caller's transaction commits (through the outbox)."""
    from core_apps.orders.tasks import waitlist_offer_task
    from pista.tasks import task_enqueue_on_commit

    for pid in sorted(product_ids):
        task_enqueue_on_commit(waitlist_offer_task, product_id=pid)


def order_close(
    *,
    order: Order,
    status: str,
    from_statuses: Sequence[str],
    action: str,
    actor: User | None,
    extra_filter: Q | None = None,
    **data: Any,
) -> bool:
    """Move an order from one of ``from_statuses`` to ``status`` (cancelled,
    expired, refunded) once, even against concurrent closes: its valid tickets
    end and their places go back, an ``action`` entry carrying ``data`` is
    logged, and the waitlists are told. Returns whether this call closed it;
    False when the order was not in ``from_statuses`` (or failed
    ``extra_filter``)."""
    with transaction.atomic():
        query = Order.objects.filter(pk=order.pk, status__in=from_statuses)
        if extra_filter is not None:
            query = query.filter(extra_filter)
        if not query.update(status=status):
            return False
        positions = list(order.positions.filter(status=Position.Status.VALID))
        freed = positions_release(positions=positions)
        Position.objects.filter(pk__in=[p.pk for p in positions]).update(
            status=Position.Status.REFUNDED
            if status == Order.Status.REFUNDED
            else Position.Status.CANCELLED
        )
        order_log(order=order, action=action, actor=actor, **data)
        places_freed(product_ids=freed)
    order.refresh_from_db()
    return True


def order_expire(*, order: Order) -> bool:
    """Expire a pending order whose hold has lapsed; its places go back.
    Returns whether this call expired it (a lapsed hold is expired once)."""
    return order_close(
        order=order,
        status=Order.Status.EXPIRED,
        from_statuses=[Order.Status.PENDING],
        action="order.expired",
        actor=None,
        extra_filter=Q(expires_at__lte=timezone.now()),
    )


def orders_expire_due(*, now: datetime | None = None) -> int:
    """Expire every lapsed hold in the current community (the beat task)."""
    now = now or timezone.now()
    count = 0
    for order in Order.objects.filter(status=Order.Status.PENDING, expires_at__lte=now):
        count += order_expire(order=order)
    return count


def orders_remind_unpaid(*, now: datetime | None = None) -> int:
    """Remind buyers of manual (bank transfer) orders once, the community's
    reminder days (default one) before the order expires. Returns the reminders sent."""
    from core_apps.orders.mail import order_payment_reminder_send

    now = now or timezone.now()
    due = (
        Order.objects.filter(
            status=Order.Status.PENDING,
            provider=Order.Provider.MANUAL,
            expires_at__gt=now,
            expires_at__lte=now + timedelta(days=payment_reminder_days()),
        )
        .exclude(log__action="reminder.sent")
        .order_by("pk")
    )
    sent = 0
    for order in due:
        with transaction.atomic():
            order_log(order=order, action="reminder.sent")
        order_payment_reminder_send(order=order)
        sent += 1
    return sent
