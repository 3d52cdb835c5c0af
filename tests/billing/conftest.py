"""Plans and subscriptions for the billing tests (public schema, per test)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import pytest

from billing.demo import plans_demo_seed
from billing.models import Plan, Subscription
from billing.services.plans import plan_assign

PLATFORM_SECRET = "whsec_platform_tests"
CONNECT_SECRET = "whsec_connect_tests"
WEBHOOK_URL = "/stripe/webhook/"


@pytest.fixture
def plans(db, settings) -> dict[str, Plan]:
    settings.STRIPE_PLATFORM_WEBHOOK_SECRET = PLATFORM_SECRET
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = CONNECT_SECRET
    seeded = {plan.slug: plan for plan in plans_demo_seed()}
    Plan.objects.filter(slug="pro").update(stripe_price_id="price_pro")
    Plan.objects.filter(slug="business").update(stripe_price_id="price_business")
    return {slug: Plan.objects.get(pk=plan.pk) for slug, plan in seeded.items()}


@pytest.fixture
def a_on_free(plans, community_a) -> Subscription:
    return plan_assign(community=community_a, plan=plans["free"], check_fit=False)


def signed(payload: bytes, *, secret: str = PLATFORM_SECRET, at: int | None = None) -> str:
    stamp = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


def event(kind: str, obj: dict[str, Any], *, event_id: str, account: str = "") -> bytes:
    body: dict[str, Any] = {
        "id": event_id,
        "object": "event",
        "api_version": "2025-03-31.basil",
        "created": int(time.time()),
        "livemode": False,
        "type": kind,
        "data": {"object": obj},
    }
    if account:
        body["account"] = account
    return json.dumps(body).encode()


def deliver(client, payload: bytes, capture, *, secret: str = PLATFORM_SECRET, signature=None):
    with capture(execute=True):
        return client.post(
            WEBHOOK_URL,
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signature
            if signature is not None
            else signed(payload, secret=secret),
        )


def stripe_subscription(
    *, schema: str, status: str = "active", price: str = "price_pro", sub_id: str = "sub_1"
) -> dict[str, Any]:
    """A Stripe Subscription object as the API reference shows it (trimmed)."""
    now = int(time.time())
    return {
        "id": sub_id,
        "object": "subscription",
        "customer": "cus_1",
        "status": status,
        "cancel_at_period_end": False,
        "trial_end": None,
        "metadata": {"community": schema},
        "items": {
            "object": "list",
            "data": [
                {
                    "id": "si_1",
                    "object": "subscription_item",
                    "current_period_end": now + 30 * 86400,
                    "price": {"id": price, "object": "price", "unit_amount": 2900},
                }
            ],
        },
    }


def stripe_invoice(*, inv_id: str, status: str, paid: int = 0) -> dict[str, Any]:
    return {
        "id": inv_id,
        "object": "invoice",
        "customer": "cus_1",
        "subscription": "sub_1",
        "status": status,
        "amount_due": 2900,
        "amount_paid": paid,
        "currency": "eur",
        "created": int(time.time()),
        "hosted_invoice_url": "https://invoice.stripe.com/i/test",
    }
