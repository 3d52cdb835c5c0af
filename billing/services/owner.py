"""What a community's owner does on their plan page: change or cancel the
plan (a first paid plan by card on the page, or through Stripe Checkout),
start Connect onboarding."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from billing import stripe_gateway
from billing.models import Plan, Subscription
from billing.services.plans import DEFAULT_PLAN_SLUG, plan_assign, plan_fit_problems, plan_get
from billing.services.subscriptions import stripe_subscription_sync
from core_apps.privacy.services.audit import audit_record
from pista.billing_hooks import PlanLimitReached
from pista.errors import ApplicationError
from tenants.models import Community

LIVE = (Subscription.Status.ACTIVE, Subscription.Status.TRIALING, Subscription.Status.PAST_DUE)


SETUP_INTENT_ID = re.compile(r"^seti_[A-Za-z0-9_]{1,200}$")


class PlanNotPurchasable(ApplicationError):
    default_code = "plan_not_purchasable"
    status_code = 409


class PlanAlreadyPaid(ApplicationError):
    """The card path is for a first paid plan; a paying community switches."""

    default_code = "plan_already_paid"
    status_code = 409


class CardSetupInvalid(ApplicationError):
    """The confirmed card the browser names is missing, unconfirmed, or not
    this community's."""

    default_code = "card_setup_invalid"


def _sub_pk(subscription: Subscription | None) -> int:
    return subscription.pk if subscription else 0


def _fit_require(community: Community, plan: Plan) -> None:
    problems = plan_fit_problems(community=community, plan=plan)
    if problems:
        raise PlanLimitReached(
            " ".join(problems), code="plan_downgrade_refused", extra={"plan": plan.slug}
        )


def plan_change_request(
    *,
    community: Community,
    actor: Any,
    slug: str,
    email: str,
    success_url: str,
    cancel_url: str,
) -> str | None:
    """Move the community to plan ``slug``. Returns a Stripe Checkout URL to
    send the owner to (a first paid plan), or None when the change applied.

    Raises PlanUnknown (400), PlanLimitReached (a downgrade that current usage
    breaks: the message says what to remove), PlanNotPurchasable,
    StripeUnavailable."""
    plan = plan_get(slug=slug)
    _fit_require(community, plan)
    subscription = Subscription.objects.filter(community=community).first()
    stripe_live = bool(
        subscription and subscription.stripe_subscription_id and subscription.status in LIVE
    )
    if plan.is_free:
        if stripe_live and subscription is not None:
            # Paid until the period ends; Stripe's deletion event moves it to Free.
            stripe_gateway.subscription_cancel_at_period_end(
                subscription_id=subscription.stripe_subscription_id
            )
            Subscription.objects.filter(pk=subscription.pk).update(cancel_at_period_end=True)
            audit_record("billing.cancel_requested", actor=actor, target=community)
            return None
        with transaction.atomic():
            plan_assign(community=community, plan=plan, actor=getattr(actor, "email", actor))
            audit_record("billing.plan_changed", actor=actor, target=community, data={"to": slug})
        return None
    if not plan.stripe_price_id:
        raise PlanNotPurchasable(
            _("The plan %(plan)s can't be bought online yet.") % {"plan": plan.name}
        )
    if stripe_live and subscription is not None:
        updated = stripe_gateway.subscription_price_change(
            subscription_id=subscription.stripe_subscription_id, price_id=plan.stripe_price_id
        )
        with transaction.atomic():
            row = Subscription.objects.select_for_update().get(pk=subscription.pk)
            # The new limits apply at once; Stripe's update event agrees later.
            stripe_subscription_sync(row, updated, event_id="owner")
            audit_record("billing.plan_changed", actor=actor, target=community, data={"to": slug})
        return None
    audit_record("billing.checkout_started", actor=actor, target=community, data={"to": slug})
    return stripe_gateway.checkout_session_create(
        price_id=plan.stripe_price_id,
        trial_days=plan.trial_days if subscription is None or subscription.plan.is_free else 0,
        customer_id=subscription.stripe_customer_id if subscription else "",
        customer_email=email,
        success_url=success_url,
        cancel_url=cancel_url,
        community_schema=community.schema_name,
        idempotency_key=f"checkout:{community.schema_name}:{plan.slug}:{_sub_pk(subscription)}",
    )


def card_payment_available() -> bool:
    """Whether the plan page can take a card itself (Stripe.js needs the
    publishable key, the server the secret one)."""
    return bool(settings.STRIPE_API_KEY and settings.STRIPE_PUBLISHABLE_KEY)


