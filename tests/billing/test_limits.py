"""Plan limits at their boundaries: the N-th allowed, the N+1-th refused with
an upgrade message, also when requests race at the boundary (real threads on
PostgreSQL); downgrades that break a limit say what to remove; unknown plans
are a 400; one community's plan page never shows another's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django_tenants.utils import schema_context

from billing.models import Plan, Subscription
from billing.services.connect import connect_account_link
from billing.services.owner import plan_change_request
from billing.services.plans import plan_assign
from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.accounts.services import user_role_grant
from core_apps.community.services.partners import partner_post_create
from core_apps.events.models import Event
from core_apps.events.services import event_publish
from core_apps.orders.stripe_gateway import application_fee_minor
from pista.billing_hooks import PlanLimitReached
from tenants.domains.services import domain_add
from tests.conftest import login
from tests.core_apps.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MARCH = datetime(2030, 3, 3, 19, tzinfo=UTC)


def _drafts(count: int, *, start: datetime = MARCH) -> list[Event]:
    return [
        EventFactory(
            status=Event.Status.DRAFT,
            starts_at=start + timedelta(days=n),
            ends_at=start + timedelta(days=n, hours=3),
        )
        for n in range(count)
    ]


def test_publishing_the_nth_event_of_a_month_passes_and_the_next_is_refused_with_an_upgrade(
    a_on_free, community_a
):
    with schema_context(community_a.schema_name):
        events = _drafts(6)
        for draft in events[:5]:  # Free: 5 published events per month
            event_publish(actor=None, event=draft)
        with pytest.raises(PlanLimitReached) as refused:
            event_publish(actor=None, event=events[5])
        assert refused.value.code == "plan_limit_reached"
        assert "Free allows 5 published events per month" in refused.value.message
        assert "Upgrade to Pro" in refused.value.message
        assert Event.objects.filter(status=Event.Status.PUBLISHED).count() == 5
        # Another month has its own allowance.
        (april,) = _drafts(1, start=MARCH + timedelta(days=31))
        event_publish(actor=None, event=april)


def test_the_new_limits_apply_at_once_after_an_upgrade(a_on_free, plans, community_a):
    with schema_context(community_a.schema_name):
        events = _drafts(6)
        for draft in events[:5]:
            event_publish(actor=None, event=draft)
    plan_assign(community=community_a, plan=plans["pro"])
    with schema_context(community_a.schema_name):
        event_publish(actor=None, event=events[5])


def test_staff_seats_stop_at_the_plan_and_members_do_not_count(a_on_free, community_a):
    with schema_context(community_a.schema_name):
        assert User.objects.filter(is_staff=True).count() == 1  # the owner
        first, second, member = UserFactory(), UserFactory(), UserFactory()
        user_role_grant(user=first, role=Role.ORGANIZER)  # seat 2 of 2
        user_role_grant(user=member, role=Role.MEMBER)
        with pytest.raises(PlanLimitReached, match="2 staff seats"):
            user_role_grant(user=second, role=Role.ADMIN)
        second.refresh_from_db()
        assert not second.is_staff and not second.groups.exists()
        user_role_grant(user=first, role=Role.MODERATOR)  # already staff: no new seat


def test_custom_domains_follow_the_plan(a_on_free, plans, community_a):
    with schema_context(community_a.schema_name):
        owner = User.objects.get(email="owner@alpha.example")
        with pytest.raises(PlanLimitReached, match="0 custom domains"):
            domain_add(community=community_a, actor=owner, domain="alpha-dance.example")
        plan_assign(community=community_a, plan=plans["pro"])
        domain_add(community=community_a, actor=owner, domain="alpha-dance.example")
        with pytest.raises(PlanLimitReached, match="Upgrade to Business"):
            domain_add(community=community_a, actor=owner, domain="alpha-two.example")


def test_the_partner_finder_is_a_plan_feature(a_on_free, plans, community_a):
    with schema_context(community_a.schema_name):
        author = UserFactory()
        with pytest.raises(PlanLimitReached, match="partner finder") as refused:
            partner_post_create(author=author, event_title="Tango", role_wanted="leader")
        assert refused.value.code == "plan_feature_missing"


def test_api_keys_are_a_plan_feature(a_on_free, plans, community_a):
    from core_apps.accounts.roles import Role
    from core_apps.integrations.apikeys import api_key_create
    from tests.core_apps.venues.factories import user_with_role

    with schema_context(community_a.schema_name):
        owner = user_with_role(Role.OWNER)
        with pytest.raises(PlanLimitReached) as refused:
            api_key_create(actor=owner, name="Studio app", scopes="events:read")
        assert refused.value.code == "plan_feature_missing"
    plan_assign(community=community_a, plan=plans["business"])
    with schema_context(community_a.schema_name):
        created = api_key_create(actor=owner, name="Studio app", scopes="events:read")
        assert created.key.startswith("pista_")


def test_members_stop_at_the_plan(a_on_free, community_a):
    from core_apps.accounts.services import member_join_check

    Plan.objects.filter(slug="free").update(max_members=3)
    with schema_context(community_a.schema_name):
        UserFactory()
        UserFactory()  # with the owner: 3 of 3
        with pytest.raises(PlanLimitReached, match="3 members"):
            member_join_check()


def test_the_ticket_fee_comes_from_the_plan(a_on_free, plans, community_a, settings):
    settings.PISTA_STRIPE_APPLICATION_FEE_PERMILLE = 20
    with schema_context(community_a.schema_name):
        assert application_fee_minor(amount_minor=10_000) == 500  # Free: 5 %
    plan_assign(community=community_a, plan=plans["business"])
    with schema_context(community_a.schema_name):
        assert application_fee_minor(amount_minor=10_000) == 100  # Business: 1 %


def test_a_downgrade_that_breaks_a_limit_says_what_to_remove_first(plans, community_a):
    plan_assign(community=community_a, plan=plans["pro"])
    with schema_context(community_a.schema_name):
        for role in (Role.ADMIN, Role.ORGANIZER):
            user_role_grant(user=UserFactory(), role=role)  # 3 staff, Free allows 2
        owner = User.objects.get(email="owner@alpha.example")
        with pytest.raises(PlanLimitReached) as refused:
            plan_change_request(
                community=community_a,
                actor=owner,
                slug="free",
                email=owner.email,
                success_url="",
                cancel_url="",
            )
    assert refused.value.code == "plan_downgrade_refused"
    assert "Free allows 2 staff seats; you have 3: remove 1 first." in refused.value.message
    assert Subscription.objects.get(community=community_a).plan == plans["pro"]


def test_the_owner_sees_the_plan_page_and_unknown_plans_are_a_400(a_on_free, community_a, client_a):
    login(client_a, community_a, email="owner@alpha.example")
    page = client_a.get("/settings/plan/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "You are on <strong>Free</strong>" in body and 'data-plan="business"' in body
    assert "€29.00" in body  # Pro, formatted for the locale
    response = client_a.post("/settings/plan/change/", {"plan": "platinum"})
    assert response.status_code == 400
    assert "There is no plan" in response.content.decode()
    assert Subscription.objects.get(community=community_a).plan.slug == "free"


def test_members_cannot_manage_the_plan(a_on_free, community_a, client_a):
    with schema_context(community_a.schema_name):
        member = UserFactory()
    login(client_a, community_a, member)
    assert client_a.get("/settings/plan/").status_code == 403
    assert client_a.post("/settings/plan/change/", {"plan": "business"}).status_code == 403
    assert Subscription.objects.get(community=community_a).plan.slug == "free"


def test_one_owner_never_sees_or_changes_another_communitys_plan_or_payouts(
    plans, community_a, community_b, client_a, client_b
):
    plan_assign(community=community_a, plan=plans["business"], check_fit=False)
    plan_assign(community=community_b, plan=plans["free"], check_fit=False)
    connect_account_link(community=community_a, account_id="acct_alpha_secret")
    login(client_b, community_b, email="owner@beta.example")
    page = client_b.get("/settings/plan/").content.decode()
    assert "You are on <strong>Free</strong>" in page
    assert "acct_alpha_secret" not in page and "Card payments" not in page
    # B's owner has no session on A's host: A's page and actions ask for a login.
    login(client_b, community_b, email="owner@beta.example")
    client_b.defaults["HTTP_HOST"] = client_a.defaults["HTTP_HOST"]
    assert client_b.get("/settings/plan/").status_code == 302
    assert client_b.post("/settings/plan/change/", {"plan": "free"}).status_code == 302
    assert Subscription.objects.get(community=community_a).plan.slug == "business"


def test_sign_up_admits_the_last_member_and_refuses_the_next_with_the_upgrade_message(
    a_on_free, community_a, client_a
):
    with schema_context(community_a.schema_name):
        UserFactory()  # with the owner: 2
    Plan.objects.filter(slug="free").update(max_members=3)

    def sign_up(email: str):
        return client_a.post(
            "/accounts/signup/",
            {"email": email, "password1": "Salsa-on-2-forever", "password2": "Salsa-on-2-forever"},
        )

    assert sign_up("third@example.org").status_code == 302
    refused = sign_up("fourth@example.org")
    assert refused.status_code == 403
    assert "Free allows 3 members" in refused.content.decode()
    with schema_context(community_a.schema_name):
        assert User.objects.filter(email="third@example.org").exists()
        assert not User.objects.filter(email="fourth@example.org").exists()


def test_the_plan_page_shows_usage_with_labels_and_a_downgrade_blocker(
    plans, community_a, client_a
):
    plan_assign(community=community_a, plan=plans["pro"])
    with schema_context(community_a.schema_name):
        for role in (Role.ADMIN, Role.ORGANIZER):
            user_role_grant(user=UserFactory(), role=role)
    login(client_a, community_a, email="owner@alpha.example")
    body = client_a.get("/settings/plan/").content.decode()
    assert "Staff seats" in body and "Published events per month" in body
    assert "Free allows 2 staff seats; you have 3: remove 1 first." in body
    response = client_a.post("/settings/plan/change/", {"plan": "free"}, follow=True)
    assert "remove 1 first" in response.content.decode()
    assert Subscription.objects.get(community=community_a).plan.slug == "pro"


def test_payouts_without_stripe_on_the_platform_say_so_and_create_nothing(
    a_on_free, community_a, client_a, settings
):
    from billing.models import ConnectedAccount

    settings.STRIPE_API_KEY = ""
    login(client_a, community_a, email="owner@alpha.example")
    response = client_a.post("/settings/plan/payouts/")
    assert response.status_code == 409
    assert "aren&#x27;t set up on this platform" in response.content.decode()
    assert not ConnectedAccount.objects.filter(community=community_a).exists()
