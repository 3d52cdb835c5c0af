"""Refunds to the original payment (Stripe refunds against localstripe on
loopback), buyer self-cancellation within the product's policy window, and the
audit entries of payments, refunds and cancellations."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from django.core import mail
from django.utils import timezone
from django_tenants.utils import schema_context

from core_apps.orders import stripe_gateway
from core_apps.orders.models import Invoice, Order, Refund, WaitlistEntry
from core_apps.privacy.models import AuditEntry
from core_apps.ticketing.models import Quota
from tests.conftest import login
from tests.core_apps.events.factories import (
    EventFactory,
    ProductFactory,
    QuotaFactory,
    organizer_create,
)

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def _checkout(client, product, *, provider="simulated", email="ana@example.org"):
    response = _post(
        client,
        "/api/v1/checkout/",
        {
            "email": email,
            "name": email.split("@")[0].title(),
            "provider": provider,
            "lines": [{"product": product.pk, "quantity": 1}],
        },
    )
    assert response.status_code == 201, response.json()
    return response.json()


def _card_paid_at_localstripe(base: str, intent_id: str) -> None:
    """What the buyer's browser does with Stripe.js: a card on the intent, confirmed."""
    auth = ("sk_test_pista", "")
    method = requests.post(
        f"{base}/v1/payment_methods",
        auth=auth,
        data={
            "type": "card",
            "card[number]": "4242424242424242",
            "card[exp_month]": "12",
            "card[exp_year]": "2031",
            "card[cvc]": "123",
        },
        timeout=5,
    ).json()
    requests.post(
        f"{base}/v1/payment_intents/{intent_id}",
        auth=auth,
        data={"payment_method": method["id"]},
        timeout=5,
    ).raise_for_status()
    confirmed = requests.post(
        f"{base}/v1/payment_intents/{intent_id}/confirm", auth=auth, data={}, timeout=5
    ).json()
    assert confirmed["status"] == "succeeded", confirmed


def _refunds_at_localstripe(base: str, intent_id: str) -> list[int]:
    listing = requests.get(
        f"{base}/v1/refunds",
        auth=("sk_test_pista", ""),
        params={"payment_intent": intent_id},
        timeout=5,
    ).json()
    return sorted(r["amount"] for r in listing["data"])


@pytest.fixture
def staff_a(in_a, client_a, community_a):
    user = organizer_create()
    login(client_a, community_a, user)
    return user


@pytest.fixture
def workshop(in_a):
    return ProductFactory(
        name="Workshop", event=EventFactory(), price_minor=4500, quotas=[QuotaFactory(size=1)]
    )


@pytest.fixture
def card_paid(client_a, stripe_ready, workshop, django_capture_on_commit_callbacks):
    """An order paid by card at localstripe and confirmed by the buyer's return."""
    data = _checkout(client_a, workshop, provider="stripe")
    order = Order.objects.get(code=data["order"]["code"])
    _card_paid_at_localstripe(stripe_ready, order.payment_intent_id)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            client_a, f"/api/v1/orders/{order.code}/stripe-confirm/", {"secret": data["secret"]}
        )
    assert response.json()["status"] == "paid"
    mail.outbox.clear()
    order.refresh_from_db()
    return order


def test_organizer_refunds_go_to_the_payment_intent_partly_then_fully(
    client_a, staff_a, card_paid, stripe_ready, workshop, django_capture_on_commit_callbacks
):
    order = card_paid
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client_a, f"/api/v1/orders/{order.code}/refund/", {"amount_minor": 1000})
    assert response.status_code == 200 and response.json()["status"] == "partially_refunded"
    assert _refunds_at_localstripe(stripe_ready, order.payment_intent_id) == [1000]
    refund = Refund.objects.get(order=order)
    assert refund.status == "succeeded" and refund.provider_refund_id.startswith("re_")
    assert Quota.objects.get(pk=workshop.quotas.get().pk).sold == 1  # a partial keeps the place
    # The buyer hears of it, in the theme, with the credit note.
    message = mail.outbox[-1]
    assert message.to == [order.email] and order.code in message.subject
    assert any(name.startswith("credit-note-") for name, *_ in message.attachments)
    assert message.alternatives and "<html" in message.alternatives[0][0].lower()

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client_a, f"/api/v1/orders/{order.code}/refund/", {})
    assert response.status_code == 200 and response.json()["status"] == "refunded"
    assert _refunds_at_localstripe(stripe_ready, order.payment_intent_id) == [1000, 3500]
    order.refresh_from_db()
    assert order.refunded_minor == 4500
    assert sorted(
        Invoice.objects.filter(order=order, kind="credit_note").values_list(
            "total_minor", flat=True
        )
    ) == [-3500, -1000]
    assert Quota.objects.get(pk=workshop.quotas.get().pk).sold == 0
    audits = AuditEntry.objects.filter(action="order.refund", target_id=str(order.pk))
    assert [a.data["amount_minor"] for a in audits.order_by("pk")] == [1000, 3500]
    assert audits.first().actor == staff_a