def subscription_paying(subscription: Subscription | None) -> bool:
    """Whether a live Stripe subscription bills the community."""
    return bool(
        subscription and subscription.stripe_subscription_id and subscription.status in LIVE
    )


def _owner_audit(action: str, *, actor: Any, community: Community, **data: Any) -> None:
    """Audit in the community's schema, where its owner (the actor) lives."""
    with schema_context(community.schema_name):
        audit_record(action, actor=actor, target=community, data=data)


def _card_plan(community: Community, slug: str) -> Plan:
    """The paid plan ``slug``, if the community can buy it now."""
    plan = plan_get(slug=slug)
    if plan.is_free or not plan.stripe_price_id:
        raise PlanNotPurchasable(
            _("The plan %(plan)s can't be bought by card.") % {"plan": plan.name}
        )
    _fit_require(community, plan)
    return plan


def _subscription_locked(community: Community) -> Subscription:
    """The community's subscription row, locked (created on Free if missing)."""
    row = Subscription.objects.select_for_update().filter(community=community).first()
    if row is not None:
        return row
    free = Plan.objects.filter(slug=DEFAULT_PLAN_SLUG).first()
    if free is None:
        raise PlanNotPurchasable(_("This platform offers no plans yet."))
    Subscription.objects.get_or_create(community=community, defaults={"plan": free})
    return Subscription.objects.select_for_update().get(community=community)


def card_setup_start(*, community: Community, actor: Any, slug: str, email: str) -> str:
    """Step 1 of paying by card: the community's Stripe customer (created
    once) and a SetupIntent for the browser to confirm the card with. Returns
    its client secret; nothing is charged.

    Raises PlanUnknown, PlanNotPurchasable, PlanLimitReached (the plan would
    not fit), PlanAlreadyPaid, StripeNotConfigured, StripeUnavailable."""
    _card_plan(community, slug)
    with transaction.atomic():
        row = _subscription_locked(community)
        if subscription_paying(row):
            raise PlanAlreadyPaid(_("Your community already pays for a plan: switch plans below."))
        if not row.stripe_customer_id:
            row.stripe_customer_id = stripe_gateway.customer_create(
                email=email,
                name=community.name,
                community_schema=community.schema_name,
                idempotency_key=f"customer:{community.schema_name}:{row.pk}",
            )
            row.save(update_fields=["stripe_customer_id", "updated"])
            _owner_audit("billing.customer_created", actor=actor, community=community)
        customer_id = row.stripe_customer_id
    return stripe_gateway.setup_intent_create(
        customer_id=customer_id, community_schema=community.schema_name, plan_slug=slug
    )


def card_subscribe(
    *, community: Community, actor: Any, slug: str, setup_intent_id: str
) -> Subscription:
    """Step 2: subscribe the community to plan ``slug`` with the card the
    browser confirmed (SetupIntent ``setup_intent_id``), and apply the plan at
    once; Stripe's webhooks confirm it later (idempotently).

    The subscription row stays locked throughout, so a double submit waits
    and then finds the plan applied. Raises CardSetupInvalid (not this
    community's confirmed card), CardDeclined (nothing subscribed),
    PlanAlreadyPaid, and the errors of ``card_setup_start``."""
    if not SETUP_INTENT_ID.match(setup_intent_id):
        raise CardSetupInvalid(_("The card was not confirmed: enter it again."))
    plan = _card_plan(community, slug)
    with transaction.atomic():
        row = _subscription_locked(community)
        if subscription_paying(row):
            if row.plan_id == plan.pk:
                return row  # the same submit again: done already
            raise PlanAlreadyPaid(_("Your community already pays for a plan: switch plans below."))
        intent = stripe_gateway.setup_intent_retrieve(setup_intent_id)
        if (
            intent is None
            or not row.stripe_customer_id
            or intent.get("customer") != row.stripe_customer_id
            or intent.get("status") != "succeeded"
            or not intent.get("payment_method")
        ):
            raise CardSetupInvalid(_("The card was not confirmed: enter it again."))
        created = stripe_gateway.card_subscription_create(
            customer_id=row.stripe_customer_id,
            payment_method_id=str(intent["payment_method"]),
            plan_id=plan.stripe_price_id,
            trial_days=plan.trial_days if row.plan.is_free else 0,
            community_schema=community.schema_name,
            idempotency_key=f"subscribe:{community.schema_name}:{plan.slug}:{setup_intent_id}",
        )
        stripe_subscription_sync(row, created, event_id="owner")
        _owner_audit("billing.plan_changed", actor=actor, community=community, to=slug, by="card")
    return row
