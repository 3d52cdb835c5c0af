"""Plans (edited by operators) and the plan a community is on.

Changing plans checks the new plan against current usage first: a downgrade
that would break a limit is refused with what must change first.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from billing.models import Plan, Subscription
from billing.selectors import limit_label, plan_usage
from core_apps.privacy.services.audit import audit_record
from pista.billing_hooks import FEATURES
from pista.errors import ApplicationError
from tenants.models import Community

PLAN_FIELDS = {
    "name",
    "position",
    "active",
    "price_minor",
    "currency",
    "interval",
    "trial_days",
    "stripe_price_id",
    "max_members",
    "max_events_per_month",
    "max_staff_seats",
    "max_custom_domains",
    "max_storage_mb",
    "application_fee_permille",
    "feature_partner_finder",
    "feature_api_access",
}
DEFAULT_PLAN_SLUG = "free"


class PlanUnknown(ApplicationError):
    """A plan id nobody offers (the error page shows the message: a 400)."""

    default_code = "plan_unknown"


class PlanInvalid(ApplicationError):
    default_code = "plan_invalid"


def _public_audit(action: str, *, actor: Any, target: Any, data: dict[str, Any]) -> None:
    with schema_context(get_public_schema_name()):
        audit_record(action, actor=actor, target=target, data=data)


@transaction.atomic
def plan_save(*, actor: Any, slug: str, **fields: Any) -> Plan:
    """Create or change a plan (operators; audited in the public schema).
    Raises PlanInvalid for unknown fields or a fee over 100 %."""
    unknown = set(fields) - PLAN_FIELDS
    if unknown:
        raise PlanInvalid(_("Unknown plan fields: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    if int(fields.get("application_fee_permille", 0)) > 1000:
        raise PlanInvalid(_("The fee on ticket sales cannot exceed 100 %."))
    if "currency" in fields:
        fields["currency"] = str(fields["currency"]).upper()
    plan, created = Plan.objects.select_for_update().get_or_create(slug=slug, defaults=fields)
    changed = {}
    if not created:
        for key, value in fields.items():
            if getattr(plan, key) != value:
                changed[key] = [str(getattr(plan, key)), str(value)]
                setattr(plan, key, value)
        if changed:
            plan.save()
    if created or changed:
        _public_audit(
            "billing.plan_created" if created else "billing.plan_changed",
            actor=actor,
            target=plan,
            data={"slug": slug, "changes": changed} if changed else {"slug": slug},
        )
    return plan


def plan_get(*, slug: str, offered_only: bool = True) -> Plan:
    """Raises PlanUnknown for an unknown (or, for owners, withdrawn) plan."""
    qs = Plan.objects.filter(active=True) if offered_only else Plan.objects.all()
    plan = qs.filter(slug=str(slug)[:40]).first()
    if plan is None:
        raise PlanUnknown(_("There is no plan %(slug)r.") % {"slug": str(slug)[:40]})
    return plan


def plan_fit_problems(*, community: Community, plan: Plan) -> list[str]:
    """What the community must change before ``plan`` fits its usage."""
    problems = []
    for usage in plan_usage(community=community, plan=plan):
        if usage.over and usage.used is not None and usage.allowed is not None:
            problems.append(
                _(
                    "%(plan)s allows %(allowed)s %(what)s; you have %(used)s: "
                    "remove %(extra)s first."
                )
                % {
                    "plan": plan.name,
                    "allowed": usage.allowed,
                    "what": limit_label(usage.limit),
                    "used": usage.used,
                    "extra": usage.used - usage.allowed,
                }
            )
    return problems


def plan_assign(
    *,
    community: Community,
    plan: Plan,
    actor: Any = None,
    status: str = Subscription.Status.ACTIVE,
    check_fit: bool = True,
) -> Subscription:
    """Put ``community`` on ``plan`` (the subscription row is locked). Raises
    PlanLimitReached when current usage passes the new plan's limits."""
    from pista.billing_hooks import PlanLimitReached

    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(community=community).first()
        if check_fit:
            problems = plan_fit_problems(community=community, plan=plan)
            if problems:
                raise PlanLimitReached(
                    " ".join(problems), code="plan_downgrade_refused", extra={"plan": plan.slug}
                )
        old = subscription.plan.slug if subscription else None
        if subscription is None:
            subscription = Subscription.objects.create(
                community=community, plan=plan, status=status
            )
        elif subscription.plan_id != plan.pk or subscription.status != status:
            subscription.plan = plan
            subscription.status = status
            subscription.save(update_fields=["plan", "status", "updated"])
        if old != plan.slug:
            _public_audit(
                "billing.plan_assigned",
                actor=None,
                target=community,
                data={"from": old, "to": plan.slug, "by": str(actor or "platform")[:200]},
            )
    return subscription


def subscription_default_ensure(*, community: Community) -> Subscription | None:
    """A new community starts on the free plan (if one exists)."""
    plan = Plan.objects.filter(slug=DEFAULT_PLAN_SLUG).first()
    if plan is None:
        return None
    existing = Subscription.objects.filter(community=community).first()
    return existing or plan_assign(community=community, plan=plan, check_fit=False)


def features_of(plan: Plan) -> list[str]:
    return [feature for feature in FEATURES if plan.has_feature(feature)]
