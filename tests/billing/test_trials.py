"""Trials without Stripe end on the beat (back to Free); operators see each
community's plan in the console and extend a running trial, audited with the
reason; another community's trial is never touched."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from billing.models import Subscription
from billing.services.plans import plan_assign
from billing.services.subscriptions import trial_expiry_run
from core_apps.accounts.models import User
from core_apps.privacy.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
S = Subscription.Status


@pytest.fixture
def console(platform_client) -> Client:
    operator = User.objects.create_superuser(email="operator@pista.example", password=PASSWORD)
    platform_client.force_login(operator)
    return platform_client


def _trial(community, plan, *, ends_in: timedelta, stripe_id: str = "") -> Subscription:
    row = plan_assign(community=community, plan=plan, check_fit=False)
    Subscription.objects.filter(pk=row.pk).update(
        status=S.TRIALING, trial_ends_at=timezone.now() + ends_in, stripe_subscription_id=stripe_id
    )
    return Subscription.objects.get(pk=row.pk)


def _public_entries(action: str) -> list[AuditEntry]:
    with schema_context(get_public_schema_name()):
        return list(AuditEntry.objects.filter(action=action))


def test_an_ended_trial_without_stripe_falls_back_to_free_and_others_stay(
    plans, community_a, community_b
):
    ended = _trial(community_a, plans["pro"], ends_in=-timedelta(hours=1))
    running = _trial(community_b, plans["pro"], ends_in=timedelta(days=3))

    assert trial_expiry_run() == ["alpha"]
    ended.refresh_from_db()
    running.refresh_from_db()
    assert (ended.plan.slug, ended.status, ended.trial_ends_at) == ("free", S.ACTIVE, None)
    assert (running.plan.slug, running.status) == ("pro", S.TRIALING)
    (entry,) = _public_entries("billing.trial_expired")
    assert entry.data["from"] == "pro" and entry.target_id == str(community_a.pk)
    assert trial_expiry_run() == []  # once


def test_a_trial_stripe_bills_is_left_to_stripes_webhooks(plans, community_a):
    row = _trial(community_a, plans["pro"], ends_in=-timedelta(hours=1), stripe_id="sub_trial")
    assert trial_expiry_run() == []
    row.refresh_from_db()
    assert (row.plan.slug, row.status) == ("pro", S.TRIALING)


def test_the_console_lists_each_communitys_plan(console, plans, community_a, community_b):
    _trial(community_a, plans["pro"], ends_in=timedelta(days=3))
    plan_assign(community=community_b, plan=plans["free"], check_fit=False)
    body = console.get("/console/communities/").content.decode()
    assert "Pro <small>(Trial" in body and "Free <small>(Active)" in body
    detail = console.get("/console/communities/alpha/").content.decode()
    assert "trial until" in detail and "extend-trial" in detail
    assert "extend-trial" not in console.get("/console/communities/beta/").content.decode()
    on_pro = console.get("/console/communities/?plan=pro").content.decode()
    assert "Alpha Salsa" in on_pro and "Beta Tango" not in on_pro
    assert console.get("/console/communities/?plan=platinum").status_code == 400


def test_the_console_shows_usage_against_the_plan_and_connect_status(
    console, a_on_free, plans, community_a, community_b
):
    from billing.services.connect import connect_account_link

    connect_account_link(community=community_a, account_id="acct_alpha_console")
    detail = console.get("/console/communities/alpha/").content.decode()
    assert 'data-limit="events_per_month"' in detail and "<td>5</td>" in detail
    assert "acct_alpha_console: card payments not enabled yet" in detail
    other = console.get("/console/communities/beta/").content.decode()
    assert "acct_alpha_console" not in other and "not set up" in other


def test_an_operator_extends_a_trial_with_a_reason_in_the_audit(
    console, plans, community_a, community_b
):
    row = _trial(community_a, plans["pro"], ends_in=timedelta(days=2))
    other = _trial(community_b, plans["pro"], ends_in=timedelta(days=2))
    before = row.trial_ends_at
    response = console.post(
        "/console/communities/alpha/extend-trial/",
        {"days": "10", "reason": "Festival season", "confirm": "on"},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.trial_ends_at - before == timedelta(days=10)
    (entry,) = _public_entries("billing.trial_extended")
    assert entry.data["reason"] == "Festival season" and entry.data["days"] == 10
    assert entry.target_id == str(community_a.pk)
    other.refresh_from_db()
    assert other.trial_ends_at == before or other.trial_ends_at < row.trial_ends_at


def test_extending_what_is_no_trial_or_by_too_much_says_so_and_records_nothing(
    console, plans, community_a
):
    plan_assign(community=community_a, plan=plans["free"], check_fit=False)
    url = "/console/communities/alpha/extend-trial/"
    refused = console.post(url, {"days": "10", "reason": "Please", "confirm": "on"})
    assert refused.status_code == 409
    assert "is not on a trial" in refused.content.decode()
    _trial(community_a, plans["pro"], ends_in=timedelta(days=2))
    too_long = console.post(url, {"days": "400", "reason": "Please", "confirm": "on"})
    assert too_long.status_code == 400
    assert _public_entries("billing.trial_extended") == []


def test_extending_the_trial_of_a_community_being_deleted_says_so_and_records_nothing(
    console, plans, community_a, settings
):
    from tenants.lifecycle.services.deletion import community_deletion_schedule

    settings.PISTA_COMMUNITY_DELETION_GRACE_DAYS = 30
    row = _trial(community_a, plans["pro"], ends_in=timedelta(days=2))
    operator = User.objects.get(email="operator@pista.example")
    community_deletion_schedule(community=community_a, operator=operator, reason="Owner asked")
    response = console.post(
        "/console/communities/alpha/extend-trial/",
        {"days": "10", "reason": "Please", "confirm": "on"},
    )
    assert response.status_code == 409
    assert "is being deleted; cancel the deletion first" in response.content.decode()
    before = row.trial_ends_at
    row.refresh_from_db()
    assert row.trial_ends_at == before
    assert _public_entries("billing.trial_extended") == []
