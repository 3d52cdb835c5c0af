"""Add-ons (a T-shirt, a dinner) are sold only with a main ticket in the same
order: alone they are refused with a clear message (service, API, HTML), and
nothing is held."""

from __future__ import annotations

import pytest

from core_apps.orders.models import Order
from core_apps.orders.services import AddonWithoutTicket, LineIn, order_checkout
from core_apps.ticketing.models import Product, Quota
from tests.core_apps.events.factories import EventFactory, ProductFactory, QuotaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(in_a):
    event = EventFactory()
    quota = QuotaFactory(name="Places", size=10, event=event)
    shirts = QuotaFactory(name="Shirts", size=10, event=event)
    return {
        "pass": ProductFactory(name="Full pass", event=event, price_minor=12000, quotas=[quota]),
        "shirt": ProductFactory(
            name="T-shirt", kind=Product.Kind.ADDON, event=event, price_minor=2000, quotas=[shirts]
        ),
        "shirts": shirts,
    }


def test_an_addon_alone_is_refused_and_nothing_is_held(shop):
    with pytest.raises(AddonWithoutTicket) as refused:
        order_checkout(
            email="ana@example.org",
            name="Ana",
            provider="simulated",
            lines=[LineIn(product_id=shop["shirt"].pk, quantity=2)],
        )
    assert refused.value.code == "addon_needs_ticket"
    assert "T-shirt can only be bought with a ticket" in refused.value.message
    assert not Order.objects.exists()
    assert Quota.objects.get(pk=shop["shirts"].pk).sold == 0


def test_an_addon_with_a_ticket_in_the_same_order_is_sold(shop):
    order = order_checkout(
        email="ana@example.org",
        name="Ana",
        provider="simulated",
        lines=[
            LineIn(product_id=shop["pass"].pk, quantity=1),
            LineIn(product_id=shop["shirt"].pk, quantity=1),
        ],
    ).order
    assert order is not None and order.total_minor == 14000
    assert sorted(p.product.kind for p in order.positions.all()) == ["addon", "ticket"]


def test_the_api_answers_400_for_an_addon_alone(client_a, shop):
    response = client_a.post(
        "/api/v1/checkout/",
        {
            "email": "ana@example.org",
            "name": "Ana",
            "provider": "simulated",
            "lines": [{"product": shop["shirt"].pk, "quantity": 1}],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "addon_needs_ticket"
    assert "with a ticket in the same order" in str(response.json())


def test_the_html_checkout_says_an_addon_needs_a_ticket(client_a, shop):
    response = client_a.post(
        f"/orders/checkout/{shop['shirt'].pk}/",
        {"name": "Ana", "email": "ana@example.org", "provider": "simulated"},
    )
    assert response.status_code == 400
    assert "T-shirt can only be bought with a ticket in the same order." in (
        response.content.decode()
    )
    assert not Order.objects.exists()
