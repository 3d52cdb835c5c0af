"""Reads about orders: by magic link, for staff, attendee lists."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from core_apps.orders.models import Order, Position, WaitlistEntry
from pista.errors import NotFound

if TYPE_CHECKING:
    from core_apps.accounts.models import User


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
