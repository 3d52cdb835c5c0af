"""Staff and buyer pages with prices show them per locale (Babel), never in
minor units: ``€129.00`` in English, ``129,00 €`` in German."""

from __future__ import annotations

import html

import pytest

from core_apps.accounts.roles import Role
from core_apps.orders.services import (
    LineIn,
    PromoCodeIn,
    order_checkout,
    order_mark_paid,
    promo_code_create,
)
from tests.conftest import login
from tests.core_apps.events.factories import (
    EventFactory,
    ProductFactory,
    QuotaFactory,
    organizer_create,
)
from tests.core_apps.venues.factories import ArtistFactory, SpaceFactory, user_with_role

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


AMOUNTS = {
    "en": {"fixed_promo": "€15.00", "space": "€60.00", "artist": "€250.00", "revenue": "€129.00"},
    "de": {
        "fixed_promo": "15,00\xa0€",
        "space": "60,00\xa0€",
        "artist": "250,00\xa0€",
        "revenue": "129,00\xa0€",
    },
}


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_other_staff_pages_with_money_format_it_per_locale(
    client_a, community_a, paid_order, language
):
    """Dashboard revenue, a fixed promo code, a space's hourly rate and an
    artist's fee: each shown per locale, none in minor units."""
    community_a.languages = ["de"]
    community_a.save(update_fields=["languages"])
    staff = user_with_role(Role.ADMIN)
    promo_code_create(actor=staff, data=PromoCodeIn(code="FIFTEEN", kind="fixed", value=1500))
    space = SpaceFactory(hourly_rate_minor=6000)
    artist = ArtistFactory(fee_class_minor=25000)
    login(client_a, community_a, staff)
    pages = {
        "revenue": "/manage/dashboard/",
        "fixed_promo": "/manage/promo-codes/",
        "space": f"/manage/venues/{space.venue_id}/",
        "artist": f"/manage/artists/{artist.pk}/",
    }
    for kind, path in pages.items():
        response = client_a.get(path, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, path
        page = html.unescape(response.content.decode())
        assert "minor units" not in page and "cents" not in page, path
        if kind == "artist":
            # A form: the fee is offered back as a decimal in the language's notation.
            assert ("250.00" if language == "en" else "250,00") in page, path
        else:
            assert AMOUNTS[language][kind] in page, (path, language)
