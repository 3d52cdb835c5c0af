"""Operators edit plans in the platform's Django admin through ``plan_save``
(validated and audited); subscriptions and events are read-only there."""

from __future__ import annotations

import pytest

from billing.models import Plan
from core_apps.accounts.models import User
from core_apps.privacy.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _form(plan: Plan, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": plan.name,
        "position": plan.position,
        "price_minor": plan.price_minor,
        "currency": plan.currency,
        "interval": plan.interval,
        "trial_days": plan.trial_days,
        "stripe_price_id": plan.stripe_price_id,
        "application_fee_permille": plan.application_fee_permille,
    }
    for name in ("members", "events_per_month", "staff_seats", "custom_domains", "storage_mb"):
        value = plan.limit(name)
        data[f"max_{name}"] = "" if value is None else value
    for flag in ("active", "feature_partner_finder", "feature_api_access"):
        if getattr(plan, flag):
            data[flag] = "on"
    data.update(changes)
    return data


def test_an_operator_changes_a_plan_through_the_service_and_it_is_audited(platform_client, plans):
    operator = User.objects.create_superuser(email="operator@pista.example", password=PASSWORD)
    platform_client.force_login(operator)
    pro = plans["pro"]
    url = f"/admin/billing/plan/{pro.pk}/change/"
    assert platform_client.get(url).status_code == 200
    response = platform_client.post(url, _form(pro, price_minor=3500, max_staff_seats=12))
    assert response.status_code == 302, response.content.decode()[:2000]
    pro.refresh_from_db()
    assert (pro.price_minor, pro.max_staff_seats) == (3500, 12)
    entry = AuditEntry.objects.get(action="billing.plan_changed")
    assert entry.actor == operator
    assert entry.data["changes"]["price_minor"] == ["2900", "3500"]
    assert platform_client.get("/admin/billing/subscription/add/").status_code == 403
