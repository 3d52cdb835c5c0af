"""The demo plans (``seed_demo``): Free, Pro and Business. Idempotent: an
operator's later edits of a plan are kept."""

from __future__ import annotations

from typing import Any

from billing.models import Plan
from billing.services.plans import plan_save

DEMO_PLANS: list[dict[str, Any]] = [
    {
        "slug": "free",
        "name": "Free",
        "position": 0,
        "price_minor": 0,
        "max_members": 100,
        "max_events_per_month": 5,
        "max_staff_seats": 2,
        "max_custom_domains": 0,
        "max_storage_mb": 500,
        "application_fee_permille": 50,
        "feature_partner_finder": False,
        "feature_api_access": False,
    },
    {
        "slug": "pro",
        "name": "Pro",
        "position": 1,
        "price_minor": 2900,
        "trial_days": 14,
        "max_members": 2000,
        "max_events_per_month": 100,
        "max_staff_seats": 10,
        "max_custom_domains": 1,
        "max_storage_mb": 10_000,
        "application_fee_permille": 20,
        "feature_partner_finder": True,
        "feature_api_access": False,
    },
    {
        "slug": "business",
        "name": "Business",
        "position": 2,
        "price_minor": 9900,
        "trial_days": 14,
        "max_members": None,
        "max_events_per_month": None,
        "max_staff_seats": 50,
        "max_custom_domains": 5,
        "max_storage_mb": 100_000,
        "application_fee_permille": 10,
        "feature_partner_finder": True,
        "feature_api_access": True,
    },
]


def plans_demo_seed() -> list[Plan]:
    """Create the demo plans that are missing (existing ones stay as edited)."""
    plans = []
    for spec in DEMO_PLANS:
        fields = dict(spec)
        slug = fields.pop("slug")
        existing = Plan.objects.filter(slug=slug).first()
        plans.append(existing or plan_save(actor=None, slug=slug, currency="EUR", **fields))
    return plans
