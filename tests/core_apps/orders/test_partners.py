"""Partner claims: the partner of a couple registration gets a signed,
time-limited link and claims their own ticket with their account; the couple
stays together. Wrong account, twice, expired, tampered, another community's
host: each a clear 4xx with ``code`` and nothing changed. Order emails are in
the community's theme and language."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from core_apps.orders.models import Order, Position, WaitlistEntry
from core_apps.privacy.models import AuditEntry
from core_apps.ticketing.models import Quota, RoleMode
from tests.conftest import login
from tests.core_apps.events.factories import EventFactory, ProductFactory, QuotaFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COUPLE = {
    "name": "Ana",
    "email": "ana@example.org",
    "partner_name": "Ben",
    "partner_email": "Ben@Example.org",
}


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


@pytest.fixture
def festival(in_a):
    event = EventFactory()
    quota = QuotaFactory(
        name="Festival", size=2, event=event, role_mode=RoleMode.LEAD_FOLLOW, max_difference=1
    )
    return ProductFactory(name="Full pass", event=event, price_minor=12000, quotas=[quota])


@pytest.fixture
def couple_paid(client_a, festival, django_capture_on_commit_callbacks):
    response = _post(
        client_a,
        "/api/v1/checkout/",
        {
            "email": "ana@example.org",
            "name": "Ana",
            "provider": "simulated",
            "lines": [{"product": festival.pk, "quantity": 1, "attendees": [COUPLE]}],
        },
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    with django_capture_on_commit_callbacks(execute=True):
        _post(
            client_a,
            f"/api/v1/orders/{data['order']['code']}/pay/",
            {"secret": data["secret"], "card_number": "4242424242424242"},
        )
    return Order.objects.get(code=data["order"]["code"])


def _claim_token() -> str:
    message = next(m for m in mail.outbox if m.to == ["Ben@Example.org"])
    return re.search(r"/orders/partner/([^/\s]+)/", message.body).group(1)


def test_the_partner_is_emailed_a_claim_link_and_claims_their_own_ticket(
    client_a, community_a, couple_paid, festival
):
    order = couple_paid
    ana, ben = order.positions.order_by("pk")
    assert (ana.partner_id, ben.partner_id) == (ben.pk, ana.pk)
    assert {m.to[0] for m in mail.outbox} == {"ana@example.org", "Ben@Example.org"}
    token = _claim_token()
    page = client_a.get(f"/orders/partner/{token}/")
    assert page.status_code == 200 and b"Full pass" in page.content
    # Signed out: the API wants an account.
    assert _post(client_a, f"/api/v1/partner-claims/{token}/").status_code in (401, 403)
    # The wrong account is refused.
    login(client_a, community_a, UserFactory(email="carl@example.org"))
    wrong = _post(client_a, f"/api/v1/partner-claims/{token}/")
    assert wrong.status_code == 403 and wrong.json()["code"] == "claim_wrong_account"
    assert Position.objects.get(pk=ben.pk).holder_id is None

    user = UserFactory(email="ben@example.org")
    login(client_a, community_a, user)
    response = _post(client_a, f"/api/v1/partner-claims/{token}/")
    assert response.status_code == 200, response.json()
    assert response.json()["position"] == ben.pk and response.json()["partner"] == ana.pk
    ben.refresh_from_db()
    assert ben.holder == user and ben.claimed_at is not None
    # The couple stays together: same order, both valid, roles and places unchanged.
    assert sorted(order.positions.values_list("status", "role_admitted")) == [
        ("valid", "follow"),
        ("valid", "lead"),
    ]
    quota = Quota.objects.get(pk=festival.quotas.get().pk)
    assert (quota.sold, quota.sold_lead, quota.sold_follow) == (2, 1, 1)
    assert AuditEntry.objects.filter(action="ticket.partner_claim", actor=user).count() == 1
    # Twice: refused.
    again = _post(client_a, f"/api/v1/partner-claims/{token}/")
    assert again.status_code == 409 and again.json()["code"] == "claim_already"


def test_claim_through_the_page_signs_in_first(client_a, community_a, couple_paid):
    token = _claim_token()
    response = client_a.post(f"/orders/partner/{token}/")
    assert response.status_code == 302 and "login" in response["Location"]
    user = UserFactory(email="ben@example.org")
    login(client_a, community_a, user)
    response = client_a.post(f"/orders/partner/{token}/", follow=True)
    assert response.status_code == 200 and b'data-status="claimed"' in response.content
    ben = Position.objects.get(attendee_email="Ben@Example.org")
    assert ben.holder == user
    # Their own QR code, for them only.
    assert f'data-secret="{ben.secret}"'.encode() in response.content
    login(client_a, community_a, UserFactory(email="eve@example.org"))
    assert ben.secret.encode() not in client_a.get(f"/orders/partner/{token}/").content


def test_expired_and_tampered_links_are_refused(client_a, community_a, couple_paid, settings):
    token = _claim_token()
    login(client_a, community_a, UserFactory(email="ben@example.org"))
    tampered = _post(client_a, f"/api/v1/partner-claims/{token[:-2]}xx/")
    assert tampered.status_code == 404 and tampered.json()["code"] == "claim_invalid"
    settings.PISTA_PARTNER_CLAIM_DAYS = -1
    expired = _post(client_a, f"/api/v1/partner-claims/{token}/")
    assert expired.status_code == 410 and expired.json()["code"] == "claim_expired"
    assert client_a.get(f"/orders/partner/{token}/").status_code == 410
    assert not Position.objects.filter(holder__isnull=False).exists()


def test_a_claim_link_does_nothing_on_another_communitys_host(client_b, community_b, couple_paid):
    token = _claim_token()
    with schema_context(community_b.schema_name):
        user = UserFactory(email="ben@example.org")
    login(client_b, community_b, user)
    response = _post(client_b, f"/api/v1/partner-claims/{token}/")
    assert response.status_code == 404 and response.json()["code"] == "claim_other_community"
    with schema_context("alpha"):
        assert not Position.objects.filter(holder__isnull=False).exists()


def test_a_transferred_ticket_s_old_claim_link_stops_working(client_a, community_a, couple_paid):
    from core_apps.orders.services import position_transfer

    token = _claim_token()
    ben = Position.objects.get(attendee_email="Ben@Example.org")
    position_transfer(position=ben, name="Dan", email="dan@example.org")
    login(client_a, community_a, UserFactory(email="ben@example.org"))
    response = _post(client_a, f"/api/v1/partner-claims/{token}/")
    assert response.status_code == 404 and response.json()["code"] == "claim_invalid"


def test_partner_email_equal_to_ones_own_in_any_case_is_refused(client_a, festival):
    same = {**COUPLE, "partner_email": " ANA@example.org "}
    response = _post(
        client_a,
        "/api/v1/checkout/",
        {
            "email": "ana@example.org",
            "name": "Ana",
            "provider": "simulated",
            "lines": [{"product": festival.pk, "quantity": 1, "attendees": [same]}],
        },
    )
    assert response.status_code == 400 and response.json()["code"] == "partner_email_same"
    assert not Order.objects.exists() and not WaitlistEntry.objects.exists()


def test_a_couple_is_waitlisted_together_as_one_entry(client_a, couple_paid, festival):
    response = _post(
        client_a,
        "/api/v1/checkout/",
        {
            "email": "cleo@example.org",
            "name": "Cleo",
            "provider": "simulated",
            "join_waitlist": True,
            "lines": [
                {
                    "product": festival.pk,
                    "quantity": 1,
                    "attendees": [
                        {
                            "name": "Cleo",
                            "email": "cleo@example.org",
                            "partner_name": "Dora",
                            "partner_email": "dora@example.org",
                        }
                    ],
                }
            ],
        },
    )
    assert response.status_code == 202
    entry = WaitlistEntry.objects.get(email="cleo@example.org")
    assert entry.partner_email == "dora@example.org" and entry.role == ""
    assert not Position.objects.filter(attendee_email__in=["cleo@example.org", "dora@example.org"])


def test_order_emails_use_the_community_theme_and_language(
    client_a, community_a, festival, django_capture_on_commit_callbacks
):
    from django.utils import translation

    from themes.mail import email_message_build

    response = _post(
        client_a,
        "/api/v1/checkout/",
        {
            "email": "ana@example.org",
            "name": "Ana",
            "provider": "simulated",
            "lines": [{"product": festival.pk, "quantity": 1, "attendees": [COUPLE]}],
        },
    )
    data = response.json()
    with django_capture_on_commit_callbacks(execute=True):
        _post(
            client_a,
            f"/api/v1/orders/{data['order']['code']}/pay/",
            {"secret": data["secret"], "card_number": "4242424242424242"},
        )
    tickets = next(m for m in mail.outbox if m.to == ["ana@example.org"])
    html = tickets.alternatives[0][0]
    # The theme's layout (as every themed email of the community) wraps the body.
    with translation.override("en"):
        reference = email_message_build(
            template_prefix="orders/email/tickets",
            context={
                "community": community_a,
                "order": Order.objects.get(code=data["order"]["code"]),
                "positions": [],
                "link": "",
            },
            to=["x@example.org"],
        )
    layout_head = reference.alternatives[0][0].split("<p>")[0]
    assert html.startswith(layout_head[:200])
    assert community_a.name in html
    assert f'data-theme="{community_a.theme}"' in html and 'lang="en"' in html
    names = [a[0] for a in tickets.attachments]
    assert sum(n.endswith(".png") for n in names) == 2
    assert "event.ics" in names and any(n.endswith(".pdf") for n in names)


def test_an_order_email_is_rendered_in_the_orders_language(couple_paid, monkeypatch):
    from django.db import connection

    from core_apps.orders.mail import order_tickets_send
    from pista.outbox.models import EffectMarker

    # The community offers German (an order is in a language its site offers).
    monkeypatch.setattr(connection.tenant, "languages", ["de"])

    mail.outbox.clear()
    order_tickets_send(order=couple_paid)
    assert mail.outbox == []  # the tickets went out once already, at payment
    # Forget that they were sent, to see them again in German.
    EffectMarker.objects.filter(key=f"order:{couple_paid.pk}:tickets-email").delete()
    couple_paid.language = "de"
    order_tickets_send(order=couple_paid)
    assert 'lang="de"' in mail.outbox[0].alternatives[0][0]