def test_each_refund_has_its_own_idempotency_key_derived_from_order_and_refund(
    client_a, staff_a, card_paid, monkeypatch
):
    keys: list[str] = []
    real = stripe_gateway.refund_create

    def spy(**kwargs):
        keys.append(kwargs["idempotency_key"])
        return real(**kwargs)

    monkeypatch.setattr(stripe_gateway, "refund_create", spy)
    order = card_paid
    for _ in range(2):
        _post(client_a, f"/api/v1/orders/{order.code}/refund/", {"amount_minor": 500})
    refunds = list(Refund.objects.filter(order=order).order_by("pk"))
    assert keys == [f"pista-alpha-{order.code}-refund-{r.pk}" for r in refunds]
    assert len(set(keys)) == 2


def test_a_refused_refund_leaves_the_order_as_it_was_and_reports_the_error(
    client_a, staff_a, stripe_ready, workshop, django_capture_on_commit_callbacks
):
    # Paid by a (signed) webhook, but localstripe has no charge to refund.
    from core_apps.orders.services import order_mark_paid

    data = _checkout(client_a, workshop, provider="stripe")
    order = Order.objects.get(code=data["order"]["code"])
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order=order, actor=None, provider="stripe", reference="pi")
    response = _post(client_a, f"/api/v1/orders/{order.code}/refund/", {"amount_minor": 1000})
    assert response.status_code == 502
    assert response.json()["code"] == "refund_failed" and response.json()["detail"]
    order.refresh_from_db()
    assert order.status == "paid" and order.refunded_minor == 0
    assert not Invoice.objects.filter(order=order, kind="credit_note").exists()
    assert Refund.objects.get(order=order).status == "failed"
    assert "refund.failed" in [e.action for e in order.log.all()]
    assert AuditEntry.objects.filter(action="order.refund_failed").exists()
    assert Quota.objects.get(pk=workshop.quotas.get().pk).sold == 1
    # The whole amount can still be refunded later (nothing stays reserved).
    with pytest.raises(stripe_gateway.RefundFailed):
        from core_apps.orders.services import order_refund

        order_refund(order=order, actor=staff_a)
    assert Order.objects.get(pk=order.pk).refunded_minor == 0


def test_a_cancelled_event_refunds_card_payments_at_stripe(
    card_paid, stripe_ready, workshop, django_capture_on_commit_callbacks
):
    from core_apps.events.services import event_cancel

    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(actor=None, event=workshop.event)
    order = Order.objects.get(pk=card_paid.pk)
    assert order.status == "refunded" and order.refunded_minor == 4500
    assert _refunds_at_localstripe(stripe_ready, order.payment_intent_id) == [4500]
    assert Refund.objects.get(order=order).reason == "event_cancelled"


# --- Buyer self-cancellation ------------------------------------------------------


@pytest.fixture
def class_series(in_a):
    """Cancellable until 7 days before the start: 80 % back, minus 1.00 per ticket."""
    event = EventFactory(starts_at=timezone.now() + timedelta(days=30))
    event.ends_at = event.starts_at + timedelta(hours=2)
    event.save()
    return ProductFactory(
        name="Series",
        event=event,
        price_minor=2000,
        quotas=[QuotaFactory(size=1)],
        cancel_days_before=7,
        cancel_refund_percent=80,
        cancel_fee_minor=100,
    )


def _paid(client, product, email="ana@example.org", capture=None):
    data = _checkout(client, product, email=email)
    response = _post(
        client,
        f"/api/v1/orders/{data['order']['code']}/pay/",
        {"secret": data["secret"], "card_number": "4242424242424242"},
    )
    assert response.status_code == 200
    return data


def test_buyer_cancels_within_the_window_refund_per_policy_and_the_place_goes_to_the_waitlist(
    client_a, class_series, django_capture_on_commit_callbacks
):
    data = _paid(client_a, class_series)
    code, secret = data["order"]["code"], data["secret"]
    page = client_a.get(f"/orders/{code}/{secret}/")
    assert b'class="self-cancel"' in page.content
    terms = client_a.get(f"/api/v1/orders/{code}/cancellation-terms/?secret={secret}").json()
    assert terms["allowed"] and terms["refund_minor"] == 1500  # 80 % of 20.00 - 1.00
    # Sold out: someone waits.
    _post(
        client_a,
        "/api/v1/waitlist/",
        {"product": class_series.pk, "name": "Ben", "email": "ben@example.org"},
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client_a, f"/api/v1/orders/{code}/cancel/", {"secret": secret})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    order = Order.objects.get(code=code)
    assert order.refunded_minor == 1500
    assert Refund.objects.get(order=order).reason == "buyer_cancelled"
    assert Invoice.objects.filter(order=order, kind="credit_note", total_minor=-1500).exists()
    # The freed place is offered to the waitlist (existing flow).
    assert WaitlistEntry.objects.get(email="ben@example.org").status == "offered"
    assert {m.to[0] for m in mail.outbox} >= {"ben@example.org", "ana@example.org"}
    entry = AuditEntry.objects.get(action="order.cancel", target_id=str(order.pk))
    assert entry.data == {"reason": "buyer", "refund_minor": 1500}
    # Twice: refused, nothing refunded again.
    again = _post(client_a, f"/api/v1/orders/{code}/cancel/", {"secret": secret})
    assert again.status_code == 409 and again.json()["code"] == "order_state"
    assert Order.objects.get(code=code).refunded_minor == 1500


