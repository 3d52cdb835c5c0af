"""Acceptance 4: a follower buys a festival full pass with the simulated card in
Chromium, receives the tickets email (locmem) with a QR code, and a staff user
checks the ticket in; a second scan is refused.

The app runs in this process on a loopback port (so the locmem outbox is
shared) against committed rows, which are removed at the end.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core import mail
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django_tenants.utils import schema_context

from core_apps.orders.models import Order, Position
from core_apps.orders.qr import position_qr_png
from tests.conftest import service_unavailable, session_mfa_record

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def _committed(schema: str, fn):  # type: ignore[no-untyped-def]
    """Run ``fn`` in its own thread and connection, so its writes are committed."""
    box: dict = {}

    def target() -> None:
        try:
            with schema_context(schema):
                box["value"] = fn()
        except BaseException as exc:
            box["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


@pytest.fixture
def live_app(django_db_setup, django_db_blocker) -> Iterator[int]:
    with django_db_blocker.unblock():
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = make_server(
            "127.0.0.1",
            port,
            WSGIHandler(),
            server_class=_ThreadingServer,
            handler_class=_QuietHandler,
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield port
        finally:
            server.shutdown()
            server.server_close()


@pytest.fixture
def festival(django_db_blocker, live_app) -> Iterator[dict]:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from core_apps.accounts.models import User
    from core_apps.accounts.roles import Role
    from core_apps.accounts.services import user_role_grant
    from core_apps.events.models import Event
    from core_apps.ticketing.models import Product, Quota, RoleMode
    from tenants.models import Community

    with django_db_blocker.unblock():
        community = Community.objects.get(slug="alpha")
        host = community.domains.get(is_primary=True).domain
        schema = community.schema_name

        def create() -> dict:
            from datetime import timedelta

            from django.utils import timezone

            starts = timezone.now() + timedelta(days=40)
            event = Event.objects.create(
                title="Browser Fest",
                slug="browser-fest",
                time_zone="Europe/Berlin",
                kind=Event.Kind.FESTIVAL,
                status=Event.Status.PUBLISHED,
                starts_at=starts,
                ends_at=starts + timedelta(days=2),
            )
            quota = Quota.objects.create(
                name="Fest", size=20, event=event, role_mode=RoleMode.LEAD_FOLLOW, max_difference=2
            )
            product = Product.objects.create(
                name="Festival full pass",
                event=event,
                price_minor=14900,
                currency=community.currency,
                status=Product.Status.PUBLISHED,
            )
            product.quotas.set([quota])
            staff = User.objects.create_user(email="door@browser.example", password=None)
            user_role_grant(user=staff, role=Role.ORGANIZER)
            session = SessionStore()
            session[SESSION_KEY] = str(staff.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = staff.get_session_auth_hash()
            session_mfa_record(session, staff)  # staff signed in with a second factor
            session.create()
            return {
                "event": event.pk,
                "quota": quota.pk,
                "product": product.pk,
                "staff": staff.pk,
                "session": session.session_key,
            }

        data = _committed(schema, create)
        data.update(host=host, schema=schema, port=live_app)
        try:
            yield data
        finally:

            def cleanup() -> None:
                from django.contrib.sessions.models import Session

                orders = Order.objects.filter(positions__product_id=data["product"]).distinct()
                for order in orders:
                    order.invoices.all().delete()
                Order.objects.filter(pk__in=[o.pk for o in orders]).delete()
                Product.objects.filter(pk=data["product"]).delete()
                Quota.objects.filter(pk=data["quota"]).delete()
                Event.objects.filter(pk=data["event"]).delete()
                Session.objects.filter(session_key=data["session"]).delete()
                User.objects.filter(pk=data["staff"]).delete()

            _committed(schema, cleanup)


def test_follower_buys_a_full_pass_gets_a_qr_and_is_checked_in_once(festival, django_db_blocker):
    if not os.path.exists(CHROMIUM):
        service_unavailable("Debian's Chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    base = f"http://{festival['host']}:{festival['port']}"
    mail.outbox = []
    with django_db_blocker.unblock(), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            buyer = browser.new_page()
            buyer.goto(f"{base}/events/browser-fest/")
            buyer.click("a.buy")
            buyer.fill("input[name=name]", "Frida Follower")
            buyer.fill("input[name=email]", "frida@example.org")
            buyer.select_option("select[name=role]", "follow")
            buyer.select_option("select[name=provider]", "simulated")
            buyer.click("form.checkout button[type=submit]")
            buyer.wait_for_selector('.order-status[data-status="pending"]')
            assert buyer.locator(".countdown").count() == 1
            buyer.fill("input[name=card_number]", "4242 4242 4242 4242")
            buyer.click("form.pay button[type=submit]")
            buyer.wait_for_selector('.order-status[data-status="paid"]')
            secret = buyer.locator(".qr").first.get_attribute("data-secret")
            assert secret and buyer.locator(".qr svg").count() == 1

            # The confirmation email: a QR code (PNG) holding this ticket's code.
            assert len(mail.outbox) == 1
            message = mail.outbox[0]
            assert message.to == ["frida@example.org"]
            pngs = [a for a in message.attachments if a[0].endswith(".png")]
            assert len(pngs) == 1 and pngs[0][1] == position_qr_png(secret=secret)
            assert any(a[0] == "event.ics" for a in message.attachments)

            staff = browser.new_context()
            staff.add_cookies([{"name": "sessionid", "value": festival["session"], "url": base}])
            door = staff.new_page()
            # The old address leads to the back office's lists: a new list, then its scanner.
            door.goto(f"{base}/orders/checkin/")
            door.click(f"#event-{festival['event']} a:has-text('New list')")
            door.fill("input[name=name]", "Main door list")
            door.click("form.bo-form button[type=submit]")
            door.wait_for_selector("#checkin-form")
            door.fill("input[name=secret]", secret)
            door.fill("input[name=location]", "Main door")
            door.click("#checkin-form button[type=submit]")
            door.wait_for_selector(".checkin-ok")
            assert "Frida Follower" in door.inner_text(".checkin-ok")
            door.fill("input[name=secret]", secret)
            door.click("#checkin-form button[type=submit]")
            refused = door.wait_for_selector(".checkin-refused")
            assert refused.get_attribute("data-code") == "already_checked_in"
            assert "Main door" in refused.inner_text()
        finally:
            browser.close()

    def state() -> tuple[str, str, int]:
        position = Position.objects.get(secret=secret)
        return position.order.status, position.role_admitted, position.checkins.count()

    assert _committed(festival["schema"], state) == ("paid", "follow", 1)
