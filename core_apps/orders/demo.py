"""Demo orders for ``seed_demo``: a paid and a pending order per demo community.

Idempotent: skipped when the demo buyer already has orders.
"""

from __future__ import annotations

from core_apps.orders.models import Order
from core_apps.orders.services import LineIn, order_checkout, order_mark_paid
from core_apps.ticketing.models import Product
from core_apps.ticketing.selectors import product_balances_roles
from pista.errors import ApplicationError
from tenants.demo import demo_seeder
from tenants.models import Community

DEMO_BUYER = "buyer@demo.example"


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
                    )
                ],
            )
        except ApplicationError:
            continue  # sold out or off sale: the demo goes without this order
        if index == 0 and result.order and result.order.status == Order.Status.PENDING:
            order_mark_paid(order=result.order, actor=None, provider="manual", reference="demo")
