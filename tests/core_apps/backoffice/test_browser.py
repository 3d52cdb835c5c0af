"""An organizer in Chromium: the orders list, an order's page, marking a bank
transfer paid and refunding another order partly — with screenshots saved
under ``test-artifacts/`` (git-ignored)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core_apps.orders.models import Order, Refund
from tests.browser import chromium
from tests.core_apps.orders.test_browser import (  # noqa: F401 - fixtures
    _committed,
    festival,
    live_app,
)

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def test_an_organizer_marks_a_transfer_paid_and_refunds_another_order_partly(
    festival,  # noqa: F811
    django_db_blocker,
):
    from core_apps.orders.services import LineIn, order_checkout, order_mark_paid

    def orders() -> tuple[str, str]:
        def buy(email: str, role: str) -> Order:
            return order_checkout(
                email=email,
                name=email.split("@")[0].title(),
                provider="manual",
                lines=[LineIn(product_id=festival["product"], quantity=1, role=role)],
            ).order

        transfer = buy("tina@example.org", "lead")
        paid = order_mark_paid(
            order=buy("paul@example.org", "follow"), actor=None, provider="manual"
        )
        return transfer.code, paid.code

    transfer_code, paid_code = _committed(festival["schema"], orders)
    base = f"http://{festival['host']}:{festival['port']}"
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with django_db_blocker.unblock(), chromium() as browser:
            from playwright.sync_api import expect

            context = browser.new_context()
            context.add_cookies([{"name": "sessionid", "value": festival["session"], "url": base}])
            page = context.new_page()
            page.set_default_timeout(15_000)

            page.goto(f"{base}/manage/")
            page.get_by_role("link", name="Orders").click()
            expect(page.locator(f'tr[data-code="{transfer_code}"]')).to_contain_text("€149.00")
            page.screenshot(path=str(ARTIFACTS / "backoffice-orders-list.png"), full_page=True)

            page.locator(f'tr[data-code="{transfer_code}"]').get_by_role(
                "link", name=transfer_code
            ).click()
            page.screenshot(path=str(ARTIFACTS / "backoffice-order-detail.png"), full_page=True)
            page.get_by_role("link", name="Mark paid").click()
            page.fill("textarea[name=reason]", "On the bank statement")
            page.fill("input[name=reference]", "STMT-42")
            page.get_by_role("button", name="Confirm").click()
            expect(page.get_by_text("The order was marked as paid.")).to_be_visible()
            expect(page.locator("[data-status]").first).to_have_attribute("data-status", "paid")

            page.goto(f"{base}/manage/orders/?q={paid_code}")
            page.get_by_role("link", name=paid_code).click()
            page.get_by_role("link", name="Refund").click()
            page.fill("input[name=amount]", "49.00")
            page.fill("textarea[name=reason]", "Missed the Sunday")
            page.get_by_role("button", name="Confirm").click()
            expect(page.get_by_text("The refund was made.")).to_be_visible()
            expect(page.locator(".bo-refunded")).to_have_text("€49.00")
            page.screenshot(path=str(ARTIFACTS / "backoffice-order-refunded.png"), full_page=True)

        def state() -> tuple[str, str, int]:
            transfer = Order.objects.get(code=transfer_code)
            paid = Order.objects.get(code=paid_code)
            return transfer.status, paid.status, paid.refunded_minor

        assert _committed(festival["schema"], state) == ("paid", "partially_refunded", 4900)
    finally:

        def cleanup() -> None:
            Refund.objects.filter(order__code__in=[transfer_code, paid_code]).delete()

        _committed(festival["schema"], cleanup)
