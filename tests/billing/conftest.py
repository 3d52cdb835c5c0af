"""Plans and subscriptions for the billing tests (public schema, per test)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import pytest
import requests

from billing.demo import plans_demo_seed
from billing.models import Plan, Subscription
from billing.services.plans import plan_assign
from tests.core_apps.orders.conftest import localstripe_server, localstripe_url  # noqa: F401

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


STRIPE_KEY = "sk_test_pista"
PUBLISHABLE_KEY = "pk_test_pista"
CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000002"  # refused when the card is saved
CARD_CHARGE_FAILS = "4000000000000341"  # saved, then refused when charged


@pytest.fixture
def card_stripe(settings, localstripe_url, plans) -> str:  # noqa: F811
    """Stripe on localstripe, with Stripe Plans for Pro and Business (ids as
    ``Plan.stripe_price_id``); Pro without a trial, so the card is charged at once."""
    settings.STRIPE_API_KEY = STRIPE_KEY
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_JS_URL = localstripe_url + "/js.stripe.com/v3/"
    localstripe_plans_create(localstripe_url)
    Plan.objects.filter(slug="pro").update(trial_days=0)
    return localstripe_url


def localstripe_plans_create(url: str) -> None:
    for plan_id, amount in (("price_pro", 2900), ("price_business", 9900)):
        response = requests.post(
            f"{url}/v1/plans",
            data={
                "id": plan_id,
                "amount": amount,
                "currency": "eur",
                "interval": "month",
                "product[name]": plan_id,
            },
            auth=(STRIPE_KEY, ""),
            timeout=10,
        )
        assert response.status_code in (200, 409), response.text  # 409: made by an earlier test


def card_confirm(url: str, client_secret: str, number: str) -> requests.Response:
    """What Stripe.js does with the card fields: confirm the SetupIntent."""
    setup_intent = client_secret.split("_secret_")[0]
    return requests.post(
        f"{url}/v1/setup_intents/{setup_intent}/confirm",
        json={
            "key": PUBLISHABLE_KEY,
            "client_secret": client_secret,
            "payment_method_data": {
                "type": "card",
                "card": {"number": number, "exp_month": "12", "exp_year": "2030", "cvc": "123"},
            },
        },
        timeout=10,
    )


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
