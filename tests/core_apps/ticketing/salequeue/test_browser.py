"""In Chromium: an organizer turns the queue on by clicking through the back
office; a buyer who clicks a ticket waits in the waiting room, is sent on to
checkout once admitted (the page polls, no reload) and orders with the pass;
the same pass refuses a second order. Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

from pathlib import Path

import pytest

from core_apps.integrations.models import IdempotencyRecord
from core_apps.orders.models import Order
from tests.browser import chromium
from tests.core_apps.orders.test_browser import (  # noqa: F401 - fixtures
    _committed,
    festival,
    live_app,
)

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"


def test_an_organizer_turns_the_queue_on_and_a_buyer_waits_then_orders(
    festival,  # noqa: F811
    django_db_blocker,
):
    base = f"http://{festival['host']}:{festival['port']}"
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with django_db_blocker.unblock(), chromium() as browser:
            from playwright.sync_api import expect

            staff = browser.new_context()
            staff.add_cookies([{"name": "sessionid", "value": festival["session"], "url": base}])
            organizer = staff.new_page()
            organizer.set_default_timeout(15_000)
            organizer.goto(f"{base}/manage/")
            organizer.get_by_role("link", name="Events", exact=True).first.click()
            organizer.get_by_role("link", name="Browser Fest").click()
            organizer.get_by_role("link", name="On-sale queue").click()
            organizer.check("input[name=is_enabled]")
            organizer.fill("input[name=rate_per_minute]", "600")
            organizer.fill("input[name=window_minutes]", "5")
            organizer.get_by_role("button", name="Save").click()
            expect(organizer.get_by_text("The queue of Browser Fest was saved.")).to_be_visible()
            expect(organizer.locator(".sale-queue-now")).to_contain_text("0 places given")
            organizer.screenshot(path=str(ARTIFACTS / "sale-queue-settings.png"), full_page=True)

            buyer = browser.new_page()
            buyer.set_default_timeout(20_000)
            buyer.goto(f"{base}/events/browser-fest/")
            buyer.click("a.buy")
            expect(buyer.locator('[data-field="position"]')).to_have_text("1")
            buyer.screenshot(path=str(ARTIFACTS / "sale-queue-waiting-room.png"), full_page=True)
            # The page asks the line's status and goes on to checkout by itself.
            buyer.wait_for_url(f"**/orders/checkout/{festival['product']}/**")
            buyer.fill("input[name=name]", "Quinn Queued")
            buyer.fill("input[name=email]", "quinn@example.org")
            buyer.select_option("select[name=role]", "lead")
            buyer.select_option("select[name=provider]", "simulated")
            buyer.click("form.checkout button[type=submit]")
            buyer.wait_for_selector('.order-status[data-status="pending"]')

            # The pass placed its order: the checkout page now says so.
            buyer.goto(f"{base}/orders/checkout/{festival['product']}/")
            expect(buyer.locator(".queue-refused")).to_contain_text("already been used")
            buyer.get_by_role("link", name="Go to the line").click()
            expect(buyer.locator(".queue-used")).to_be_visible()
            buyer.get_by_role("button", name="Join the line again").click()
            buyer.wait_for_url(f"**/orders/checkout/{festival['product']}/**")
    finally:
        # The checkout form's one-time tokens were recorded, committed: forget them.
        _committed(
            festival["schema"],
            lambda: IdempotencyRecord.objects.filter(key__startswith="checkout-form:").delete(),
        )

    def orders() -> int:
        return Order.objects.filter(positions__product_id=festival["product"]).count()

    assert _committed(festival["schema"], orders) == 1
