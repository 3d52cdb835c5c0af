"""The platform's Stripe endpoint: signed Stripe-shaped events drive the
subscription (created → active, payment failed → past due → read-only →
suspended, paid → reinstated), are processed once, and Connect events reach
their community's order processing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.models import ConnectedAccount, PlatformInvoice, PlatformStripeEvent, Subscription
from billing.services.subscriptions import dunning_run
from core_apps.privacy.models import AuditEntry
from pista.billing_hooks import LIMIT_EVENTS_PER_MONTH, PlanLimitReached, plan_limit_check
from tenants.lifecycle.services.suspension import community_reinstate, community_suspend
from tenants.models import Community
from tests.factories import UserFactory

from .conftest import (
    CONNECT_SECRET,
    deliver,
    event,
    signed,
    stripe_invoice,
    stripe_subscription,
)

pytestmark = pytest.mark.django_db


def _subscribe(platform_client, community, capture) -> Subscription:
    payload = event(
        "customer.subscription.created",
        stripe_subscription(schema=community.schema_name),
        event_id="evt_sub_created",
    )
    response = deliver(platform_client, payload, capture)
    assert response.status_code == 200, response.content
    assert response.json() == {"code": "received", "event": "evt_sub_created"}
    return Subscription.objects.get(community=community)


def test_subscription_created_puts_the_community_on_the_paid_plan(
    platform_client, community_a, a_on_free, plans, django_capture_on_commit_callbacks
):
    subscription = _subscribe(platform_client, community_a, django_capture_on_commit_callbacks)
    assert subscription.plan == plans["pro"]
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.stripe_subscription_id == "sub_1"
    assert subscription.stripe_customer_id == "cus_1"
    assert subscription.current_period_end is not None
    row = PlatformStripeEvent.objects.get(event_id="evt_sub_created")
    assert row.result == "subscription active" and row.community == community_a
    assert AuditEntry.objects.filter(action="billing.plan_assigned", data__to="pro").exists()


def test_payment_failure_goes_past_due_then_read_only_then_suspended_and_payment_reinstates(
    platform_client, community_a, a_on_free, django_capture_on_commit_callbacks, settings
):
    settings.PISTA_DUNNING_READ_ONLY_AFTER_DAYS = 7
    settings.PISTA_DUNNING_SUSPEND_AFTER_DAYS = 21
    capture = django_capture_on_commit_callbacks
    _subscribe(platform_client, community_a, capture)

    failed = event(
        "invoice.payment_failed",
        stripe_invoice(inv_id="in_1", status="open"),
        event_id="evt_failed",
    )
    deliver(platform_client, failed, capture)
    subscription = Subscription.objects.get(community=community_a)
    assert subscription.status == Subscription.Status.PAST_DUE
    assert subscription.past_due_since is not None
    assert PlatformInvoice.objects.get(stripe_invoice_id="in_1").status == "open"
    # The owner is told once, in the community's theme.
    assert [m.to for m in mail.outbox] == [["owner@alpha.example"]]
    assert "payment failed" in mail.outbox[0].subject

    now = timezone.now()
    with capture(execute=True):
        assert dunning_run(now=now + timedelta(days=3)) == []
        assert dunning_run(now=now + timedelta(days=8)) == [("alpha", "read_only")]
    # Read-only: nothing grows, whatever the plan allows.
    with schema_context(community_a.schema_name), pytest.raises(PlanLimitReached):
        plan_limit_check(LIMIT_EVENTS_PER_MONTH)
    assert len(mail.outbox) == 2

    with capture(execute=True):
        assert dunning_run(now=now + timedelta(days=22)) == [("alpha", "suspended")]
    community_a.refresh_from_db()
    assert community_a.status == Community.Status.SUSPENDED
    assert Subscription.objects.get(community=community_a).status == "suspended"

    paid = event(
        "invoice.paid", stripe_invoice(inv_id="in_1", status="paid", paid=2900), event_id="evt_paid"
    )
    response = deliver(platform_client, paid, capture)
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.past_due_since is None
    community_a.refresh_from_db()
    assert community_a.status == Community.Status.ACTIVE
    assert PlatformInvoice.objects.get(stripe_invoice_id="in_1").amount_paid_minor == 2900
    assert PlatformStripeEvent.objects.get(event_id="evt_paid").result == "reinstated"


def test_a_duplicate_event_is_stored_and_processed_once(
    platform_client, community_a, a_on_free, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _subscribe(platform_client, community_a, capture)
    failed = event(
        "invoice.payment_failed", stripe_invoice(inv_id="in_2", status="open"), event_id="evt_dup"
    )
    first = deliver(platform_client, failed, capture)
    second = deliver(platform_client, failed, capture)
    assert first.json()["code"] == "received" and second.json()["code"] == "duplicate"
    assert PlatformStripeEvent.objects.filter(event_id="evt_dup").count() == 1
    assert len(mail.outbox) == 1
    assert (
        AuditEntry.objects.filter(
            action="billing.subscription_status", data__event="evt_dup"
        ).count()
        == 1
    )


@pytest.mark.parametrize("signature", ["", "t=1,v1=deadbeef", "stale", "wrong-secret"])
def test_unsigned_forged_or_stale_events_are_refused_and_stored_nowhere(
    platform_client, a_on_free, signature, django_capture_on_commit_callbacks
):
    payload = event("invoice.paid", stripe_invoice(inv_id="in_3", status="paid"), event_id="evt_x")
    if signature == "stale":
        signature = signed(payload, at=int(timezone.now().timestamp()) - 3600)
    elif signature == "wrong-secret":
        signature = signed(payload, secret="whsec_someone_else")
    response = deliver(
        platform_client, payload, django_capture_on_commit_callbacks, signature=signature
    )
    assert response.status_code == 400
    assert response.json()["code"] == "webhook_invalid"
    assert not PlatformStripeEvent.objects.exists()


def test_an_event_for_an_unknown_customer_is_kept_as_unroutable_with_a_200(
    platform_client, a_on_free, django_capture_on_commit_callbacks
):
    invoice = stripe_invoice(inv_id="in_4", status="open") | {
        "customer": "cus_nobody",
        "subscription": "sub_nobody",
    }
    payload = event("invoice.payment_failed", invoice, event_id="evt_unknown")
    response = deliver(platform_client, payload, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    row = PlatformStripeEvent.objects.get(event_id="evt_unknown")
    assert row.result == "unroutable" and row.processed_at is not None
    assert Subscription.objects.get().status == "active"


def test_connect_events_are_routed_to_their_community_and_unknown_accounts_are_unroutable(
    platform_client, community_a, community_b, a_on_free, django_capture_on_commit_callbacks
):
    from billing.services.connect import connect_account_link
    from core_apps.orders.models import PaymentSettings, StripeEvent

    capture = django_capture_on_commit_callbacks
    connect_account_link(community=community_a, account_id="acct_alpha")
    with schema_context(community_a.schema_name):
        assert PaymentSettings.objects.get().stripe_account_id == "acct_alpha"

    intent = {"id": "pi_nobody", "object": "payment_intent", "amount": 100, "status": "succeeded"}
    routed = event("payment_intent.succeeded", intent, event_id="evt_c1", account="acct_alpha")
    assert deliver(platform_client, routed, capture, secret=CONNECT_SECRET).status_code == 200
    row = PlatformStripeEvent.objects.get(event_id="evt_c1")
    assert row.result == "routed" and row.community == community_a
    assert row.payload == "{}"  # the community's schema holds it now
    with schema_context(community_a.schema_name):
        stored = StripeEvent.objects.get(event_id="evt_c1")
        assert stored.processed_at is not None and stored.result == "no order"
    with schema_context(community_b.schema_name):
        assert not StripeEvent.objects.filter(event_id="evt_c1").exists()

    stray = event("payment_intent.succeeded", intent, event_id="evt_c2", account="acct_unknown")
    assert deliver(platform_client, stray, capture, secret=CONNECT_SECRET).status_code == 200
    assert PlatformStripeEvent.objects.get(event_id="evt_c2").result == "unroutable"

    account = {
        "id": "acct_alpha",
        "object": "account",
        "charges_enabled": True,
        "payouts_enabled": False,
        "details_submitted": True,
        "requirements": {"currently_due": ["external_account"], "past_due": []},
    }
    updated = event("account.updated", account, event_id="evt_c3", account="acct_alpha")
    deliver(platform_client, updated, capture, secret=CONNECT_SECRET)
    status = ConnectedAccount.objects.get(community=community_a)
    assert status.charges_enabled and not status.payouts_enabled
    assert status.requirements_due == ["external_account"]


def test_a_canceled_subscription_falls_back_to_the_free_plan(
    platform_client, community_a, a_on_free, plans, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _subscribe(platform_client, community_a, capture)
    payload = event(
        "customer.subscription.deleted",
        stripe_subscription(schema=community_a.schema_name, status="canceled"),
        event_id="evt_deleted",
    )
    deliver(platform_client, payload, capture)
    subscription = Subscription.objects.get(community=community_a)
    assert subscription.plan == plans["free"] and subscription.status == "canceled"


def test_the_paid_plans_limits_apply_as_soon_as_stripe_confirms_the_subscription(
    platform_client, community_a, a_on_free, django_capture_on_commit_callbacks
):
    from datetime import UTC, datetime

    from core_apps.events.models import Event
    from core_apps.events.services import event_publish
    from tests.core_apps.events.factories import EventFactory

    march = datetime(2030, 3, 3, 19, tzinfo=UTC)
    with schema_context(community_a.schema_name):
        drafts = [
            EventFactory(
                status=Event.Status.DRAFT,
                starts_at=march + timedelta(days=n),
                ends_at=march + timedelta(days=n, hours=3),
            )
            for n in range(6)
        ]
        for draft in drafts[:5]:
            event_publish(actor=None, event=draft)
        with pytest.raises(PlanLimitReached):
            event_publish(actor=None, event=drafts[5])
    _subscribe(platform_client, community_a, django_capture_on_commit_callbacks)  # → Pro
    with schema_context(community_a.schema_name):
        event_publish(actor=None, event=drafts[5])
        assert Event.objects.filter(status=Event.Status.PUBLISHED).count() == 6


def test_a_community_on_no_plan_yet_is_subscribed_by_its_first_subscription_event(
    platform_client, community_b, plans, django_capture_on_commit_callbacks
):
    assert not Subscription.objects.filter(community=community_b).exists()
    payload = event(
        "customer.subscription.created",
        stripe_subscription(schema=community_b.schema_name, price="price_business", sub_id="sub_b"),
        event_id="evt_b_created",
    )
    assert deliver(platform_client, payload, django_capture_on_commit_callbacks).status_code == 200
    subscription = Subscription.objects.get(community=community_b)
    assert subscription.plan == plans["business"] and subscription.status == "active"


def test_a_trial_started_at_stripe_shows_as_a_trial_until_stripe_says_active(
    platform_client, community_a, a_on_free, plans, django_capture_on_commit_callbacks
):
    from billing.services.subscriptions import trial_expiry_run

    capture = django_capture_on_commit_callbacks
    trial_end = int((timezone.now() + timedelta(days=14)).timestamp())
    trialing = stripe_subscription(schema=community_a.schema_name, status="trialing") | {
        "trial_end": trial_end
    }
    created = event("customer.subscription.created", trialing, event_id="evt_trial_created")
    assert deliver(platform_client, created, capture).status_code == 200
    subscription = Subscription.objects.get(community=community_a)
    assert (subscription.plan, subscription.status) == (plans["pro"], Subscription.Status.TRIALING)
    assert int(subscription.trial_ends_at.timestamp()) == trial_end
    # Pro's limits apply during the trial.
    assert PlatformStripeEvent.objects.get(event_id="evt_trial_created").result == (
        "subscription trialing"
    )

    # Stripe's zero invoice at the start of a trial leaves the trial running,
    # and the beat leaves a trial Stripe bills to Stripe.
    zero = stripe_invoice(inv_id="in_trial", status="paid") | {"amount_due": 0}
    deliver(platform_client, event("invoice.paid", zero, event_id="evt_trial_inv"), capture)
    assert trial_expiry_run(now=timezone.now() + timedelta(days=30)) == []
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.TRIALING

    # The trial ends: Stripe charges the card and says active.
    active = stripe_subscription(schema=community_a.schema_name, status="active")
    updated = event("customer.subscription.updated", active, event_id="evt_trial_over")
    deliver(platform_client, updated, capture)
    paid = stripe_invoice(inv_id="in_first", status="paid", paid=2900)
    deliver(platform_client, event("invoice.paid", paid, event_id="evt_first_paid"), capture)
    subscription.refresh_from_db()
    assert (subscription.plan, subscription.status) == (plans["pro"], Subscription.Status.ACTIVE)
    assert subscription.trial_ends_at is None
    changes = AuditEntry.objects.filter(action="billing.subscription_status").order_by("pk")
    assert [(e.data["old"], e.data["new"]) for e in changes] == [
        ("active", "trialing"),
        ("trialing", "active"),
    ]


def test_stripe_checkout_records_the_customer_and_the_owner_sees_the_invoices(
    platform_client, client_a, community_a, a_on_free, plans, django_capture_on_commit_callbacks
):
    from tests.conftest import login

    capture = django_capture_on_commit_callbacks
    session = {
        "id": "cs_test_1",
        "object": "checkout.session",
        "mode": "subscription",
        "client_reference_id": community_a.schema_name,
        "customer": "cus_1",
        "subscription": "sub_1",
        "metadata": {"community": community_a.schema_name},
    }
    done = event("checkout.session.completed", session, event_id="evt_checkout")
    assert deliver(platform_client, done, capture).status_code == 200
    subscription = Subscription.objects.get(community=community_a)
    assert (subscription.stripe_customer_id, subscription.stripe_subscription_id) == (
        "cus_1",
        "sub_1",
    )
    assert PlatformStripeEvent.objects.get(event_id="evt_checkout").result == "checkout recorded"
    _subscribe(platform_client, community_a, capture)
    paid = stripe_invoice(inv_id="in_seen", status="paid", paid=2900)
    deliver(platform_client, event("invoice.paid", paid, event_id="evt_seen"), capture)

    login(client_a, community_a, email="owner@alpha.example")
    page = client_a.get("/settings/plan/").content.decode()
    invoices = page.split('id="invoices"')[1].split("</section>")[0]
    assert "€29.00" in invoices and "https://invoice.stripe.com/i/test" in invoices


def test_a_paid_invoice_does_not_reopen_a_community_an_operator_suspended(
    platform_client, community_a, a_on_free, django_capture_on_commit_callbacks, settings
):
    settings.PISTA_DUNNING_SUSPEND_AFTER_DAYS = 21
    capture = django_capture_on_commit_callbacks
    _subscribe(platform_client, community_a, capture)
    failed = event(
        "invoice.payment_failed", stripe_invoice(inv_id="in_1", status="open"), event_id="evt_f"
    )
    deliver(platform_client, failed, capture)
    operator = UserFactory(is_staff=True, is_superuser=True)
    community_suspend(community=community_a, operator=operator, reason="Abuse report #12")
    # Dunning runs on meanwhile: the subscription is suspended too.
    with capture(execute=True):
        dunning_run(now=timezone.now() + timedelta(days=22))
    assert Subscription.objects.get(community=community_a).status == "suspended"

    paid = event(
        "invoice.paid", stripe_invoice(inv_id="in_1", status="paid", paid=2900), event_id="evt_p"
    )
    assert deliver(platform_client, paid, capture).status_code == 200
    assert Subscription.objects.get(community=community_a).status == Subscription.Status.ACTIVE
    community_a.refresh_from_db()
    assert community_a.status == Community.Status.SUSPENDED

    # Once the operator reinstates it, billing's later changes apply again.
    community_reinstate(community=community_a, operator=operator, reason="Resolved")
    community_a.refresh_from_db()
    assert community_a.status == Community.Status.ACTIVE
