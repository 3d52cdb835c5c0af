"""The enforcement behind ``pista.billing_hooks``: limits, features and the
ticket-sales fee of the current community's plan."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from billing.models import Plan, Subscription
from billing.selectors import limit_label, usage_of
from pista.billing_hooks import PlanLimitReached, plan_enforcer_register
from pista.tenancy import in_public_schema
from tenants.current import community_current
from tenants.models import Community

# Dunning's later steps: nothing grows until the open invoice is paid.
READ_ONLY_STATUSES = (Subscription.Status.READ_ONLY, Subscription.Status.SUSPENDED)


def _community(context: dict[str, Any]) -> Community | None:
    community = context.pop("community", None)
    if isinstance(community, Community):
        return community
    if in_public_schema():
        return None
    try:
        return community_current()
    except Community.DoesNotExist:
        return None  # a schema being provisioned (no community row yet)


def _subscription_locked(community: Community) -> Subscription | None:
    """The community's subscription, locked until the caller's transaction
    ends: concurrent growth at a boundary is counted one request at a time."""
    return (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("plan")
        .filter(community=community)
        .first()
    )


def upgrade_plan_for(*, plan: Plan, limit: str, needed: int) -> Plan | None:
    """The cheapest offered plan that allows ``needed`` of ``limit``."""
    for candidate in Plan.objects.filter(active=True).exclude(pk=plan.pk):
        allowed = candidate.limit(limit)
        if (allowed is None or allowed >= needed) and candidate.price_minor >= plan.price_minor:
            return candidate
    return None


def _upgrade_message(plan: Plan, limit: str, allowed: int, needed: int) -> str:
    message = _("Your plan %(plan)s allows %(allowed)s %(what)s.") % {
        "plan": plan.name,
        "allowed": allowed,
        "what": limit_label(limit),
    }
    better = upgrade_plan_for(plan=plan, limit=limit, needed=needed)
    if better is not None:
        message += " " + _("Upgrade to %(plan)s under Settings → Plan to add more.") % {
            "plan": better.name
        }
    return message


def limit_check(limit: str, *, adding: int = 1, **context: Any) -> None:
    """Raises PlanLimitReached when ``adding`` more of ``limit`` would pass the
    plan, or when a payment is long overdue (read-only). A community on no
    plan is not limited."""
    community = _community(context)
    if community is None:
        return
    subscription = _subscription_locked(community)
    if subscription is None:
        return
    if subscription.status in READ_ONLY_STATUSES:
        raise PlanLimitReached(
            _(
                "Your community is read-only because a payment is overdue: pay the open "
                "invoice under Settings → Plan to add more."
            ),
            code="subscription_read_only",
            extra={"limit": limit, "status": subscription.status},
        )
    allowed = subscription.plan.limit(limit)
    if allowed is None:
        return
    used = usage_of(community=community, limit=limit, **context) or 0
    if used + adding > allowed:
        raise PlanLimitReached(
            _upgrade_message(subscription.plan, limit, allowed, used + adding),
            extra={
                "limit": limit,
                "allowed": allowed,
                "used": used,
                "plan": subscription.plan.slug,
            },
        )


def feature_check(feature: str) -> None:
    """Raises PlanLimitReached when the community's plan lacks ``feature``."""
    community = _community({})
    if community is None:
        return
    subscription = Subscription.objects.select_related("plan").filter(community=community).first()
    if subscription is None or subscription.plan.has_feature(feature):
        return
    plan = subscription.plan
    better = Plan.objects.filter(active=True, **{f"feature_{feature}": True}).first()
    message = _("Your plan %(plan)s does not include %(what)s.") % {
        "plan": plan.name,
        "what": limit_label(feature),
    }
    if better is not None:
        message += " " + _("Upgrade to %(plan)s under Settings → Plan.") % {"plan": better.name}
    raise PlanLimitReached(message, code="plan_feature_missing", extra={"feature": feature})


def fee_permille() -> int | None:
    community = _community({})
    if community is None:
        return None
    subscription = Subscription.objects.select_related("plan").filter(community=community).first()
    return subscription.plan.application_fee_permille if subscription else None


def enforcement_register() -> None:
    plan_enforcer_register(
        limit_check=limit_check, feature_check=feature_check, fee_permille=fee_permille
    )
