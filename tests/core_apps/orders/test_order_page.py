"""The buyer's order page actions (transfer) and the signed-in buyer's
orders: only their own, only in their community."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from core_apps.orders.models import Order, Position
from tests.conftest import login
from tests.core_apps.events.factories import EventFactory, ProductFactory, QuotaFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def _paid(client, product, email="ana@example.org"):
    data = _post(
        client,
        "/api/v1/checkout/",
        {
            "email": email,
            "name": "Ana",
            "provider": "simulated",
            "lines": [{"product": product.pk, "quantity": 1}],
        },
    ).json()
    _post(
        client,
        f"/api/v1/orders/{data['order']['code']}/pay/",
        {"secret": data["secret"], "card_number": "4242424242424242"},
    )
    return data


@pytest.fixture
def party(in_a):
    return ProductFactory(
        name="Party", event=EventFactory(), price_minor=1500, quotas=[QuotaFactory(size=5)]
    )


def test_buyer_transfers_a_ticket_from_the_order_page(client_a, party):
    data = _paid(client_a, party)
    code, secret = data["order"]["code"], data["secret"]
    page = client_a.get(f"/orders/{code}/{secret}/")
    assert b'class="transfer"' in page.content
    position = Position.objects.get(order__code=code)
    old_secret = position.secret
    response = client_a.post(
        f"/orders/{code}/{secret}/positions/{position.pk}/transfer/",
        {"name": "Ben", "email": "ben@example.org"},
    )
    assert response.status_code == 302
    position.refresh_from_db()
    assert (position.attendee_name, position.attendee_email) == ("Ben", "ben@example.org")
    assert position.secret != old_secret
    # A wrong secret: no such order.
    wrong = client_a.post(
        f"/orders/{code}/nope/positions/{position.pk}/transfer/",
        {"name": "Eve", "email": "eve@example.org"},
    )
    assert wrong.status_code == 404
    assert Position.objects.get(pk=position.pk).attendee_name == "Ben"


def test_a_product_that_forbids_transfers_refuses_them(client_a, party):
    party.allow_transfer = False
    party.save()
    data = _paid(client_a, party)
    code, secret = data["order"]["code"], data["secret"]
    assert b'class="transfer"' not in client_a.get(f"/orders/{code}/{secret}/").content
    position = Position.objects.get(order__code=code)
    response = _post(
        client_a,
        f"/api/v1/orders/{code}/positions/{position.pk}/transfer/",
        {"secret": secret, "name": "Ben", "email": "ben@example.org"},
    )
    assert response.status_code == 409 and response.json()["code"] == "transfer_not_allowed"
    assert Position.objects.get(pk=position.pk).attendee_email == "ana@example.org"


def test_signed_in_buyers_see_their_own_orders_only(client_a, client_b, community_a, party):
    ana = UserFactory(email="ana@example.org")
    login(client_a, community_a, ana)
    mine = _paid(client_a, party)
    client_a.logout()
    theirs = _paid(client_a, party, email="carl@example.org")
    login(client_a, community_a, ana)
    page = client_a.get("/orders/mine/")
    assert page.status_code == 200
    assert f"/orders/{mine['order']['code']}/{mine['secret']}/".encode() in page.content
    assert theirs["order"]["code"].encode() not in page.content
    assert Order.objects.get(code=mine["order"]["code"]).user == ana
    # Signed out: to the sign-in page. Another community's host: not this account.
    assert client_b.get("/orders/mine/").status_code == 302
    with schema_context("alpha"):
        assert Order.objects.filter(user=ana).count() == 1
