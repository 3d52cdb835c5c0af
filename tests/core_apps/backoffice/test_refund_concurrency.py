"""Two staff members refunding the same order at once never pay back more
than was paid: each refund reserves its amount on the locked order row."""

from __future__ import annotations

import pytest

from core_apps.orders.models import Order, Refund
from core_apps.orders.services import (
    LineIn,
    order_checkout,
    order_mark_paid,
    order_staff_refund,
)
from core_apps.privacy.models import AuditEntry
from pista.errors import ApplicationError
from tests.core_apps.events.factories import organizer_create
from tests.core_apps.orders.test_checkout_concurrency import (  # noqa: F401 - fixture
    _hammer,
    _in_own_connection,
    committed,
)

pytestmark = pytest.mark.django_db


def test_two_concurrent_refunds_of_one_order_never_exceed_what_was_paid(committed):  # noqa: F811
    schema, make = committed
    product = make(size=5, price_minor=10000)

    def start() -> tuple[int, list[int]]:
        order = order_checkout(
            email="twice@example.org",
            name="Twice",
            provider="manual",
            lines=[LineIn(product_id=product.pk, quantity=1)],
        ).order
        order_mark_paid(order=order, actor=None, provider="manual")
        staff = [organizer_create(email=f"refunder{i}@example.org").pk for i in range(2)]
        return order.pk, staff

    order_id, staff_ids = _in_own_connection(schema, start)

    def refund(index: int) -> str:
        from core_apps.accounts.models import User

        actor = User.objects.get(pk=staff_ids[index])
        order = Order.objects.get(pk=order_id)  # both read "nothing refunded yet"
        try:
            order_staff_refund(order=order, actor=actor, reason=f"r{index}", amount_minor=6000)
        except ApplicationError as exc:
            return exc.code
        return "refunded"

    try:
        refusal, success = sorted(_hammer(schema, 2, refund))
        assert success == "refunded"
        # Which refusal depends on the interleaving: the second refund waits on
        # the locked order and then finds too little left to refund
        # (invalid_amount), or meets the first one's reservation (order_state).
        assert refusal in {"invalid_amount", "order_state"}

        def state() -> tuple[int, int, int]:
            order = Order.objects.get(pk=order_id)
            return (
                order.refunded_minor,
                Refund.objects.filter(order_id=order_id).count(),
                AuditEntry.objects.filter(action="order.refund", target_id=str(order_id)).count(),
            )

        assert _in_own_connection(schema, state) == (6000, 1, 1)
    finally:

        def cleanup() -> None:
            from core_apps.accounts.models import User

            Refund.objects.filter(order_id=order_id).delete()
            AuditEntry.objects.filter(target_id=str(order_id)).delete()
            User.objects.filter(pk__in=staff_ids).delete()

        _in_own_connection(schema, cleanup)
