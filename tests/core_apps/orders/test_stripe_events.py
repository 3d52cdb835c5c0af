# ruff: noqa: F811  (fixtures imported from test_refunds are arguments here)
"""Stripe events after payment (issue 12, acceptance 1d): refunds and disputes made
at Stripe are recorded, audited and visible to staff; events may arrive in any
order; a retried event that is stored but unprocessed is processed, once."""

from __future__ import annotations

import json

import pytest
from django.core import mail

from core_apps.orders.models import Invoice, Order, Refund, StripeEvent
from core_apps.orders.services import order_mark_paid, position_check_in
from core_apps.orders.services.errors import CheckInRefused
from core_apps.privacy.models import AuditEntry
from core_apps.ticketing.models import Quota
from pista.outbox.models import OutboxMessage
from tests.core_apps.orders.test_refunds import (  # noqa: F401  (fixtures)
    _checkout,
    staff_a,
    workshop,
)
from tests.core_apps.orders.test_stripe import URL, _deliver, _signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(client_a, stripe_ready, workshop, django_capture_on_commit_callbacks):
    data = _checkout(client_a, workshop, provider="stripe")
    order = Order.objects.get(code=data["order"]["code"])
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order=order, actor=None, provider="stripe", reference="pi")
    order.refresh_from_db()
    mail.outbox.clear()
    return order


def _charge_event(order: Order, event_id: str, kind: str, **fields) -> bytes:
    obj = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": order.payment_intent_id,
        "amount": order.total_minor,
        "currency": order.currency.lower(),
        "paid": True,
        **fields,
    }
    return json.dumps(
        {"id": event_id, "object": "event", "type": kind, "data": {"object": obj}}
    ).encode()


def _send(client, payload, capture):
    response = _deliver(client, payload, _signed(payload), capture)
    assert response.status_code == 200, response.content
    return response


def _staff_view(client, order: Order) -> dict:
    response = client.get(f"/api/v1/orders/{order.code}/")
    assert response.status_code == 200
    return response.json()


def test_a_full_refund_made_in_stripe_is_recorded_with_a_credit_note_and_frees_the_places(
    client_a,
    staff_a,
    paid,
    workshop,
    django_capture_on_commit_callbacks,
):
    payload = _charge_event(paid, "evt_r1", "charge.refunded", amount_refunded=paid.total_minor)
    _send(client_a, payload, django_capture_on_commit_callbacks)

    order = Order.objects.get(pk=paid.pk)
    assert order.status == "refunded" and order.refunded_minor == order.total_minor
    refund = Refund.objects.get(order=order)
    assert (refund.status, refund.reason, refund.amount_minor) == ("succeeded", "stripe", 4500)
    assert Invoice.objects.get(order=order, kind="credit_note").total_minor == -4500
    assert Quota.objects.get(pk=workshop.quotas.get().pk).sold == 0
    assert AuditEntry.objects.filter(action="order.refund", target_id=str(order.pk)).exists()
    assert mail.outbox and order.code in mail.outbox[-1].subject
    staff_view = _staff_view(client_a, order)
    assert staff_view["status"] == "refunded" and staff_view["refunded_minor"] == 4500


def test_our_own_refunds_echoed_by_stripe_are_not_counted_twice(
    client_a, staff_a, paid, django_capture_on_commit_callbacks
):
    Order.objects.filter(pk=paid.pk).update(
        refunded_minor=1000, status=Order.Status.PARTIALLY_REFUNDED
    )
    payload = _charge_event(paid, "evt_r2", "charge.refunded", amount_refunded=1000)
    _send(client_a, payload, django_capture_on_commit_callbacks)
    assert Order.objects.get(pk=paid.pk).refunded_minor == 1000
    assert not Refund.objects.filter(order=paid).exists()
    assert StripeEvent.objects.get(event_id="evt_r2").result == "known refund"


