"""Checkout through the API: holds, server-side prices, roles, couples, promo
codes, bad input, payment, expiry and the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from core_apps.orders.models import Order, Position, PromoCode, WaitlistEntry
from core_apps.orders.services import orders_expire_due
from core_apps.ticketing.models import Quota, RoleMode
from tests.core_apps.events.factories import EventFactory, ProductFactory, QuotaFactory

pytestmark = pytest.mark.django_db


def _checkout(client, **body):
    body.setdefault("email", "ana@example.org")
    body.setdefault("name", "Ana")
    body.setdefault("provider", "simulated")
    return client.post("/api/v1/checkout/", body, content_type="application/json")


@pytest.fixture
def festival(in_a):
    event = EventFactory()
    quota = QuotaFactory(
        name="Festival", size=4, event=event, role_mode=RoleMode.LEAD_FOLLOW, max_difference=1
    )
    product = ProductFactory(name="Full pass", event=event, price_minor=12000, quotas=[quota])
    return product


@pytest.fixture
def party(in_a):
    event = EventFactory()
    quota = QuotaFactory(name="Party", size=3, event=event)
    return ProductFactory(name="Party", event=event, price_minor=1500, quotas=[quota])


def test_checkout_holds_places_and_computes_the_price_on_the_server(client_a, party):
    response = _checkout(client_a, lines=[{"product": party.pk, "quantity": 2}])
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["order"]["status"] == "pending"
    assert data["order"]["total_minor"] == 3000
    assert data["order"]["currency"] == "EUR"
    with schema_context("alpha"):
        assert Quota.objects.get(pk=party.quotas.get().pk).sold == 2
        order = Order.objects.get(code=data["order"]["code"])
        assert order.expires_at > timezone.now() + timedelta(minutes=14)
        assert [entry.action for entry in order.log.all()] == ["order.placed"]


def test_checkout_reserves_with_a_conditional_update_in_the_sql(client_a, party):
    with CaptureQueriesContext(connection) as queries:
        assert _checkout(client_a, lines=[{"product": party.pk, "quantity": 1}]).status_code == 201
    sql = [q["sql"] for q in queries.captured_queries]
    assert any("SET sold = sold +" in s and "sold +" in s and "<= size" in s for s in sql)
    # No lock on the event or the product table beyond the counter update.
    assert not any("events_event" in s and "FOR UPDATE" in s for s in sql)


def test_simulated_card_pays_and_sends_tickets_with_qr_and_ics(
    client_a, party, django_capture_on_commit_callbacks
):
    data = _checkout(client_a, lines=[{"product": party.pk, "quantity": 1}]).json()
    code, secret = data["order"]["code"], data["secret"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            f"/api/v1/orders/{code}/pay/",
            {"secret": secret, "card_number": "4242 4242 4242 4242"},
            content_type="application/json",
        )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "paid"
    assert response.json()["positions"][0]["secret"]
    assert len(mail.outbox) == 1
    names = [a[0] for a in mail.outbox[0].attachments]
    assert any(n.endswith(".png") for n in names) and "event.ics" in names
    with schema_context("alpha"):
        order = Order.objects.get(code=code)
        assert order.invoices.count() == 1
        assert [e.action for e in order.log.all()][:2] == ["order.placed", "order.paid"]
    # Paying twice changes nothing and sends nothing more.
    again = client_a.post(
        f"/api/v1/orders/{code}/pay/",
        {"secret": secret, "card_number": "4242424242424242"},
        content_type="application/json",
    )
    assert again.status_code == 200 and len(mail.outbox) == 1


def test_declined_card_leaves_the_order_pending(client_a, party):
    data = _checkout(client_a, lines=[{"product": party.pk, "quantity": 1}]).json()
    response = client_a.post(
        f"/api/v1/orders/{data['order']['code']}/pay/",
        {"secret": data["secret"], "card_number": "4000 0000 0000 0002"},
        content_type="application/json",
    )
    assert response.status_code == 402 and response.json()["code"] == "payment_declined"
    with schema_context("alpha"):
        assert Order.objects.get(code=data["order"]["code"]).status == "pending"


def test_expired_hold_gives_places_back_and_refuses_payment(client_a, party):
    data = _checkout(client_a, lines=[{"product": party.pk, "quantity": 3}]).json()
    with schema_context("alpha"):
        Order.objects.filter(code=data["order"]["code"]).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    response = client_a.post(
        f"/api/v1/orders/{data['order']['code']}/pay/",
        {"secret": data["secret"], "card_number": "4242424242424242"},
        content_type="application/json",
    )
    assert response.status_code == 410 and response.json()["code"] == "hold_expired"
    with schema_context("alpha"):
        assert Quota.objects.get(pk=party.quotas.get().pk).sold == 0
        assert Order.objects.get(code=data["order"]["code"]).status == "expired"
        assert orders_expire_due() == 0  # already expired, once


def test_beat_expiry_releases_lapsed_holds(client_a, party):
    data = _checkout(client_a, lines=[{"product": party.pk, "quantity": 2}]).json()
    with schema_context("alpha"):
        Order.objects.filter(code=data["order"]["code"]).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        assert orders_expire_due() == 1
        assert Quota.objects.get(pk=party.quotas.get().pk).sold == 0
        assert Order.objects.get(code=data["order"]["code"]).log.last().action == "order.expired"


def test_free_order_is_paid_at_once(client_a, in_a):
    quota = QuotaFactory(size=5)
    product = ProductFactory(price_minor=0, quotas=[quota])
    response = _checkout(client_a, provider="free", lines=[{"product": product.pk, "quantity": 1}])
    assert response.status_code == 201 and response.json()["order"]["status"] == "paid"


def test_manual_order_waits_for_staff_with_a_reference(client_a, party):
    data = _checkout(
        client_a, provider="manual", lines=[{"product": party.pk, "quantity": 1}]
    ).json()
    assert data["order"]["payment_reference"] == data["order"]["code"]
    with schema_context("alpha"):
        order = Order.objects.get(code=data["order"]["code"])
        assert order.expires_at > timezone.now() + timedelta(days=2)


def test_role_is_required_and_a_couple_is_admitted_together(client_a, festival):
    response = _checkout(client_a, lines=[{"product": festival.pk, "quantity": 1}])
    assert response.status_code == 400 and response.json()["code"] == "role_required"
    couple = {
        "name": "Ana",
        "email": "ana@example.org",
        "partner_name": "Ben",
        "partner_email": "ben@example.org",
    }
    response = _checkout(
        client_a, lines=[{"product": festival.pk, "quantity": 1, "attendees": [couple]}]
    )
    assert response.status_code == 201, response.json()
    positions = response.json()["order"]["positions"]
    assert sorted(p["role_admitted"] for p in positions) == ["follow", "lead"]
    assert response.json()["order"]["total_minor"] == 24000


def test_single_beyond_the_balance_is_waitlisted_separately(client_a, festival):
    for _ in range(1):
        assert (
            _checkout(
                client_a, lines=[{"product": festival.pk, "quantity": 1, "role": "lead"}]
            ).status_code
            == 201
        )
    refused = _checkout(client_a, lines=[{"product": festival.pk, "quantity": 1, "role": "lead"}])
    assert refused.status_code == 409 and refused.json()["code"] == "role_imbalance"
    waiting = _checkout(
        client_a,
        join_waitlist=True,
        lines=[{"product": festival.pk, "quantity": 1, "role": "lead"}],
    )
    assert waiting.status_code == 202
    assert waiting.json()["order"] is None and waiting.json()["waitlisted"][0]["role"] == "lead"
    with schema_context("alpha"):
        assert WaitlistEntry.objects.filter(product=festival).count() == 1
        assert Order.objects.filter(positions__product=festival).count() == 1


@pytest.mark.parametrize("quantity", [0, -1, 11])
def test_bad_quantities_are_refused(client_a, party, quantity):
    response = _checkout(client_a, lines=[{"product": party.pk, "quantity": quantity}])
    assert response.status_code == 400 and response.json()["code"] == "invalid_quantity"
    with schema_context("alpha"):
        assert not Order.objects.exists()


def test_tampered_price_and_currency_are_refused(client_a, party):
    response = _checkout(client_a, lines=[{"product": party.pk, "quantity": 1, "price_minor": 1}])
    assert response.status_code == 409 and response.json()["code"] == "price_mismatch"
    response = _checkout(client_a, currency="USD", lines=[{"product": party.pk, "quantity": 1}])
    assert response.status_code == 400 and response.json()["code"] == "currency_mismatch"
    response = _checkout(
        client_a, expected_total_minor=1, lines=[{"product": party.pk, "quantity": 1}]
    )
    assert response.status_code == 409 and response.json()["code"] == "price_mismatch"
    with schema_context("alpha"):
        assert not Order.objects.exists()
        assert Quota.objects.get(pk=party.quotas.get().pk).sold == 0


def test_partner_email_equal_to_ones_own_is_refused(client_a, festival):
    same = {
        "name": "A",
        "email": "a@example.org",
        "partner_name": "B",
        "partner_email": "A@example.org",
    }
    response = _checkout(
        client_a, lines=[{"product": festival.pk, "quantity": 1, "attendees": [same]}]
    )
    assert response.status_code == 400 and response.json()["code"] == "partner_email_same"


def test_sold_out_refuses_and_keeps_nothing(client_a, party):
    assert _checkout(client_a, lines=[{"product": party.pk, "quantity": 3}]).status_code == 201
    response = _checkout(client_a, lines=[{"product": party.pk, "quantity": 1}])
    assert response.status_code == 409 and response.json()["code"] == "sold_out"
    with schema_context("alpha"):
        assert Order.objects.count() == 1


def test_promo_codes_discount_but_never_below_zero_and_respect_limits(client_a, party, in_a):
    promo = PromoCode.objects.create(code="BIG", kind="fixed", value=99999, max_uses=1)
    promo.products.set([party])
    PromoCode.objects.create(
        code="OLD", kind="percent", value=10, valid_until=timezone.now() - timedelta(days=1)
    )
    other = PromoCode.objects.create(code="OTHER", kind="percent", value=10)
    other.products.set([ProductFactory(quotas=[QuotaFactory()])])
    response = _checkout(client_a, promo_code="big", lines=[{"product": party.pk, "quantity": 1}])
    assert response.status_code == 201 and response.json()["order"]["total_minor"] == 0
    assert response.json()["order"]["status"] == "paid"
    for code, error in [
        ("BIG", "promo_used_up"),
        ("OLD", "promo_expired"),
        ("OTHER", "promo_other_product"),
        ("NOPE", "promo_unknown"),
    ]:
        response = _checkout(
            client_a, promo_code=code, lines=[{"product": party.pk, "quantity": 1}]
        )
        assert response.status_code == 400 and response.json()["code"] == error, code
    assert Order.objects.count() == 1


def test_hidden_product_needs_its_unlock_code(client_a, in_a):
    product = ProductFactory(is_hidden=True, unlock_code="secret", quotas=[QuotaFactory()])
    assert _checkout(client_a, lines=[{"product": product.pk, "quantity": 1}]).status_code == 404
    response = _checkout(
        client_a, unlock_code="SECRET", lines=[{"product": product.pk, "quantity": 1}]
    )
    assert response.status_code == 201


def test_a_product_of_another_community_cannot_be_bought_or_seen(client_a, client_b, party):
    response = _checkout(client_b, lines=[{"product": party.pk, "quantity": 1}])
    assert response.status_code == 404 and response.json()["code"] == "product_unavailable"
    data = _checkout(client_a, lines=[{"product": party.pk, "quantity": 1}]).json()
    code, secret = data["order"]["code"], data["secret"]
    assert client_b.get(f"/api/v1/orders/{code}/?secret={secret}").status_code == 404
    assert client_a.get(f"/api/v1/orders/{code}/?secret=wrong").status_code == 404
    assert client_a.get(f"/api/v1/orders/{code}/?secret={secret}").status_code == 200
    paid = client_b.post(
        f"/api/v1/orders/{code}/pay/",
        {"secret": secret, "card_number": "4242424242424242"},
        content_type="application/json",
    )
    assert paid.status_code == 404


def test_buyer_cancels_a_pending_order_and_places_return(client_a, party):
    data = _checkout(client_a, lines=[{"product": party.pk, "quantity": 2}]).json()
    response = client_a.post(
        f"/api/v1/orders/{data['order']['code']}/cancel/",
        {"secret": data["secret"]},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    with schema_context("alpha"):
        assert Quota.objects.get(pk=party.quotas.get().pk).sold == 0
        assert Position.objects.filter(status="cancelled").count() == 2


def test_unpaid_manual_orders_get_one_reminder_before_they_expire(client_a, party):
    from core_apps.orders.services import orders_remind_unpaid

    data = _checkout(
        client_a, provider="manual", lines=[{"product": party.pk, "quantity": 1}]
    ).json()
    with schema_context("alpha"):
        assert orders_remind_unpaid() == 0  # three days left
        Order.objects.filter(code=data["order"]["code"]).update(
            expires_at=timezone.now() + timedelta(hours=20)
        )
        assert orders_remind_unpaid() == 1
        assert orders_remind_unpaid() == 0
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert data["order"]["code"] in mail.outbox[0].body


def test_a_refusal_seen_on_the_quota_read_takes_no_lock_and_writes_nothing(client_a, festival):
    assert _checkout(client_a, lines=[{"product": festival.pk, "quantity": 1, "role": "lead"}])
    with CaptureQueriesContext(connection) as queries:
        response = _checkout(
            client_a, lines=[{"product": festival.pk, "quantity": 1, "role": "lead"}]
        )
    assert response.status_code == 409 and response.json()["code"] == "role_imbalance"
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "FOR UPDATE" not in sql and "INSERT" not in sql and "UPDATE ticketing" not in sql
