"""What a community's owner does on their plan page: change or cancel the
plan (Stripe Checkout for a first paid plan), start Connect onboarding."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from billing import stripe_gateway
from billing.models import Plan, Subscription
from billing.services.plans import plan_assign, plan_fit_problems, plan_get
from billing.services.subscriptions import stripe_subscription_sync
from core_apps.privacy.services.audit import audit_record
from pista.billing_hooks import PlanLimitReached
from pista.errors import ApplicationError
from tenants.models import Community

LIVE = (Subscription.Status.ACTIVE, Subscription.Status.TRIALING, Subscription.Status.PAST_DUE)


class PlanNotPurchasable(ApplicationError):
    default_code = "plan_not_purchasable"
    status_code = 409


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
