"""Staff and buyer pages with prices show them per locale (Babel), never in
minor units: ``€129.00`` in English, ``129,00 €`` in German."""

from __future__ import annotations

import html

import pytest

from core_apps.orders.services import LineIn, order_checkout, order_mark_paid
from tests.conftest import login
from tests.core_apps.events.factories import (
    EventFactory,
    ProductFactory,
    QuotaFactory,
    organizer_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(in_a):
    product = ProductFactory(
        name="Full pass", event=EventFactory(), price_minor=12900, quotas=[QuotaFactory()]
    )
    order = order_checkout(
        email="ana@example.org",
        name="Ana",
        provider="manual",
        lines=[LineIn(product_id=product.pk, quantity=1)],
    ).order
    return order_mark_paid(order=order, actor=None, provider="manual")


def _pages(order):
    return [
        "/manage/orders/",
        f"/manage/orders/{order.code}/",
        f"/manage/orders/{order.code}/refund/",
        "/manage/catalogue/",
        f"/orders/{order.code}/{order.secret}/",
        f"/events/{order.event.slug}/",
        f"/orders/checkout/{order.positions.get().product_id}/",
    ]


@pytest.mark.parametrize(("language", "expected"), [("en", "€129.00"), ("de", "129,00\xa0€")])
def test_every_page_with_prices_formats_them_per_locale(
    client_a, community_a, paid_order, language, expected
):
    community_a.languages = ["de"]  # A offers German besides its English default
    community_a.save(update_fields=["languages"])
    login(client_a, community_a, organizer_create())
    for path in _pages(paid_order):
        response = client_a.get(path, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, path
        page = html.unescape(response.content.decode())
        assert expected in page, (path, language)
        assert "minor units" not in page and "12900 EUR" not in page, path
