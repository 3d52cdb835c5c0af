"""Reads of plans, subscriptions and usage (the operator console calls these)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from billing.models import ConnectedAccount, Plan, PlatformInvoice, Subscription
from pista.billing_hooks import LIMIT_CUSTOM_DOMAINS, LIMITS, usage_count
from pista.memo import LocalMemo
from tenants.current import community_default_domain
from tenants.models import Community, Domain


def limit_label(limit: str) -> str:
    labels = {
        "members": _("members"),
        "events_per_month": _("published events per month"),
        "staff_seats": _("staff seats"),
        "custom_domains": _("custom domains"),
        "storage_mb": _("MB of storage"),
        "partner_finder": _("the partner finder"),
        "api_access": _("API access"),
    }
    return labels.get(limit, limit)


@dataclass(frozen=True)
class LimitUsage:
    limit: str
    used: int | None  # None: nothing counts this usage
    allowed: int | None  # None: unlimited

    @property
    def label(self) -> str:
        return limit_label(self.limit)

    @property
    def over(self) -> bool:
        return self.used is not None and self.allowed is not None and self.used > self.allowed


def plans_offered() -> QuerySet[Plan]:
    return Plan.objects.filter(active=True).order_by("position", "price_minor")


def plan_by_slug(slug: str) -> Plan | None:
    return Plan.objects.filter(slug=slug).first()


def subscription_of(*, community: Community) -> Subscription | None:
    return Subscription.objects.select_related("plan").filter(community=community).first()


def subscriptions_by_community(*, communities: list[Community]) -> dict[int, Subscription]:
    """Each listed community's subscription (with its plan), by community id."""
    rows = Subscription.objects.filter(community__in=communities).select_related("plan")
    return {row.community_id: row for row in rows}


def custom_domains_count(*, community: Community) -> int:
    """Domains the owner added (the platform sub-domain is not counted)."""
    return (
        Domain.objects.filter(tenant=community)
        .exclude(domain=community_default_domain(community.slug))
        .count()
    )


def usage_of(*, community: Community, limit: str, **context: object) -> int | None:
    """One limit's current usage, counted in the community's schema."""
    if limit == LIMIT_CUSTOM_DOMAINS:
        return custom_domains_count(community=community)
    with schema_context(community.schema_name):
        return usage_count(limit, **context)


def plan_usage(*, community: Community, plan: Plan | None = None) -> list[LimitUsage]:
    """Each limit of ``plan`` (default: the community's) with current usage."""
    if plan is None:
        subscription = subscription_of(community=community)
        plan = subscription.plan if subscription else None
    return [
        LimitUsage(
            limit=limit,
            used=usage_of(community=community, limit=limit),
            allowed=plan.limit(limit) if plan else None,
        )
        for limit in LIMITS
    ]


def invoices_of(*, community: Community) -> QuerySet[PlatformInvoice]:
    return PlatformInvoice.objects.filter(subscription__community=community)


def connected_account_of(*, community: Community) -> ConnectedAccount | None:
    return ConnectedAccount.objects.filter(community=community).first()


def community_for_account(*, account_id: str) -> Community | None:
    row = ConnectedAccount.objects.select_related("community").filter(account_id=account_id).first()
    return row.community if row else None


PLAN_TIER_CACHE_SECONDS = 60
# A metrics label: a minute in the process too, without a round trip per request.
_plan_tiers_memo: LocalMemo[str] = LocalMemo(ttl_s=PLAN_TIER_CACHE_SECONDS)


def plan_tier_of(community: Community) -> str:
    """The slug of the community's plan ("none" without one): the ``plan`` label
    of its request metrics. Cached a minute under the public schema's keys, so a
    request pays at most one query a minute per community."""
    key = f"billing:plan-tier:{community.pk}"
    tier = _plan_tiers_memo.get(key)
    if tier is not None:
        return tier
    with schema_context(get_public_schema_name()):
        tier = cache.get(key)
        if tier is None:
            tier = (
                Subscription.objects.filter(community_id=community.pk)
                .values_list("plan__slug", flat=True)
                .first()
            ) or "none"
            cache.set(key, tier, PLAN_TIER_CACHE_SECONDS)
    _plan_tiers_memo.set(key, str(tier))
    return str(tier)
