"""Acceptance 2: concurrent checkouts with real threads and committed rows.

Each thread has its own PostgreSQL connection (outside the test transaction);
everything created here is committed and removed at the end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from core_apps.orders.models import Invoice, InvoiceSequence, Order, WaitlistEntry
from core_apps.orders.services import (
    LineIn,
    invoice_create,
    order_checkout,
    order_mark_paid,
)
from core_apps.ticketing.balance import BalanceRules, Mode, within_policy
from core_apps.ticketing.models import Product, Quota, RoleMode
from core_apps.ticketing.services import RoleImbalance, SoldOut

pytestmark = pytest.mark.django_db


def _in_own_connection(schema: str, fn: Callable[[], Any]) -> Any:
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            with schema_context(schema):
                result["value"] = fn()
        except BaseException as exc:
            result["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


def _hammer(schema: str, count: int, work: Callable[[int], str]) -> list[str]:
    """Run ``work(i)`` in ``count`` threads released together; collect outcomes."""
    barrier = threading.Barrier(count)
    outcomes = [""] * count
    errors: list[BaseException] = []

    def target(index: int) -> None:
        try:
            with schema_context(schema):
                barrier.wait()
                outcomes[index] = work(index)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return outcomes


@pytest.fixture
def committed(community_a) -> Iterator[tuple[str, Callable[..., Product]]]:
    schema = community_a.schema_name
    products: list[int] = []
    quotas: list[int] = []

    def make(*, size: int, price_minor: int = 1000, **quota_fields: Any) -> Product:
        def create() -> Product:
            quota = Quota.objects.create(name="Hall", size=size, **quota_fields)
            product = Product.objects.create(
                name="Pass",
                price_minor=price_minor,
                currency="EUR",
                status="published",
                max_per_order=4,
            )
            product.quotas.set([quota])
            quotas.append(quota.pk)
            products.append(product.pk)
            return product

        return _in_own_connection(schema, create)

    yield schema, make

    def cleanup() -> None:
        orders = Order.objects.filter(positions__product_id__in=products).distinct()
        Invoice.objects.filter(order__in=orders).delete()
        Order.objects.filter(pk__in=list(orders.values_list("pk", flat=True))).delete()
        WaitlistEntry.objects.filter(product_id__in=products).delete()
        Product.objects.filter(pk__in=products).delete()
        Quota.objects.filter(pk__in=quotas).delete()

    _in_own_connection(schema, cleanup)


def test_more_concurrent_checkouts_than_places_sell_exactly_the_places(committed):
    schema, make = committed
    places, buyers = 12, 20
    product = make(size=places)

    def buy(index: int) -> str:
        try:
            order_checkout(
                email=f"b{index}@example.org",
                name=f"Buyer {index}",
                provider="manual",
                lines=[LineIn(product_id=product.pk, quantity=1)],
            )
        except SoldOut:
            return "sold out"
        return "sold"

    outcomes = _hammer(schema, buyers, buy)
    assert outcomes.count("sold") == places
    assert outcomes.count("sold out") == buyers - places

    def counts() -> tuple[int, int, int]:
        quota = product.quotas.get()
        return (
            quota.sold,
            Order.objects.filter(positions__product=product).count(),
            (Product.objects.get(pk=product.pk).sold_count),
        )

    assert _in_own_connection(schema, counts) == (places, places, places)


def test_concurrent_singles_keep_the_role_policy(committed):
    schema, make = committed
    product = make(size=30, role_mode=RoleMode.LEAD_FOLLOW, max_difference=2)

    def buy(index: int) -> str:
        role = "lead" if index % 4 else "follow"  # three leaders for every follower
        try:
            order_checkout(
                email=f"d{index}@example.org",
                name=f"Dancer {index}",
                provider="manual",
                lines=[LineIn(product_id=product.pk, quantity=1, role=role)],
            )
        except (SoldOut, RoleImbalance):
            return "refused"
        return role

    outcomes = _hammer(schema, 24, buy)
    leads, follows = outcomes.count("lead"), outcomes.count("follow")
    rules = BalanceRules(mode=Mode.LEAD_FOLLOW, max_difference=2)
    # However the threads interleave, the first two dancers of either role
    # always fit (a difference of two is allowed) and the final counts stay
    # within the policy. A follower may be refused too: when three followers
    # come before any leader, the third would make the difference three.
    assert leads >= rules.max_difference and follows >= rules.max_difference

    def counts() -> tuple[int, int]:
        quota = product.quotas.get()
        return quota.sold_lead, quota.sold_follow

    assert _in_own_connection(schema, counts) == (leads, follows)
    assert within_policy(rules=rules, leads=leads, follows=follows)


def test_invoice_numbers_have_no_gaps_or_duplicates_under_concurrent_payments(committed):
    schema, make = committed
    product = make(size=50)

    def start() -> tuple[list[int], int]:
        before = InvoiceSequence.objects.first()
        ids = [
            order_checkout(
                email=f"i{i}@example.org",
                name="I",
                provider="manual",
                lines=[LineIn(product_id=product.pk, quantity=1)],
            ).order.pk  # type: ignore[union-attr]
            for i in range(16)
        ]
        return ids, before.last if before else 0

    order_ids, first = _in_own_connection(schema, start)

    def pay(index: int) -> str:
        order = Order.objects.get(pk=order_ids[index])
        order_mark_paid(order=order, actor=None, provider="manual")
        if index % 5 == 0:
            # A rolled-back invoice must give its number back.
            from django.db import transaction

            try:
                with transaction.atomic():
                    invoice_create(order=order)
                    raise RuntimeError("rollback")
            except RuntimeError:
                pass
        return "paid"

    assert _hammer(schema, len(order_ids), pay) == ["paid"] * len(order_ids)

    def numbers() -> list[int]:
        return sorted(
            Invoice.objects.filter(order_id__in=order_ids).values_list("number", flat=True)
        )

    got = _in_own_connection(schema, numbers)
    assert got == list(range(first + 1, first + 1 + len(order_ids)))
