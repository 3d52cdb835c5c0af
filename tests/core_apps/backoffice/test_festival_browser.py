"""Acceptance 1 of the box-office issue, in Chromium only: an organizer creates
a three-day festival with a role-balanced full pass and a promo code, enters
the bank account; two buyers check out through the public HTML pages (one by
bank transfer with the code, one with the simulated card); the first buyer
sees the IBAN on the order page; the organizer marks the transfer paid,
refunds the card order partly, and admits the first pass on day 1's and day
2's lists by name search — and refuses its code typed again on day 2.

Screenshots of the orders list, order detail, dashboard and scanner land in
``test-artifacts/`` (git-ignored). The server thread reads committed rows, so
everything made here is removed at the end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from core_apps.orders.models import CheckIn, Order
from core_apps.privacy.models import AuditEntry
from tests.browser import chromium, wsgi_server
from tests.conftest import session_mfa_record
from tests.core_apps.orders.test_browser import _committed

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
TITLE = "Browser Three-Day Fest"
SLUG = "browser-three-day-fest"
PROMO = "THREEDAYS10"
PAYMENT_FIELDS = (
    "legal_name",
    "bank_account_holder",
    "iban",
    "bic",
    "bank_name",
    "bank_transfer_enabled",
)


@pytest.fixture
def organizer(django_db_setup, django_db_blocker) -> Iterator[dict]:
    """A signed-in organizer (second factor done) on community alpha; removes
    the festival, its orders and lists afterwards and restores the payment
    settings."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from core_apps.accounts.models import User
    from core_apps.accounts.roles import Role
    from core_apps.accounts.services import user_role_grant
    from core_apps.orders.selectors import payment_settings_current
    from tenants.models import Community

    with django_db_blocker.unblock():
        community = Community.objects.get(slug="alpha")
        host = community.domains.get(is_primary=True).domain
        schema = community.schema_name

    def create() -> dict:
        staff = User.objects.create_user(email="organizer@fest-browser.example", password=None)
        user_role_grant(user=staff, role=Role.ORGANIZER)
        session = SessionStore()
        session[SESSION_KEY] = str(staff.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = staff.get_session_auth_hash()
        session_mfa_record(session, staff)
        session.create()
        row = payment_settings_current()
        saved = {name: getattr(row, name) for name in PAYMENT_FIELDS}
        last_audit = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
        return {
            "staff": staff.pk,
            "session": session.session_key,
            "payment": saved,
            "last_audit": last_audit or 0,
        }

    with django_db_blocker.unblock():
        data = _committed(schema, create)
    try:
        with django_db_blocker.unblock(), wsgi_server() as port:
            data.update(host=host, schema=schema, port=port)
            yield data
    finally:

        def cleanup() -> None:
            from django.contrib.sessions.models import Session

            from core_apps.events.models import Event
            from core_apps.orders.models import CheckinList, PaymentSettings, PromoCode, Refund
            from core_apps.ticketing.models import Product, Quota

            orders = Order.objects.filter(event__slug=SLUG)
            CheckIn.objects.filter(position__order__in=orders).delete()
            CheckinList.objects.filter(event__slug=SLUG).delete()
            Refund.objects.filter(order__in=orders).delete()
            for order in orders:
                order.invoices.all().delete()
            orders.delete()
            PromoCode.objects.filter(code=PROMO).delete()
            Product.objects.filter(event__slug=SLUG).delete()
            Quota.objects.filter(event__slug=SLUG).delete()
            Event.objects.filter(slug=SLUG).delete()
            PaymentSettings.objects.update(**data["payment"])
            # The audit entries this test wrote (the test database is this run's own).
            AuditEntry.objects.filter(pk__gt=data["last_audit"]).delete()
            Session.objects.filter(session_key=data["session"]).delete()
            User.objects.filter(pk=data["staff"]).delete()

        with django_db_blocker.unblock():
            _committed(schema, cleanup)


def _buy(page, base: str, *, name: str, email: str, role: str, provider: str) -> str:  # type: ignore[no-untyped-def]
    """Check out one full pass from the event page; return the order page's URL."""
    page.goto(f"{base}/events/")
    page.get_by_role("link", name=TITLE).first.click()
    page.click("a.buy")
    page.fill("input[name=name]", name)
    page.fill("input[name=email]", email)
    page.select_option("select[name=role]", role)
    page.fill("input[name=promo_code]", PROMO)
    page.select_option("select[name=provider]", provider)
    page.click("form.checkout button[type=submit]")
    page.wait_for_selector('.order-status[data-status="pending"]')
    return page.url


def test_an_organizer_runs_a_three_day_festival_in_the_browser(organizer, django_db_blocker):
    from playwright.sync_api import expect

    base = f"http://{organizer['host']}:{organizer['port']}"
    day1 = (timezone.now() + timedelta(days=60)).date()
    ARTIFACTS.mkdir(exist_ok=True)
    with django_db_blocker.unblock(), chromium() as browser:
        staff = browser.new_context()
        staff.add_cookies([{"name": "sessionid", "value": organizer["session"], "url": base}])
        bo = staff.new_page()
        bo.set_default_timeout(15_000)

        # The festival: three days, 19:00 to 23:30 Berlin time each.
        bo.goto(f"{base}/manage/")
        bo.get_by_role("link", name="Events", exact=True).click()
        bo.get_by_role("link", name="New event").click()
        bo.fill("input[name=title]", TITLE)
        bo.select_option("select[name=kind]", "festival")
        bo.select_option("select[name=status]", "published")
        bo.fill("input[name=time_zone]", "Europe/Berlin")
        bo.fill("input[name=starts_at]", f"{day1.isoformat()}T19:00")
        bo.fill("input[name=ends_at]", f"{day1.isoformat()}T23:30")
        bo.fill("input[name=recurrence]", "FREQ=DAILY;COUNT=3")
        bo.click("form.bo-form button[type=submit]")
        expect(bo.get_by_role("link", name=TITLE)).to_be_visible()

        # A role-balanced quota and the full pass drawing on it.
        bo.get_by_role("link", name="Tickets & quotas").click()
        bo.get_by_role("link", name="New quota").click()
        bo.fill("input[name=name]", "Fest places")
        bo.fill("input[name=size]", "40")
        bo.select_option("select[name=event]", label=TITLE)
        bo.select_option("select[name=role_mode]", "lead_follow")
        bo.select_option("select[name=balance_policy]", "difference")
        bo.fill("input[name=max_difference]", "2")
        bo.click("form.bo-form button[type=submit]")
        expect(bo.get_by_role("link", name="Fest places")).to_be_visible()
        bo.get_by_role("link", name="New product").click()
        bo.fill("input[name=name]", "Three-day full pass")
        bo.select_option("select[name=kind]", "pass")
        bo.select_option("select[name=status]", "published")
        bo.select_option("select[name=event]", label=TITLE)
        bo.select_option("select[name=quotas]", label="Fest places (0/40)")
        bo.fill("input[name=price_minor]", "120.00")
        bo.click("form.bo-form button[type=submit]")
        expect(bo.get_by_role("link", name="Three-day full pass")).to_be_visible()

        # A promo code for the pass: 10 % off.
        bo.get_by_role("link", name="Promo codes").click()
        bo.get_by_role("link", name="New promo code").click()
        bo.fill("input[name=code]", PROMO)
        bo.select_option("select[name=kind]", "percent")
        bo.fill("input[name=value]", "10")
        bo.get_by_label("Three-day full pass").check()
        bo.click("form.bo-form button[type=submit]")
        expect(bo.get_by_text(PROMO)).to_be_visible()

        # The bank account bank-transfer buyers pay to.
        bo.get_by_role("link", name="Payment settings").click()
        bo.fill("input[name=legal_name]", "Alpha Dance e.V.")
        bo.fill("input[name=bank_account_holder]", "Alpha Dance e.V.")
        bo.fill("input[name=iban]", "DE89 3704 0044 0532 0130 00")
        bo.fill("input[name=bic]", "COBADEFFXXX")
        bo.check("input[name=bank_transfer_enabled]")
        bo.click("form.bo-form button[type=submit]")
        expect(bo.get_by_text("The payment settings were saved.")).to_be_visible()

        # Two buyers, through the public checkout.
        tina = browser.new_page()
        tina.set_default_timeout(15_000)
        tina_url = _buy(
            tina,
            base,
            name="Tina Transfer",
            email="tina@fest.example",
            role="lead",
            provider="manual",
        )
        expect(tina.locator(".bank-details .iban")).to_have_text("DE89 3704 0044 0532 0130 00")
        expect(tina.locator(".bank-details")).to_contain_text("€108.00")
        tina_code = tina_url.rstrip("/").split("/")[-2]

        carl = browser.new_page()
        carl.set_default_timeout(15_000)
        carl_url = _buy(
            carl,
            base,
            name="Carl Card",
            email="carl@fest.example",
            role="follow",
            provider="simulated",
        )
        carl.fill("input[name=card_number]", "4242 4242 4242 4242")
        carl.click("form.pay button[type=submit]")
        carl.wait_for_selector('.order-status[data-status="paid"]')
        carl_code = carl_url.rstrip("/").split("/")[-2]

        # The organizer marks the transfer paid …
        bo.get_by_role("link", name="Orders", exact=True).click()
        expect(bo.locator(f'tr[data-code="{tina_code}"]')).to_contain_text("€108.00")
        bo.screenshot(path=str(ARTIFACTS / "festival-orders-list.png"), full_page=True)
        bo.locator(f'tr[data-code="{tina_code}"]').get_by_role("link", name=tina_code).click()
        bo.screenshot(path=str(ARTIFACTS / "festival-order-detail.png"), full_page=True)
        bo.get_by_role("link", name="Mark paid").click()
        bo.fill("textarea[name=reason]", "On the bank statement")
        bo.fill("input[name=reference]", "STMT-3D")
        bo.get_by_role("button", name="Confirm").click()
        expect(bo.get_by_text("The order was marked as paid.")).to_be_visible()

        # … and refunds the card order partly.
        bo.get_by_role("link", name="Orders", exact=True).click()
        bo.locator(f'tr[data-code="{carl_code}"]').get_by_role("link", name=carl_code).click()
        bo.get_by_role("link", name="Refund").click()
        bo.fill("input[name=amount]", "36.00")
        bo.fill("textarea[name=reason]", "Comes on Sunday only")
        bo.get_by_role("button", name="Confirm").click()
        expect(bo.get_by_text("The refund was made.")).to_be_visible()
        expect(bo.locator(".bo-refunded")).to_have_text("€36.00")

        # The transfer buyer now has a ticket (its code, what the QR holds).
        tina.goto(tina_url)
        expect(tina.locator(".order-status")).to_have_attribute("data-status", "paid")
        secret = tina.locator(".qr").first.get_attribute("data-secret")
        assert secret

        bo.get_by_role("link", name="Dashboard").click()
        bo.screenshot(path=str(ARTIFACTS / "festival-dashboard.png"), full_page=True)

        # Check-in: one list per day; the pass enters on day 1 and on day 2 …
        bo.get_by_role("link", name="Check-in").click()
        festival = bo.locator("section.bo-card", has_text=TITLE)
        festival.get_by_role("button", name="One list per date").click()
        expect(bo.get_by_text("3 lists created.")).to_be_visible()
        festival = bo.locator("section.bo-card", has_text=TITLE)
        scanners = festival.get_by_role("link", name="Open scanner")
        expect(scanners).to_have_count(3)
        for day in (0, 1):
            bo.get_by_role("link", name="Check-in").click()
            bo.locator("section.bo-card", has_text=TITLE).get_by_role(
                "link", name="Open scanner"
            ).nth(day).click()
            bo.fill("#checkin-q", "Tina")
            bo.get_by_role("button", name="Search").click()
            bo.locator("table.checkin-found").get_by_role("button", name="Check in").click()
            expect(bo.locator(".checkin-ok")).to_contain_text("Tina Transfer")

        # … and is refused when its code is typed again on day 2.
        bo.fill("input[name=secret]", secret)
        bo.fill("input[name=location]", "Main door")
        bo.locator("#checkin-form").get_by_role("button", name="Check in").click()
        refused = bo.locator(".checkin-refused")
        expect(refused).to_have_attribute("data-code", "already_checked_in")
        bo.screenshot(path=str(ARTIFACTS / "festival-scanner.png"), full_page=True)

    def state() -> dict:
        tina_order = Order.objects.get(code=tina_code)
        carl_order = Order.objects.get(code=carl_code)
        return {
            "tina": (tina_order.status, tina_order.total_minor, tina_order.promo_code.code),
            "carl": (carl_order.status, carl_order.refunded_minor),
            "days": sorted(
                CheckIn.objects.filter(position__order=tina_order).values_list(
                    "checkin_list__event_date__starts_at__date", flat=True
                )
            ),
        }

    with django_db_blocker.unblock():
        result = _committed(organizer["schema"], state)
    assert result["tina"] == ("paid", 10800, PROMO)
    assert result["carl"] == ("partially_refunded", 3600)
    assert result["days"] == [day1, day1 + timedelta(days=1)]