def test_outside_the_window_the_button_is_absent_and_the_api_refuses(client_a, class_series):
    event = class_series.event
    event.starts_at = timezone.now() + timedelta(days=3)
    event.ends_at = event.starts_at + timedelta(hours=2)
    event.save()
    data = _paid(client_a, class_series)
    code, secret = data["order"]["code"], data["secret"]
    assert b'class="self-cancel"' not in client_a.get(f"/orders/{code}/{secret}/").content
    response = _post(client_a, f"/api/v1/orders/{code}/cancel/", {"secret": secret})
    assert response.status_code == 409 and response.json()["code"] == "cancel_window_closed"
    order = Order.objects.get(code=code)
    assert order.status == "paid" and order.refunded_minor == 0
    assert Quota.objects.get(pk=class_series.quotas.get().pk).sold == 1
    # The HTML form says why instead of failing.
    page = client_a.post(f"/orders/{code}/{secret}/cancel/", follow=True)
    assert b"cancellation period" in page.content


def test_a_product_without_a_policy_cannot_be_cancelled_by_the_buyer(client_a, workshop):
    data = _paid(client_a, workshop)
    response = _post(
        client_a, f"/api/v1/orders/{data['order']['code']}/cancel/", {"secret": data["secret"]}
    )
    assert response.status_code == 409 and response.json()["code"] == "cancel_not_allowed"


def test_self_cancellation_needs_the_orders_secret_and_its_own_community(
    client_a, client_b, class_series
):
    data = _paid(client_a, class_series)
    code = data["order"]["code"]
    assert _post(client_a, f"/api/v1/orders/{code}/cancel/", {"secret": "x"}).status_code == 404
    other = _post(client_b, f"/api/v1/orders/{code}/cancel/", {"secret": data["secret"]})
    assert other.status_code == 404
    with schema_context("alpha"):
        assert Order.objects.get(code=code).status == "paid"


def test_staff_mark_paid_payments_and_check_ins_are_audited(client_a, staff_a, workshop):
    data = _checkout(client_a, workshop, provider="manual")
    code = data["order"]["code"]
    assert _post(client_a, f"/api/v1/orders/{code}/mark-paid/").status_code == 200
    order = Order.objects.get(code=code)
    paid = AuditEntry.objects.get(action="order.mark_paid", target_id=str(order.pk))
    assert paid.actor == staff_a and paid.data["total_minor"] == 4500
    secret = order.positions.get().secret
    response = _post(client_a, "/api/v1/checkin/", {"secret": secret, "location": "Door"})
    assert response.status_code == 200
    checkin = AuditEntry.objects.get(action="ticket.check_in")
    assert checkin.actor == staff_a and checkin.data["location"] == "Door"


def test_a_cancelled_orders_ticket_is_refused_at_check_in(client_a, staff_a, workshop):
    data = _checkout(client_a, workshop)
    code = data["order"]["code"]
    cancelled = _post(client_a, f"/api/v1/orders/{code}/cancel/", {"secret": data["secret"]})
    assert cancelled.json()["status"] == "cancelled"
    secret = Order.objects.get(code=code).positions.get().secret
    response = _post(client_a, "/api/v1/checkin/", {"secret": secret})
    assert response.status_code == 409 and response.json()["code"] == "ticket_invalid"
    assert not AuditEntry.objects.filter(action="ticket.check_in").exists()


def test_a_card_buyers_self_cancellation_is_refunded_to_the_payment_intent(
    client_a, card_paid, stripe_ready, workshop, django_capture_on_commit_callbacks
):
    workshop.cancel_days_before = 7
    workshop.cancel_refund_percent = 50
    workshop.save()
    order = card_paid
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client_a, f"/api/v1/orders/{order.code}/cancel/", {"secret": order.secret})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert _refunds_at_localstripe(stripe_ready, order.payment_intent_id) == [2250]
    assert Quota.objects.get(pk=workshop.quotas.get().pk).sold == 0


def test_a_self_cancellation_stripe_refuses_keeps_the_order_and_its_place(
    client_a, stripe_ready, workshop, django_capture_on_commit_callbacks
):
    from core_apps.orders.services import order_mark_paid

    workshop.cancel_days_before = 7
    workshop.save()
    data = _checkout(client_a, workshop, provider="stripe")
    order = Order.objects.get(code=data["order"]["code"])
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order=order, actor=None, provider="stripe", reference="pi")
    response = _post(client_a, f"/api/v1/orders/{order.code}/cancel/", {"secret": data["secret"]})
    assert response.status_code == 502 and response.json()["code"] == "refund_failed"
    order.refresh_from_db()
    assert order.status == "paid" and order.refunded_minor == 0
    assert set(order.positions.values_list("status", flat=True)) == {"valid"}
    assert Quota.objects.get(pk=workshop.quotas.get().pk).sold == 1
