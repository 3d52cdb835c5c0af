"""After the sale: waitlist offers end to end, check-in, refunds and credit
notes, attendee exports, and the tenant boundary for each."""

from __future__ import annotations

import html
import io
import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from core_apps.orders.models import Invoice, Order, Position, WaitlistEntry
from core_apps.orders.services import waitlist_offers_expire
from core_apps.ticketing.models import Quota
from tests.conftest import login
from tests.core_apps.events.factories import (
    EventFactory,
    ProductFactory,
    QuotaFactory,
    organizer_create,
)

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


@pytest.fixture
def tiny(in_a):
    """A workshop with one place."""
    event = EventFactory()
    return ProductFactory(
        name="Workshop", event=event, price_minor=2000, quotas=[QuotaFactory(size=1)]
    )


@pytest.fixture
def staff_a(in_a, client_a, community_a):
    user = organizer_create()
    login(client_a, community_a, user)
    return user


def _buy(client, product, email="ana@example.org", **extra):
    body = {
        "email": email,
        "name": email.split("@")[0],
        "provider": "simulated",
        "lines": [{"product": product.pk, "quantity": 1, **extra}],
    }
    return _post(client, "/api/v1/checkout/", body)


def _pay(client, data):
    return _post(
        client,
        f"/api/v1/orders/{data['order']['code']}/pay/",
        {"secret": data["secret"], "card_number": "4242424242424242"},
    )


def test_waitlist_offer_claim_and_pay_end_to_end(
    client_a, tiny, django_capture_on_commit_callbacks
):
    first = _buy(client_a, tiny).json()
    with django_capture_on_commit_callbacks(execute=True):
        assert _pay(client_a, first).status_code == 200
    # Sold out: two people join the waitlist.
    assert _buy(client_a, tiny, email="ben@example.org").json()["code"] == "sold_out"
    joins = [
        _post(
            client_a,
            "/api/v1/waitlist/",
            {"product": tiny.pk, "name": n, "email": f"{n}@example.org"},
        )
        for n in ("ben", "cleo")
    ]
    assert [j.status_code for j in joins] == [201, 201]
    mail.outbox.clear()
    # A cancellation (full refund by staff) frees the place: Ben gets the offer.
    with schema_context("alpha"):
        from core_apps.orders.services import order_refund

        with django_capture_on_commit_callbacks(execute=True):
            order_refund(order=Order.objects.get(code=first["order"]["code"]), actor=None)
        ben = WaitlistEntry.objects.get(email="ben@example.org")
        assert ben.status == "offered"
        assert Quota.objects.get(pk=tiny.quotas.get().pk).sold == 1  # held for Ben
    # Ana hears of her refund, Ben of his offer.
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "ben@example.org"]
    offer = next(m for m in mail.outbox if m.to == ["ben@example.org"])
    link = re.search(r"/orders/waitlist/(\S+)/", offer.body).group(1)
    # Nobody else can buy the held place meanwhile.
    assert _buy(client_a, tiny, email="dora@example.org").status_code == 409
    claimed = _post(client_a, f"/api/v1/waitlist/{link}/claim/", {"provider": "simulated"})
    assert claimed.status_code == 201, claimed.json()
    with django_capture_on_commit_callbacks(execute=True):
        paid = _pay(client_a, claimed.json())
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    assert (
        _post(client_a, f"/api/v1/waitlist/{link}/claim/", {"provider": "simulated"}).status_code
        == 409
    )


