"""Recognisable data in a community, for lists and cross-community checks:
every name, email and code carries ``marker``."""

from __future__ import annotations

from dataclasses import dataclass

from django_tenants.utils import schema_context

from core_apps.orders.models import Invoice, Order, PromoCode, WaitlistEntry
from core_apps.orders.services.checkout import LineIn, order_checkout
from core_apps.orders.services.invoicing import invoice_create
from core_apps.orders.services.payments import order_pay_simulated
from core_apps.orders.services.promo_codes import PromoCodeIn, promo_code_create
from core_apps.orders.services.waitlist import waitlist_join
from core_apps.ticketing.models import Product, Quota
from tenants.models import Community
from tests.core_apps.events.factories import EventFactory, ProductFactory, QuotaFactory


@dataclass
class Seeded:
    product: Product
    quota: Quota
    order: Order
    invoice: Invoice
    waitlist_entry: WaitlistEntry
    promo_code: PromoCode


def seed_community(community: Community, marker: str) -> Seeded:
    """An event with a quota and a product, a paid order with an invoice, a
    waitlist entry and a promo code, all named after ``marker``."""
    slug = marker.lower()
    with schema_context(community.schema_name):
        event = EventFactory(title=f"{marker} Festival", slug=f"{slug}-festival")
        quota = QuotaFactory(name=f"{marker} Quota", size=10, event=event)
        product = ProductFactory(name=f"{marker} Pass", event=event, quotas=[quota])
        result = order_checkout(
            email=f"buyer@{slug}.example",
            name=f"{marker} Buyer",
            lines=[LineIn(product_id=product.pk, quantity=1)],
            provider=Order.Provider.SIMULATED,
        )
        assert result.order is not None
        order = order_pay_simulated(order=result.order, card_number="4242 4242 4242 4242")
        invoice = invoice_create(order=order)
        entry = waitlist_join(
            product=product, name=f"{marker} Waiting", email=f"wait@{slug}.example"
        )
        promo = promo_code_create(
            actor=None, data=PromoCodeIn(code=f"{marker.upper()}10", kind="percent", value=10)
        )
        return Seeded(product, quota, order, invoice, entry, promo)
