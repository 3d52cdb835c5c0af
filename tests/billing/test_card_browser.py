"""Acceptance 5 of the platform issue, in Chromium: the owner of a Free
community at its published-events limit is refused a sixth event, upgrades to
Pro with a card typed into Stripe's fields (localstripe's Stripe.js and API),
and publishes the sixth event at once. A declined card first shows Stripe's
message and leaves the plan on Free.

The app runs in a thread of this process against committed rows (plans, the
subscription, events, a session), which are removed at the end.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connections
from django_tenants.utils import get_public_schema_name, schema_context

from billing.demo import plans_demo_seed
from billing.models import Plan, Subscription
from billing.services.plans import plan_assign
from tests.billing.conftest import (
    CARD_DECLINED,
    CARD_OK,
    PUBLISHABLE_KEY,
    STRIPE_KEY,
    localstripe_plans_create,
)
from tests.browser import chromium, wsgi_server
from tests.conftest import session_mfa_record

pytestmark = pytest.mark.browser
MONTH = datetime(2031, 3, 3, 19, tzinfo=UTC)


@pytest.fixture
def free_at_its_limit(
    django_db_setup, django_db_blocker, settings, localstripe_url
) -> Iterator[dict[str, Any]]:
    """Alpha on Free (5 published events a month) with 5 published in March
    2031 and a draft sixth; its owner's session; Stripe on localstripe."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from core_apps.accounts.models import User
    from core_apps.events.models import Event
    from core_apps.privacy.models import AuditEntry
    from tenants.models import Community

    settings.STRIPE_API_KEY = STRIPE_KEY
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_JS_URL = localstripe_url + "/js.stripe.com/v3/"
    localstripe_plans_create(localstripe_url)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with django_db_blocker.unblock():
        community = Community.objects.get(slug="alpha")
        existing_plans = set(Plan.objects.values_list("pk", flat=True))
        plans_demo_seed()
        Plan.objects.filter(slug="pro").update(stripe_price_id="price_pro", trial_days=0)
        Plan.objects.filter(slug="business").update(stripe_price_id="price_business")
        previous = Subscription.objects.filter(community=community).first()
        previous_state = (previous.plan_id, previous.status) if previous else None
        plan_assign(community=community, plan=Plan.objects.get(slug="free"), check_fit=False)
        public_audit = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with schema_context(community.schema_name):
            audit_mark = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
            events = [
                Event.objects.create(
                    title=f"Social {n + 1}",
                    slug=f"card-social-{n + 1}",
                    time_zone="Europe/Berlin",
                    status=Event.Status.PUBLISHED if n < 5 else Event.Status.DRAFT,
                    starts_at=MONTH + timedelta(days=n),
                    ends_at=MONTH + timedelta(days=n, hours=3),
                )
                for n in range(6)
            ]
            owner = User.objects.get(email="owner@alpha.example")
            session = SessionStore()
            session[SESSION_KEY] = str(owner.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = owner.get_session_auth_hash()
            session_mfa_record(session, owner)
            session.create()
        connections.close_all()
        try:
            with wsgi_server() as port:
                yield {
                    "base": f"http://{community.domains.get(is_primary=True).domain}:{port}",
                    "community": community,
                    "session": session.session_key,
                    "sixth": events[5].pk,
                }
        finally:
            with schema_context(community.schema_name):
                Event.objects.filter(pk__in=[event.pk for event in events]).delete()
                Session.objects.filter(session_key=session.session_key).delete()
                AuditEntry.objects.filter(pk__gt=audit_mark or 0).delete()
            with schema_context(get_public_schema_name()):
                AuditEntry.objects.filter(pk__gt=public_audit).delete()
                row = Subscription.objects.get(community=community)
                if previous_state is None:
                    row.delete()
                else:
                    Subscription.objects.filter(pk=row.pk).update(
                        plan_id=previous_state[0],
                        status=previous_state[1],
                        stripe_customer_id="",
                        stripe_subscription_id="",
                        current_period_end=None,
                    )
                Plan.objects.exclude(pk__in=existing_plans).delete()
            connections.close_all()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _type_card(page: Any, number: str) -> None:
    """Type into the card fields (localstripe's stand-in for Stripe's)."""
    fields = {"number": number, "exp_month": "12", "exp_year": "30", "cvc": "123"}
    fields["postal_code"] = "10115"
    for name, value in fields.items():
        page.fill(f"#card-element input[placeholder={name}]", value)


def _allowed_events(page: Any) -> str:
    return page.inner_text('tr[data-limit="events_per_month"] td:nth-child(3)').strip()


def test_an_owner_upgrades_free_to_pro_by_card_and_publishes_the_next_event_at_once(
    free_at_its_limit, django_db_blocker
):
    from playwright.sync_api import expect

    data = free_at_its_limit
    base = data["base"]
    with chromium() as browser:
        context = browser.new_context()
        context.add_cookies([{"name": "sessionid", "value": data["session"], "url": base}])
        page = context.new_page()
        page.set_default_timeout(20_000)

        # At the limit: publishing the sixth event is refused with the upgrade message.
        page.goto(f"{base}/manage/events/")
        page.locator("tr", has_text="Social 6").get_by_role("button", name="Publish").click()
        expect(page.get_by_text("Upgrade to Pro")).to_be_visible()

        page.goto(f"{base}/settings/plan/")
        expect(page.locator("#current")).to_contain_text("You are on Free")
        assert _allowed_events(page) == "5"

        # A declined card: Stripe's message, and still Free.
        page.select_option("#card-plan", "pro")
        _type_card(page, CARD_DECLINED)
        page.click("#card-form button[type=submit]")
        expect(page.locator("#card-error")).to_contain_text("declined")
        with django_db_blocker.unblock():
            row = Subscription.objects.get(community=data["community"])
            assert (row.plan.slug, row.stripe_subscription_id) == ("free", "")
        page.reload()
        expect(page.locator("#current")).to_contain_text("You are on Free")

        # A good card: Pro at once, its limit on the page.
        page.select_option("#card-plan", "pro")
        _type_card(page, CARD_OK)
        page.click("#card-form button[type=submit]")
        expect(page.locator("#current")).to_contain_text("You are on Pro")
        expect(page.get_by_text("You are now on Pro.").first).to_be_visible()
        assert _allowed_events(page) == "100"
        assert page.locator("#card-form").count() == 0

        # The sixth event publishes now.
        page.goto(f"{base}/manage/events/")
        page.locator("tr", has_text="Social 6").get_by_role("button", name="Publish").click()
        expect(page.get_by_text("Social 6 is published.")).to_be_visible()
        context.close()

    from core_apps.events.models import Event

    with django_db_blocker.unblock():
        row = Subscription.objects.get(community=data["community"])
        assert (row.plan.slug, row.status) == ("pro", Subscription.Status.ACTIVE)
        assert row.stripe_subscription_id.startswith("sub_")
        with schema_context(data["community"].schema_name):
            assert Event.objects.get(pk=data["sixth"]).status == Event.Status.PUBLISHED
        connections.close_all()
