"""Reads about orders: by magic link, for staff, attendee lists."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from core_apps.orders.models import Order, Position, WaitlistEntry
from core_apps.ticketing.models import Product
from pista.errors import NotFound

if TYPE_CHECKING:
    from core_apps.accounts.models import User


def payments_set_up() -> bool:
    """Whether the community can take card payments: a connected payment
    account is stored (an onboarding step)."""
    from core_apps.orders.models import PaymentSettings

    return PaymentSettings.objects.exclude(stripe_account_id="").exists()


def order_for_buyer(*, code: str, secret: str) -> Order:
    """The order behind a magic link. Raises NotFound (same answer for a wrong
    code and a wrong secret)."""
    order = Order.objects.filter(code=code).first()
    if order is None or not secrets.compare_digest(order.secret, secret or ""):
        raise NotFound("No such order.", code="order_unknown")
    return order


def order_for_staff(*, code: str, actor: User) -> Order:
    if not actor.has_perm("orders.view_order"):
        raise NotFound("No such order.", code="order_unknown")
    order = Order.objects.filter(code=code).first()
    if order is None:
        raise NotFound("No such order.", code="order_unknown")
    return order


def order_for_request(*, code: str, secret: str, actor: User | None) -> Order:
    """Staff see every order of their community; buyers need the magic link."""
    if actor is not None and actor.is_authenticated and actor.has_perm("orders.view_order"):
        return order_for_staff(code=code, actor=actor)
    return order_for_buyer(code=code, secret=secret)


def waitlist_entry_by_secret(*, secret: str) -> WaitlistEntry:
    entry = WaitlistEntry.objects.select_related("product").filter(secret=secret).first()
    if entry is None:
        raise NotFound("No such waitlist entry.", code="waitlist_unknown")
    return entry


def attendees_for_product(*, product_id: int) -> QuerySet[Position]:
    return (
        Position.objects.filter(product_id=product_id, status=Position.Status.VALID)
        .filter(order__status__in=[Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED])
        .select_related("order", "product")
        .order_by("attendee_name", "pk")
    )


def positions_search(*, query: str, limit: int = 20) -> list[Position]:
    """Manual check-in search: valid, paid tickets by attendee name, email or order code."""
    from django.db.models import Q

    return list(
        Position.objects.filter(status=Position.Status.VALID)
        .filter(order__status__in=[Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED])
        .filter(
            Q(attendee_name__icontains=query)
            | Q(attendee_email__icontains=query)
            | Q(order__code__iexact=query)
        )
        .select_related("order", "product")[:limit]
    )


@dataclass(frozen=True)
class SelfCancelTerms:
    """Whether the buyer may cancel a paid order now, what comes back, and until when."""

    allowed: bool
    refund_minor: int = 0
    deadline: datetime | None = None
    reason: str = ""  # the refusal's code when not allowed


def _product_starts_at(product: Product) -> datetime | None:
    dates = [d.starts_at for d in product.covers_dates.all()]
    if dates:
        return min(dates)
    return product.event.starts_at if product.event is not None else None


def order_self_cancel_terms(*, order: Order, now: datetime | None = None) -> SelfCancelTerms:
    """The product's policy applied to a paid order: every ticket's product must
    allow self-cancellation and the earliest deadline must not have passed. The
    refund is each ticket's price times the product's percentage, minus its fee
    (never below zero, never more than what is left to refund)."""
    now = now or timezone.now()
    if order.status not in (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED):
        return SelfCancelTerms(allowed=False, reason="order_state")
    positions = list(
        order.positions.filter(status=Position.Status.VALID)
        .select_related("product__event")
        .prefetch_related("product__covers_dates")
    )
    if not positions:
        return SelfCancelTerms(allowed=False, reason="order_state")
    if any(p.checked_in_at is not None for p in positions):
        return SelfCancelTerms(allowed=False, reason="cancel_used")
    deadlines: list[datetime] = []
    refund = 0
    for position in positions:
        product = position.product
        start = _product_starts_at(product)
        if product.cancel_days_before is None or start is None:
            return SelfCancelTerms(allowed=False, reason="cancel_not_allowed")
        deadlines.append(start - timedelta(days=product.cancel_days_before))
        share = position.price_minor * min(product.cancel_refund_percent, 100) // 100
        refund += max(0, share - product.cancel_fee_minor)
    deadline = min(deadlines)
    if now >= deadline:
        return SelfCancelTerms(allowed=False, deadline=deadline, reason="cancel_window_closed")
    refund = min(refund, order.total_minor - order.refunded_minor)
    return SelfCancelTerms(allowed=True, refund_minor=refund, deadline=deadline)


def orders_of_user(*, user: User) -> QuerySet[Order]:
    """Orders placed while signed in with this account, newest first."""
    return Order.objects.filter(user=user).exclude(status=Order.Status.EXPIRED).order_by("-pk")


def positions_claimed_by(*, user: User) -> QuerySet[Position]:
    """Partner tickets this account claimed."""
    return Position.objects.filter(holder=user).select_related("product", "order").order_by("-pk")
