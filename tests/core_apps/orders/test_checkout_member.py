"""Checkout without friction: a member's details prefilled, no payment step for
a free product, errors next to the fields."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from core_apps.orders.models import Order
from tests.conftest import login
from tests.core_apps.events.factories import EventFactory, ProductFactory, QuotaFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _product(price_minor: int):
    event = EventFactory()
    return ProductFactory(event=event, price_minor=price_minor, quotas=[QuotaFactory(event=event)])


def test_a_signed_in_member_finds_name_and_email_filled_in(in_a, client_a, community_a):
    product = _product(1500)
    user = UserFactory(email="mia@example.org", display_name="Mia Dancer")
    login(client_a, community_a, user)
    soup = BeautifulSoup(client_a.get(f"/orders/checkout/{product.pk}/").content, "html.parser")
    assert soup.find("input", {"name": "name"})["value"] == "Mia Dancer"
    assert soup.find("input", {"name": "email"})["value"] == "mia@example.org"
    assert "€15.00" in soup.select_one(".price").get_text()


def test_a_free_product_has_no_payment_step(in_a, client_a):
    product = _product(0)
    page = client_a.get(f"/orders/checkout/{product.pk}/")
    soup = BeautifulSoup(page.content, "html.parser")
    provider = soup.find("input", {"name": "provider"})
    assert provider["type"] == "hidden" and provider["value"] == "free"
    assert soup.find("select", {"name": "provider"}) is None
    token = soup.find("input", {"name": "submission_token"})["value"]
    response = client_a.post(
        f"/orders/checkout/{product.pk}/",
        {"name": "Free Rider", "email": "free@example.org", "provider": "free",
         "promo_code": "", "submission_token": token},
    )  # fmt: skip
    assert response.status_code == 302
    order = Order.objects.get(email="free@example.org")
    assert order.provider == Order.Provider.FREE


def test_errors_show_next_to_their_field_and_keep_what_was_typed(in_a, client_a):
    product = _product(1500)
    response = client_a.post(
        f"/orders/checkout/{product.pk}/",
        {"name": "Kept Name", "email": "not-an-email", "provider": "manual"},
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    email_field = soup.find("input", {"name": "email"}).find_parent(class_="form-field")
    assert "form-field--error" in email_field["class"]
    assert email_field.select_one(".field-errors")
    assert soup.find("input", {"name": "name"})["value"] == "Kept Name"