def test_a_refund_that_arrives_before_the_payment_event_settles_the_payment_first(
    client_a,
    staff_a,
    stripe_ready,
    workshop,
    django_capture_on_commit_callbacks,
):
    data = _checkout(client_a, workshop, provider="stripe")
    order = Order.objects.get(code=data["order"]["code"])
    payload = _charge_event(order, "evt_r3", "charge.refunded", amount_refunded=1500)
    _send(client_a, payload, django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.paid_at is not None
    assert (order.status, order.refunded_minor) == ("partially_refunded", 1500)
    assert Invoice.objects.filter(order=order, kind="invoice").count() == 1


def test_a_dispute_flags_the_order_for_staff_and_a_lost_one_invalidates_its_tickets(
    client_a, staff_a, paid, django_capture_on_commit_callbacks
):
    dispute = {"id": "dp_1", "object": "dispute", "reason": "fraudulent", "amount": 4500}
    opened = _charge_event(
        paid, "evt_d1", "charge.dispute.created", **dispute, status="needs_response"
    )
    _send(client_a, opened, django_capture_on_commit_callbacks)
    assert _staff_view(client_a, paid)["dispute_status"] == "open"
    assert AuditEntry.objects.filter(action="order.dispute_opened").exists()

    closed = _charge_event(paid, "evt_d2", "charge.dispute.closed", **dispute, status="lost")
    _send(client_a, closed, django_capture_on_commit_callbacks)
    assert _staff_view(client_a, paid)["dispute_status"] == "lost"
    assert AuditEntry.objects.filter(action="order.dispute_closed").exists()
    position = paid.positions.get()
    with pytest.raises(CheckInRefused) as refused:
        position_check_in(secret=position.secret, actor=staff_a)
    assert refused.value.code == "ticket_disputed"


def test_a_late_dispute_created_event_does_not_reopen_a_closed_dispute(
    client_a, paid, django_capture_on_commit_callbacks
):
    dispute = {"id": "dp_2", "object": "dispute", "amount": 4500}
    closed = _charge_event(paid, "evt_d3", "charge.dispute.closed", **dispute, status="won")
    opened = _charge_event(paid, "evt_d4", "charge.dispute.created", **dispute, status="open")
    _send(client_a, closed, django_capture_on_commit_callbacks)
    _send(client_a, opened, django_capture_on_commit_callbacks)
    assert Order.objects.get(pk=paid.pk).dispute_status == "won"


def test_a_refund_failing_later_at_stripe_is_flagged_for_staff(
    client_a, paid, django_capture_on_commit_callbacks
):
    refund = Refund.objects.create(
        order=paid,
        amount_minor=500,
        provider="stripe",
        provider_refund_id="re_9",
        status="succeeded",
    )
    body = {
        "id": "evt_f1",
        "object": "event",
        "type": "charge.refund.updated",
        "data": {
            "object": {
                "id": "re_9",
                "object": "refund",
                "payment_intent": paid.payment_intent_id,
                "status": "failed",
            }
        },
    }
    _send(client_a, json.dumps(body).encode(), django_capture_on_commit_callbacks)
    assert Refund.objects.get(pk=refund.pk).status == "failed"
    assert AuditEntry.objects.filter(action="order.refund_failed").exists()


def test_stripes_retry_of_a_stored_but_unprocessed_event_processes_it_once(
    client_a,
    stripe_ready,
    workshop,
    django_capture_on_commit_callbacks,
):
    data = _checkout(client_a, workshop, provider="stripe")
    order = Order.objects.get(code=data["order"]["code"])
    payload = json.dumps(
        {
            "id": "evt_p1",
            "object": "event",
            "type": "payment_intent.succeeded",
            "data": {
                "object": {
                    "id": order.payment_intent_id,
                    "object": "payment_intent",
                    "amount": order.total_minor,
                    "currency": order.currency.lower(),
                    "status": "succeeded",
                }
            },
        }
    ).encode()
    # The first delivery is stored, but its processing never runs (the broker
    # was down when the transaction committed: the callback is dropped here).
    with django_capture_on_commit_callbacks(execute=False):
        first = client_a.post(
            URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=_signed(payload)
        )
    assert first.json()["code"] == "received"
    assert Order.objects.get(pk=order.pk).status == "pending"
    assert OutboxMessage.objects.get(dedupe_key="stripe-event:evt_p1").status == "pending"

    retry = _send(client_a, payload, django_capture_on_commit_callbacks)
    assert retry.json()["code"] == "duplicate"
    assert Order.objects.get(pk=order.pk).status == "paid"
    assert StripeEvent.objects.get(event_id="evt_p1").result == "settled"
    assert OutboxMessage.objects.get(dedupe_key="stripe-event:evt_p1").status == "done"
    _send(client_a, payload, django_capture_on_commit_callbacks)  # once more: nothing changes
    assert Invoice.objects.filter(order=order, kind="invoice").count() == 1
    assert len([m for m in mail.outbox if "tickets" in m.subject]) == 1
