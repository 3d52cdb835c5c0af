"""Stripe: PaymentIntents against localstripe on loopback, and webhooks that are
signature-checked, stored raw and processed once per event id."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from core_apps.orders.models import Order, StripeEvent
from core_apps.orders.stripe_gateway import application_fee_minor
from tests.core_apps.events.factories import EventFactory, ProductFactory, QuotaFactory
from tests.core_apps.orders.conftest import WEBHOOK_SECRET

pytestmark = pytest.mark.django_db
URL = "/api/v1/payments/stripe/webhook/"


@pytest.fixture
def card_order(client_a, stripe_ready):
    product = ProductFactory(event=EventFactory(), price_minor=4500, quotas=[QuotaFactory(size=5)])
    response = client_a.post(
        "/api/v1/checkout/",
        {
            "email": "ana@example.org",
            "name": "Ana",
            "provider": "stripe",
            "lines": [{"product": product.pk, "quantity": 1}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["client_secret"].startswith("pi_")
    return Order.objects.get(code=data["order"]["code"]), data["secret"]


def _signed(payload: bytes, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    stamp = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


def _event(order: Order, event_id: str = "evt_1", kind: str = "payment_intent.succeeded", **obj):
    body = {
        "id": event_id,
        "object": "event",
        "type": kind,
        "data": {
            "object": {
                "id": order.payment_intent_id,
                "object": "payment_intent",
                "amount": order.total_minor,
                "currency": order.currency.lower(),
                "status": "succeeded",
                "metadata": {"order": order.code},
                **obj,
            }
        },
    }
    return json.dumps(body).encode()


def _deliver(client, payload: bytes, signature: str | None, capture):
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature is not None else {}
    with capture(execute=True):
        return client.post(URL, payload, content_type="application/json", **headers)


def test_the_application_fee_is_per_mille_rounded(settings):
    settings.PISTA_STRIPE_APPLICATION_FEE_PERMILLE = 20
    assert application_fee_minor(amount_minor=4500) == 90
    assert application_fee_minor(amount_minor=25) == 1  # 0.5 rounds up


def test_checkout_creates_one_intent_per_order_idempotently(card_order):
    order, _ = card_order
    assert order.payment_intent_id.startswith("pi_")
    from core_apps.orders.services import order_stripe_start

    order_stripe_start(order=order)  # a retry: same idempotency key, same intent
    order.refresh_from_db()
    assert Order.objects.get(pk=order.pk).payment_intent_id == order.payment_intent_id
    assert [e.action for e in order.log.all()].count("payment.started") == 2


@pytest.mark.parametrize(
    "signature",
    [None, "t=1,v1=deadbeef", "tampered", "stale"],
)
def test_unsigned_tampered_or_stale_webhooks_are_refused_and_change_nothing(
    client_a, card_order, signature, django_capture_on_commit_callbacks
):
    order, _ = card_order
    payload = _event(order)
    if signature == "tampered":
        signature = _signed(payload)
        payload = payload.replace(b'"amount": 4500', b'"amount": 1')
    elif signature == "stale":
        signature = _signed(payload, at=int(time.time()) - 3600)
    response = _deliver(client_a, payload, signature, django_capture_on_commit_callbacks)
    assert response.status_code == 400 and response.json()["code"] == "webhook_invalid"
    assert not StripeEvent.objects.exists()
    assert Order.objects.get(pk=order.pk).status == "pending"


def test_a_duplicate_event_is_processed_once(
    client_a, card_order, django_capture_on_commit_callbacks
):
    order, _ = card_order
    payload = _event(order)
    first = _deliver(client_a, payload, _signed(payload), django_capture_on_commit_callbacks)
    second = _deliver(client_a, payload, _signed(payload), django_capture_on_commit_callbacks)
    assert first.json()["code"] == "received" and second.json()["code"] == "duplicate"
    assert StripeEvent.objects.get().processed_at is not None
    order.refresh_from_db()
    assert order.status == "paid"
    assert [e.action for e in order.log.all()].count("order.paid") == 1
    assert len(mail.outbox) == 1


def test_succeeded_before_the_redirect_pays_exactly_once(
    client_a, card_order, django_capture_on_commit_callbacks
):
    order, secret = card_order
    payload = _event(order)
    _deliver(client_a, payload, _signed(payload), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            f"/api/v1/orders/{order.code}/stripe-confirm/",
            {"secret": secret},
            content_type="application/json",
        )
    assert response.status_code == 200 and response.json()["status"] == "paid"
    # A later, out-of-order failure event changes nothing either.
    failed = _event(
        order, "evt_2", "payment_intent.payment_failed", status="requires_payment_method"
    )
    _deliver(client_a, failed, _signed(failed), django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.status == "paid"
    assert [e.action for e in order.log.all()].count("order.paid") == 1
    assert order.invoices.count() == 1 and len(mail.outbox) == 1


def test_redirect_before_payment_leaves_the_order_pending(client_a, card_order):
    order, secret = card_order
    response = client_a.post(
        f"/api/v1/orders/{order.code}/stripe-confirm/",
        {"secret": secret},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "pending"


def test_a_wrong_amount_in_a_signed_event_does_not_pay(
    client_a, card_order, django_capture_on_commit_callbacks
):
    order, _ = card_order
    payload = _event(order, amount=1)
    _deliver(client_a, payload, _signed(payload), django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.status == "pending"
    assert "payment.amount_mismatch" in [e.action for e in order.log.all()]


def test_an_event_for_another_communitys_order_changes_nothing_there(
    client_b, card_order, community_b, django_capture_on_commit_callbacks
):
    order, _ = card_order
    payload = _event(order)
    response = _deliver(client_b, payload, _signed(payload), django_capture_on_commit_callbacks)
    assert response.status_code == 200
    with schema_context(community_b.schema_name):
        assert StripeEvent.objects.get().result == "no order"
    with schema_context("alpha"):
        assert Order.objects.get(pk=order.pk).status == "pending"


def test_stripe_is_refused_when_the_community_has_no_account(client_a, in_a, settings):
    settings.STRIPE_API_KEY = "sk_test_pista"
    product = ProductFactory(price_minor=100, quotas=[QuotaFactory()])
    response = client_a.post(
        "/api/v1/checkout/",
        {
            "email": "a@example.org",
            "name": "A",
            "provider": "stripe",
            "lines": [{"product": product.pk, "quantity": 1}],
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_provider"
    assert not Order.objects.exists()
