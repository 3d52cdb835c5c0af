"""Demo orders for ``seed_demo``: a paid and a pending order per demo community,
and the box office's demo (orders in every state, a promo code, a waitlist,
check-ins).

Idempotent: skipped when the demo buyer already has orders.
"""

from __future__ import annotations

from django.utils import timezone

from core_apps.orders.models import Order, PromoCode
from core_apps.orders.selectors import product_dates_to_choose
from core_apps.orders.services import (
    LineIn,
    PromoCodeIn,
    checkin_list_default,
    order_cancel,
    order_checkout,
    order_expire,
    order_mark_paid,
    order_refund,
    position_check_in,
    promo_code_create,
    waitlist_join,
)
from core_apps.ticketing.models import Product
from core_apps.ticketing.selectors import product_balances_roles
from pista.errors import ApplicationError
from tenants.demo import demo_seeder
from tenants.models import Community

DEMO_BUYER = "buyer@demo.example"


def _first_date(product: Product) -> int | None:
    """The first date still to come, for a ticket to one date of a series."""
    dates = product_dates_to_choose(product=product)
    return dates[0].pk if dates else None


@demo_seeder
def orders_demo_seed(community: Community) -> None:
    if Order.objects.filter(email=DEMO_BUYER).exists():
        return
    products = [
        p
        for p in Product.objects.filter(status=Product.Status.PUBLISHED, is_hidden=False)
        .prefetch_related("quotas", "questions")
        .order_by("pk")
        if p.quotas.all() and not any(q.required for q in p.questions.all())
    ][:2]
    for index, product in enumerate(products):
        balanced = product_balances_roles(product=product)
        try:
            result = order_checkout(
                email=DEMO_BUYER,
                name="Demo Buyer",
                provider=Order.Provider.MANUAL if product.price_minor else Order.Provider.FREE,
                lines=[
                    LineIn(
                        product_id=product.pk,
                        quantity=1,
                        role=("follow" if index else "lead") if balanced else "",
                        event_date_id=_first_date(product),
                    )
                ],
            )
        except ApplicationError:
            continue  # sold out or off sale: the demo goes without this order
        if index == 0 and result.order and result.order.status == Order.Status.PENDING:
            order_mark_paid(order=result.order, actor=None, provider="manual", reference="demo")


DEMO_PROMO = "DEMO10"


def _demo_order(product: Product, index: int, *, promo: str = "") -> Order | None:
    try:
        result = order_checkout(
            email=f"guest{index}@demo.example",
            name=f"Demo Guest {index}",
            provider=Order.Provider.MANUAL,
            promo_code=promo,
            lines=[
                LineIn(
                    product_id=product.pk,
                    quantity=1,
                    role=("lead" if index % 2 else "follow")
                    if product_balances_roles(product=product)
                    else "",
                    event_date_id=_first_date(product),
                )
            ],
        )
    except ApplicationError:
        return None  # sold out or off sale: the demo goes without it
    return result.order


@demo_seeder
def box_office_demo_seed(community: Community) -> None:
    """The box office's demo: orders in every state (paid, pending, expired,
    cancelled, refunded, partially refunded), a promo code, a waitlist and
    check-ins on the events' lists. Skipped once the demo promo code exists."""
    if PromoCode.objects.filter(code=DEMO_PROMO).exists():
        return
    promo_code_create(actor=None, data=PromoCodeIn(code=DEMO_PROMO, kind="percent", value=10))
    product = next(
        (
            p
            for p in Product.objects.filter(
                status=Product.Status.PUBLISHED, is_hidden=False, price_minor__gt=0
            )
            .exclude(event=None)
            .prefetch_related("quotas", "questions")
            .order_by("pk")
            if p.quotas.all() and not any(q.required for q in p.questions.all())
        ),
        None,
    )
    if product is None or product.event is None:
        return
    orders = [_demo_order(product, i, promo=DEMO_PROMO if i == 0 else "") for i in range(7)]
    paid = []
    for order in orders[:5]:
        if order is not None:
            paid.append(
                order_mark_paid(order=order, actor=None, provider="manual", reference="demo")
            )
    if len(paid) >= 5:
        order_refund(order=paid[3], actor=None, reason="demo")
        order_refund(order=paid[4], actor=None, amount_minor=max(1, paid[4].total_minor // 4))
    if orders[5] is not None:
        order_cancel(order=orders[5], actor=None, reason="demo")
    expiring = _demo_order(product, 7)
    if expiring is not None:
        # A transfer that never came: its payment deadline passed.
        Order.objects.filter(pk=expiring.pk).update(expires_at=timezone.now())
        order_expire(order=expiring)
    checkin_list = checkin_list_default(event=product.event)
    for order in paid[:2]:
        for position in order.positions.all():
            try:
                position_check_in(
                    secret=position.secret, actor=None, location="Door", checkin_list=checkin_list
                )
            except ApplicationError:
                continue
    for i in range(3):
        try:
            waitlist_join(
                product=product,
                name=f"Waiting Dancer {i}",
                email=f"waiting{i}@demo.example",
                role=("lead" if i % 2 else "follow")
                if product_balances_roles(product=product)
                else "",
            )
        except ApplicationError:
            continue