def test_an_unclaimed_offer_expires_and_moves_to_the_next_person(
    client_a, tiny, django_capture_on_commit_callbacks
):
    held = _buy(client_a, tiny).json()
    for name in ("ben", "cleo"):
        _post(
            client_a,
            "/api/v1/waitlist/",
            {"product": tiny.pk, "name": name, "email": f"{name}@example.org"},
        )
    with schema_context("alpha"):
        with django_capture_on_commit_callbacks(execute=True):
            from core_apps.orders.services import order_cancel

            order_cancel(order=Order.objects.get(code=held["order"]["code"]), actor=None)
        ben = WaitlistEntry.objects.get(email="ben@example.org")
        assert ben.status == "offered"
        WaitlistEntry.objects.filter(pk=ben.pk).update(
            offer_expires_at=timezone.now() - timedelta(seconds=1)
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert waitlist_offers_expire() == 1
        assert WaitlistEntry.objects.get(email="ben@example.org").status == "expired"
        assert WaitlistEntry.objects.get(email="cleo@example.org").status == "offered"
        assert Quota.objects.get(pk=tiny.quotas.get().pk).sold == 1
    ben_secret = WaitlistEntry.objects.get(email="ben@example.org").secret
    response = _post(client_a, f"/api/v1/waitlist/{ben_secret}/claim/", {"provider": "simulated"})
    assert response.status_code == 409 and response.json()["code"] == "offer_closed"


def test_declining_an_offer_passes_it_on_and_anyone_can_leave_the_list(
    client_a, tiny, django_capture_on_commit_callbacks
):
    held = _buy(client_a, tiny).json()
    secrets_ = [
        _post(
            client_a,
            "/api/v1/waitlist/",
            {"product": tiny.pk, "name": n, "email": f"{n}@example.org"},
        ).json()["secret"]
        for n in ("ben", "cleo", "dan")
    ]
    assert _post(client_a, f"/api/v1/waitlist/{secrets_[2]}/decline/").json()["status"] == "left"
    with django_capture_on_commit_callbacks(execute=True):
        _post(
            client_a, f"/api/v1/orders/{held['order']['code']}/cancel/", {"secret": held["secret"]}
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            _post(client_a, f"/api/v1/waitlist/{secrets_[0]}/decline/").json()["status"]
            == "declined"
        )
    with schema_context("alpha"):
        assert WaitlistEntry.objects.get(email="cleo@example.org").status == "offered"


def test_check_in_once_then_refused_with_when_and_where(client_a, tiny, staff_a):
    data = _buy(client_a, tiny).json()
    secret = _pay(client_a, data).json()["positions"][0]["secret"]
    first = _post(client_a, "/api/v1/checkin/", {"secret": secret, "location": "Door A"})
    assert first.status_code == 200 and first.json()["code"] == "checked_in"
    again = _post(client_a, "/api/v1/checkin/", {"secret": secret, "location": "Door B"})
    assert again.status_code == 409 and again.json()["code"] == "already_checked_in"
    assert again.json()["extra"]["first_location"] == "Door A"
    assert again.json()["extra"]["first_at"]


def test_check_in_refuses_unpaid_refunded_and_other_communities_tickets(
    client_a, client_b, tiny, staff_a, community_b
):
    pending = _buy(client_a, tiny).json()
    with schema_context("alpha"):
        secret = Position.objects.get(order__code=pending["order"]["code"]).secret
    response = _post(client_a, "/api/v1/checkin/", {"secret": secret})
    assert response.status_code == 409 and response.json()["code"] == "ticket_invalid"
    _pay(client_a, pending)
    refund = _post(client_a, f"/api/v1/orders/{pending['order']['code']}/refund/")
    assert refund.status_code == 200 and refund.json()["status"] == "refunded"
    assert (
        _post(client_a, "/api/v1/checkin/", {"secret": secret}).json()["code"] == "ticket_invalid"
    )
    # Staff of B can't check A's ticket in, nor refund A's order.
    with schema_context(community_b.schema_name):
        staff_b = organizer_create()
    login(client_b, community_b, staff_b)
    assert _post(client_b, "/api/v1/checkin/", {"secret": secret}).status_code == 404
    assert _post(client_b, f"/api/v1/orders/{pending['order']['code']}/refund/").status_code == 404


def test_class_pack_decrements_and_refuses_when_used_up(client_a, in_a, staff_a):
    pack = ProductFactory(kind="class_pack", checkins=2, valid_days=30, quotas=[QuotaFactory()])
    data = _buy(client_a, pack).json()
    secret = _pay(client_a, data).json()["positions"][0]["secret"]
    lefts = [
        _post(client_a, "/api/v1/checkin/", {"secret": secret}).json().get("checkins_left")
        for _ in range(2)
    ]
    assert lefts == [1, 0]
    response = _post(client_a, "/api/v1/checkin/", {"secret": secret})
    assert response.status_code == 409 and response.json()["code"] == "pack_used_up"


def test_partial_refund_issues_a_credit_note_and_keeps_the_place(client_a, tiny, staff_a):
    data = _buy(client_a, tiny).json()
    _pay(client_a, data)
    code = data["order"]["code"]
    response = _post(client_a, f"/api/v1/orders/{code}/refund/", {"amount_minor": 500})
    assert response.status_code == 200 and response.json()["status"] == "partially_refunded"
    too_much = _post(client_a, f"/api/v1/orders/{code}/refund/", {"amount_minor": 99999})
    assert too_much.status_code == 400 and too_much.json()["code"] == "invalid_amount"
    with schema_context("alpha"):
        kinds = list(Invoice.objects.filter(order__code=code).values_list("kind", "total_minor"))
        assert ("credit_note", -500) in kinds
        assert Quota.objects.get(pk=tiny.quotas.get().pk).sold == 1
        assert [e.action for e in Order.objects.get(code=code).log.all()][-2:] == [
            "order.refunded",
            "credit_note.issued",
        ]


def test_buyers_cannot_refund_or_mark_paid(client_a, tiny):
    data = _buy(client_a, tiny).json()
    code = data["order"]["code"]
    assert _post(client_a, f"/api/v1/orders/{code}/refund/").status_code in (401, 403)
    assert _post(client_a, f"/api/v1/orders/{code}/mark-paid/").status_code in (401, 403)


def test_staff_marks_a_manual_order_paid(client_a, tiny, staff_a):
    body = {
        "email": "m@example.org",
        "name": "M",
        "provider": "manual",
        "lines": [{"product": tiny.pk, "quantity": 1}],
    }
    code = _post(client_a, "/api/v1/checkout/", body).json()["order"]["code"]
    response = _post(client_a, f"/api/v1/orders/{code}/mark-paid/")
    assert response.status_code == 200 and response.json()["status"] == "paid"


def test_attendee_exports_have_role_counts(client_a, in_a, staff_a):
    quota = QuotaFactory(role_mode="lead_follow", max_difference=3)
    product = ProductFactory(quotas=[quota])
    for i, role in enumerate(["lead", "follow", "lead"]):
        _pay(client_a, _buy(client_a, product, email=f"p{i}@example.org", role=role).json())
    csv_text = client_a.get(f"/api/v1/products/{product.pk}/attendees.csv").content.decode()
    assert "Role count,lead,2" in csv_text and "Role count,follow,1" in csv_text
    xlsx = client_a.get(f"/api/v1/products/{product.pk}/attendees.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book["Attendees"].max_row == 4
    assert {r[0].value: r[1].value for r in book["Roles"].iter_rows(min_row=2)} == {
        "follow": 1,
        "lead": 2,
    }


def test_invoice_pdf_with_vat_is_attached_and_downloadable(
    client_a, client_b, tiny, django_capture_on_commit_callbacks, settings
):
    from core_apps.orders.models import PaymentSettings

    PaymentSettings.objects.create(
        legal_name="Alpha Salsa e.V.", legal_address="Hauptstr. 1\nBerlin", vat_id="DE123"
    )
    data = _buy(client_a, tiny).json()
    with django_capture_on_commit_callbacks(execute=True):
        _pay(client_a, data)
    pdfs = [a for a in mail.outbox[0].attachments if a[0].endswith(".pdf")]
    assert len(pdfs) == 1 and pdfs[0][1].startswith(b"%PDF")
    with schema_context("alpha"):
        number = Invoice.objects.get(order__code=data["order"]["code"]).number
    order_url = f"/orders/{data['order']['code']}/{data['secret']}/"
    page = client_a.get(order_url).content.decode()
    link = re.search(r'href="(invoices/\d+\.pdf\?sig=[^"]+)"', page).group(1)
    url = order_url + html.unescape(link)
    response = client_a.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")
    assert client_b.get(url).status_code == 404  # another community's host
    unsigned = f"{order_url}invoices/{number}.pdf"
    assert client_a.get(unsigned).status_code == 404
    assert client_a.get(unsigned + "?sig=forged").status_code == 404
    settings.PISTA_PRIVATE_LINK_SECONDS = 0
    time.sleep(1.1)
    expired = client_a.get(url)
    assert expired.status_code == 410 and b"has expired" in expired.content


def test_a_leaders_ticket_transfers_to_a_leader_only_unless_staff_override(
    client_a, in_a, community_a
):
    quota = QuotaFactory(role_mode="lead_follow", max_difference=3)
    product = ProductFactory(quotas=[quota])
    data = _buy(client_a, product, role="lead").json()
    paid = _pay(client_a, data).json()
    position = paid["positions"][0]
    url = f"/api/v1/orders/{data['order']['code']}/positions/{position['id']}/transfer/"
    refused = _post(
        client_a,
        url,
        {"secret": data["secret"], "name": "Flo", "email": "flo@example.org", "role": "follow"},
    )
    assert refused.status_code == 409 and refused.json()["code"] == "transfer_role"
    ok = _post(client_a, url, {"secret": data["secret"], "name": "Leo", "email": "leo@example.org"})
    assert ok.status_code == 200 and ok.json()["role"] == "lead"
    new_secret = Position.objects.get(pk=position["id"]).secret
    assert new_secret != position["secret"]
    assert (
        _post(client_a, url, {"secret": "wrong", "name": "X", "email": "x@example.org"}).status_code
        == 404
    )
    login(client_a, community_a, organizer_create())
    assert _post(client_a, "/api/v1/checkin/", {"secret": position["secret"]}).status_code == 404
    staff = _post(client_a, url, {"name": "Flo", "email": "flo@example.org", "role": "follow"})
    assert staff.status_code == 200 and staff.json()["role"] == "follow"
    quota.refresh_from_db()
    assert (quota.sold_lead, quota.sold_follow) == (0, 1)
    assert (
        Order.objects.get(code=data["order"]["code"])
        .log.filter(action="position.transferred")
        .count()
        == 2
    )


def test_cancelling_an_event_refunds_its_paid_tickets_and_cancels_pending_ones(
    client_a, in_a, django_capture_on_commit_callbacks
):
    from core_apps.events.services import event_cancel

    event = EventFactory()
    product = ProductFactory(event=event, price_minor=3000, quotas=[QuotaFactory(size=5)])
    paid = _buy(client_a, product).json()
    _pay(client_a, paid)
    pending = _buy(client_a, product, email="pat@example.org").json()
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(actor=None, event=event)
    statuses = dict(
        Order.objects.filter(
            code__in=[paid["order"]["code"], pending["order"]["code"]]
        ).values_list("code", "status")
    )
    assert statuses == {paid["order"]["code"]: "refunded", pending["order"]["code"]: "cancelled"}
    assert (
        Invoice.objects.filter(order__code=paid["order"]["code"], kind="credit_note").count() == 1
    )
    assert Quota.objects.get(pk=product.quotas.get().pk).sold == 0
    # Cancelling again refunds nothing twice.
    from core_apps.orders.services import orders_refund_for_event

    assert orders_refund_for_event(event_id=event.pk) == 0


def test_cancelling_one_date_refunds_only_the_drop_in_for_that_date(
    client_a, in_a, django_capture_on_commit_callbacks
):
    from core_apps.events.services import event_date_cancel

    event = EventFactory()
    date = event.dates.get()
    drop_in = ProductFactory(price_minor=1000, quotas=[QuotaFactory()])
    drop_in.covers_dates.set([date])
    other = ProductFactory(price_minor=2000, quotas=[QuotaFactory()])
    body = {
        "email": "mix@example.org",
        "name": "Mix",
        "provider": "simulated",
        "lines": [{"product": drop_in.pk, "quantity": 1}, {"product": other.pk, "quantity": 1}],
    }
    data = _post(client_a, "/api/v1/checkout/", body).json()
    _pay(client_a, data)
    with django_capture_on_commit_callbacks(execute=True):
        event_date_cancel(actor=None, event_date=date)
    order = Order.objects.get(code=data["order"]["code"])
    assert order.status == "partially_refunded" and order.refunded_minor == 1000
    assert dict(order.positions.values_list("product_id", "status")) == {
        drop_in.pk: "refunded",
        other.pk: "valid",
    }
