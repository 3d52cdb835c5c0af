"""Paying for a first plan by card on the plan page, against localstripe: a
SetupIntent the browser confirms, then a subscription charged at once and
applied at once. Declines, repeats, another community's card and missing keys
each end with a clear message and nothing half-done or charged twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests
from django_tenants.utils import schema_context

from billing.models import PlatformStripeEvent, Subscription
from billing.services.owner import CardSetupInvalid, card_setup_start, card_subscribe
from billing.services.plans import plan_assign
from billing.stripe_gateway import CardDeclined
from core_apps.accounts.models import User
from core_apps.events.models import Event
from core_apps.events.services import event_publish
from core_apps.privacy.models import AuditEntry
from pista.billing_hooks import PlanLimitReached
from tests.billing.conftest import (
    CARD_CHARGE_FAILS,
    CARD_DECLINED,
    CARD_OK,
    STRIPE_KEY,
    card_confirm,
    deliver,
    event,
)
from tests.conftest import login
from tests.core_apps.events.factories import EventFactory

pytestmark = pytest.mark.django_db
MARCH = datetime(2030, 3, 3, 19, tzinfo=UTC)


def _owner(community) -> User:
    with schema_context(community.schema_name):
        return User.objects.get(email=f"owner@{community.slug}.example")


def _confirmed(community, url: str, number: str = CARD_OK, slug: str = "pro") -> str:
    """The owner starts paying and Stripe.js confirms ``number``: the SetupIntent id."""
    owner = _owner(community)
    secret = card_setup_start(community=community, actor=owner, slug=slug, email=owner.email)
    response = card_confirm(url, secret, number)
    assert response.status_code == 200, response.text
    return response.json()["id"]


def _stripe_subscriptions(url: str, customer: str) -> list[dict]:
    response = requests.get(
        f"{url}/v1/subscriptions", params={"customer": customer}, auth=(STRIPE_KEY, ""), timeout=10
    )
    return response.json()["data"]


def test_a_card_upgrade_applies_pro_at_once_and_the_next_event_publishes(
    card_stripe, a_on_free, plans, community_a, community_b
):
    plan_assign(community=community_b, plan=plans["free"], check_fit=False)
    with schema_context(community_a.schema_name):
        drafts = [
            EventFactory(
                status=Event.Status.DRAFT,
                starts_at=MARCH + timedelta(days=n),
                ends_at=MARCH + timedelta(days=n, hours=3),
            )
            for n in range(6)
        ]
        for draft in drafts[:5]:
            event_publish(actor=None, event=draft)
        with pytest.raises(PlanLimitReached):
            event_publish(actor=None, event=drafts[5])

    setup_intent = _confirmed(community_a, card_stripe)
    row = card_subscribe(
        community=community_a, actor=_owner(community_a), slug="pro", setup_intent_id=setup_intent
    )

    row.refresh_from_db()
    assert (row.plan.slug, row.status) == ("pro", Subscription.Status.ACTIVE)
    assert row.stripe_customer_id.startswith("cus_")
    assert row.stripe_subscription_id.startswith("sub_")
    with schema_context(community_a.schema_name):
        event_publish(actor=None, event=drafts[5])  # Pro's limit, at once
        assert AuditEntry.objects.filter(action="billing.plan_changed", data__to="pro").exists()
    (stripe_sub,) = _stripe_subscriptions(card_stripe, row.stripe_customer_id)
    assert stripe_sub["status"] == "active"
    assert stripe_sub["metadata"] == {"community": community_a.schema_name}
    # The other community is untouched.
    other = Subscription.objects.get(community=community_b)
    assert (other.plan.slug, other.stripe_customer_id) == ("free", "")


def test_a_repeated_submit_subscribes_and_charges_once(card_stripe, a_on_free, community_a):
    setup_intent = _confirmed(community_a, card_stripe)
    owner = _owner(community_a)
    first = card_subscribe(
        community=community_a, actor=owner, slug="pro", setup_intent_id=setup_intent
    )
    again = card_subscribe(
        community=community_a, actor=owner, slug="pro", setup_intent_id=setup_intent
    )
    assert again.stripe_subscription_id == first.stripe_subscription_id
    assert len(_stripe_subscriptions(card_stripe, first.stripe_customer_id)) == 1
    invoices = requests.get(
        f"{card_stripe}/v1/invoices",
        params={"customer": first.stripe_customer_id},
        auth=(STRIPE_KEY, ""),
        timeout=10,
    ).json()["data"]
    assert len(invoices) == 1


def test_a_charge_the_bank_refuses_leaves_free_and_no_subscription(
    card_stripe, a_on_free, community_a
):
    setup_intent = _confirmed(community_a, card_stripe, CARD_CHARGE_FAILS)
    with pytest.raises(CardDeclined) as declined:
        card_subscribe(
            community=community_a,
            actor=_owner(community_a),
            slug="pro",
            setup_intent_id=setup_intent,
        )
    assert declined.value.status_code == 402
    assert "nothing was charged" in declined.value.message
    row = Subscription.objects.get(community=community_a)
    assert (row.plan.slug, row.status, row.stripe_subscription_id) == ("free", "active", "")
    # The customer is kept for the next card; Stripe holds no live subscription.
    assert _stripe_subscriptions(card_stripe, row.stripe_customer_id) == []


def test_a_card_refused_when_saved_cannot_be_subscribed(card_stripe, a_on_free, community_a):
    owner = _owner(community_a)
    secret = card_setup_start(community=community_a, actor=owner, slug="pro", email=owner.email)
    refused = card_confirm(card_stripe, secret, CARD_DECLINED)
    assert refused.status_code == 402
    assert refused.json()["error"]["code"] == "card_declined"
    with pytest.raises(CardSetupInvalid):
        card_subscribe(
            community=community_a,
            actor=owner,
            slug="pro",
            setup_intent_id=secret.split("_secret_")[0],
        )
    assert Subscription.objects.get(community=community_a).plan.slug == "free"


def test_one_communitys_confirmed_card_never_pays_for_another(
    card_stripe, a_on_free, plans, community_a, community_b
):
    plan_assign(community=community_b, plan=plans["free"], check_fit=False)
    a_setup_intent = _confirmed(community_a, card_stripe)
    owner_b = _owner(community_b)
    card_setup_start(community=community_b, actor=owner_b, slug="pro", email=owner_b.email)
    with pytest.raises(CardSetupInvalid):
        card_subscribe(
            community=community_b, actor=owner_b, slug="pro", setup_intent_id=a_setup_intent
        )
    b_row = Subscription.objects.get(community=community_b)
    assert (b_row.plan.slug, b_row.stripe_subscription_id) == ("free", "")
    assert _stripe_subscriptions(card_stripe, b_row.stripe_customer_id) == []
    a_row = Subscription.objects.get(community=community_a)
    assert a_row.stripe_customer_id != b_row.stripe_customer_id
    assert _stripe_subscriptions(card_stripe, a_row.stripe_customer_id) == []


def test_stripes_later_webhook_agrees_without_a_second_change(
    card_stripe, a_on_free, community_a, platform_client, django_capture_on_commit_callbacks
):
    setup_intent = _confirmed(community_a, card_stripe)
    row = card_subscribe(
        community=community_a, actor=_owner(community_a), slug="pro", setup_intent_id=setup_intent
    )
    stripe_sub = requests.get(
        f"{card_stripe}/v1/subscriptions/{row.stripe_subscription_id}",
        auth=(STRIPE_KEY, ""),
        timeout=10,
    ).json()
    before = AuditEntry.objects.count()
    payload = event("customer.subscription.created", stripe_sub, event_id="evt_card_1")
    response = deliver(platform_client, payload, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    stored = PlatformStripeEvent.objects.get(event_id="evt_card_1")
    assert (stored.result, stored.community) == ("subscription active", community_a)
    row.refresh_from_db()
    assert (row.plan.slug, row.status) == ("pro", Subscription.Status.ACTIVE)
    assert AuditEntry.objects.count() == before  # nothing changed: nothing to record


# --- The JSON endpoints the plan page's script calls ---------------------------


def test_the_plan_page_offers_the_card_with_stripe_js_allowed_there_only(
    card_stripe, a_on_free, community_a, client_a
):
    login(client_a, community_a, email="owner@alpha.example")
    page = client_a.get("/settings/plan/")
    body = page.content.decode()
    assert 'id="card-form"' in body and f'src="{card_stripe}/js.stripe.com/v3/"' in body
    policy = page["Content-Security-Policy"]
    scripts = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert card_stripe in scripts
    elsewhere = client_a.get("/")["Content-Security-Policy"]
    assert card_stripe not in elsewhere and "stripe.com" not in elsewhere


def test_the_endpoints_answer_clear_json_errors(card_stripe, a_on_free, community_a, client_a):
    login(client_a, community_a, email="owner@alpha.example")
    unknown = client_a.post("/settings/plan/card/setup/", {"plan": "platinum"})
    assert unknown.status_code == 400 and unknown.json()["code"] == "plan_unknown"
    free = client_a.post("/settings/plan/card/setup/", {"plan": "free"})
    assert free.status_code == 409 and free.json()["code"] == "plan_not_purchasable"
    bad = client_a.post("/settings/plan/card/subscribe/", {"plan": "pro", "setup_intent": "x'"})
    assert bad.status_code == 400 and bad.json()["code"] == "card_setup_invalid"
    missing = client_a.post(
        "/settings/plan/card/subscribe/", {"plan": "pro", "setup_intent": "seti_nothere"}
    )
    assert missing.status_code == 400 and missing.json()["code"] == "card_setup_invalid"

    setup = client_a.post("/settings/plan/card/setup/", {"plan": "pro"})
    assert setup.status_code == 200
    secret = setup.json()["client_secret"]
    assert card_confirm(card_stripe, secret, CARD_OK).status_code == 200
    done = client_a.post(
        "/settings/plan/card/subscribe/",
        {"plan": "pro", "setup_intent": secret.split("_secret_")[0]},
    )
    assert done.status_code == 200 and done.json() == {"redirect": "/settings/plan/"}
    assert Subscription.objects.get(community=community_a).plan.slug == "pro"
    # Paying now: the card form is gone, and a second first purchase is refused.
    assert 'id="card-form"' not in client_a.get("/settings/plan/").content.decode()
    again = client_a.post("/settings/plan/card/setup/", {"plan": "business"})
    assert again.status_code == 409 and again.json()["code"] == "plan_already_paid"


def test_without_stripe_keys_the_card_is_not_offered_and_the_endpoint_says_so(
    a_on_free, community_a, client_a, settings
):
    settings.STRIPE_API_KEY = ""
    login(client_a, community_a, email="owner@alpha.example")
    assert 'id="card-form"' not in client_a.get("/settings/plan/").content.decode()
    response = client_a.post("/settings/plan/card/setup/", {"plan": "pro"})
    assert response.status_code == 409 and response.json()["code"] == "stripe_not_configured"
    assert Subscription.objects.get(community=community_a).stripe_customer_id == ""


def test_members_and_other_hosts_cannot_pay_for_a_community(
    card_stripe, a_on_free, community_a, community_b, client_a, client_b
):
    from tests.factories import UserFactory

    with schema_context(community_a.schema_name):
        member = UserFactory()
    login(client_a, community_a, member)
    response = client_a.post("/settings/plan/card/setup/", {"plan": "pro"})
    assert response.status_code == 403
    login(client_b, community_b, email="owner@beta.example")
    client_b.defaults["HTTP_HOST"] = client_a.defaults["HTTP_HOST"]
    assert client_b.post("/settings/plan/card/setup/", {"plan": "pro"}).status_code == 302
    assert Subscription.objects.get(community=community_a).stripe_customer_id == ""


def test_a_paying_owner_switches_plans_at_stripe_and_cancels_at_the_period_end(
    card_stripe, a_on_free, community_a, client_a
):
    setup_intent = _confirmed(community_a, card_stripe)
    row = card_subscribe(
        community=community_a, actor=_owner(community_a), slug="pro", setup_intent_id=setup_intent
    )
    login(client_a, community_a, email="owner@alpha.example")

    # Pro → Business: Stripe's subscription moves to Business' price, the
    # limits at once; the same Stripe subscription, no second one.
    response = client_a.post("/settings/plan/change/", {"plan": "business"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.plan.slug, row.status) == ("business", Subscription.Status.ACTIVE)
    (stripe_sub,) = _stripe_subscriptions(card_stripe, row.stripe_customer_id)
    assert stripe_sub["id"] == row.stripe_subscription_id
    assert stripe_sub["items"]["data"][0]["plan"]["id"] == "price_business"

    # Back to Free: paid until the period ends, then Stripe's deletion event
    # moves it (tests/billing/test_webhooks.py); the page says so.
    response = client_a.post("/settings/plan/change/", {"plan": "free"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.plan.slug == "business" and row.cancel_at_period_end
    (stripe_sub,) = _stripe_subscriptions(card_stripe, row.stripe_customer_id)
    assert stripe_sub["cancel_at_period_end"] is True
    assert "It ends with the current period." in client_a.get("/settings/plan/").content.decode()
