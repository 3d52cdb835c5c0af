"""Stripe Connect onboarding from the owner's plan page: the community's
connected account is created once (Express), indexed for routing, handed to
the community's payment settings, and the owner is sent to Stripe's hosted
onboarding. localstripe has no Connect accounts, so a small loopback server
answers the two calls as Stripe's API reference shows them."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django_tenants.utils import get_public_schema_name, schema_context

from billing.models import ConnectedAccount
from core_apps.privacy.models import AuditEntry
from tests.conftest import login

pytestmark = pytest.mark.django_db
ONBOARDING_URL = "https://connect.stripe.com/setup/e/acct_1Onboard/abc"


class _StripeConnect(BaseHTTPRequestHandler):
    calls: list[tuple[str, dict[str, list[str]], str]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        self.calls.append((self.path, form, self.headers.get("Stripe-Account", "")))
        if self.path == "/v1/accounts":
            body = {
                "id": "acct_1Onboard",
                "object": "account",
                "type": "express",
                "charges_enabled": False,
                "payouts_enabled": False,
                "details_submitted": False,
                "requirements": {"currently_due": ["business_type"], "past_due": []},
            }
        elif self.path == "/v1/account_links":
            body = {"object": "account_link", "url": ONBOARDING_URL, "expires_at": 1}
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def connect_stripe(settings) -> Iterator[type[_StripeConnect]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StripeConnect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _StripeConnect.calls = []
    settings.STRIPE_API_KEY = "sk_test_pista"
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{server.server_address[1]}"
    yield _StripeConnect
    server.shutdown()
    server.server_close()


def test_the_owner_starts_payouts_onboarding_and_the_account_is_created_once(
    connect_stripe, a_on_free, community_a, community_b, client_a
):
    from core_apps.orders.models import PaymentSettings

    login(client_a, community_a, email="owner@alpha.example")
    response = client_a.post("/settings/plan/payouts/")
    assert response.status_code == 302 and response["Location"] == ONBOARDING_URL

    row = ConnectedAccount.objects.get(community=community_a)
    assert row.account_id == "acct_1Onboard"
    assert not row.charges_enabled and row.requirements_due == ["business_type"]
    with schema_context(community_a.schema_name):
        assert PaymentSettings.objects.get().stripe_account_id == "acct_1Onboard"
        assert AuditEntry.objects.filter(action="billing.connect_linked").count() == 1
    with schema_context(community_b.schema_name):
        assert not PaymentSettings.objects.filter(stripe_account_id="acct_1Onboard").exists()
    with schema_context(get_public_schema_name()):
        assert AuditEntry.objects.filter(action="billing.connect_status").exists()
    (path, form, _), (link_path, link, _) = connect_stripe.calls
    assert path == "/v1/accounts" and form["type"] == ["express"] and form["country"] == ["DE"]
    assert link_path == "/v1/account_links" and link["account"] == ["acct_1Onboard"]
    assert link["return_url"][0].endswith("/settings/plan/?payouts=done")

    # Back from Stripe, the owner sees the status; a second start only links again.
    page = client_a.get("/settings/plan/").content.decode()
    assert "Card payments: not enabled yet" in page
    assert "Stripe still needs: business_type" in page
    again = client_a.post("/settings/plan/payouts/")
    assert again.status_code == 302
    assert [call[0] for call in connect_stripe.calls[2:]] == ["/v1/account_links"]
    assert ConnectedAccount.objects.filter(account_id="acct_1Onboard").count() == 1
