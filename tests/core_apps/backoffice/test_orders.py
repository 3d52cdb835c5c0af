"""Orders in the back office: the list, one order's page, and every staff
action through its confirmation page — each writes an audit entry and keeps
the order services' rules; bad input is a clear message with nothing done."""

from __future__ import annotations

import html
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from core_apps.orders.models import Order, OrderLog, Position
from core_apps.orders.services import LineIn, order_checkout
from core_apps.privacy.models import AuditEntry
from core_apps.ticketing.models import Quota
from tenants.current import community_current
from tests.conftest import login
from tests.core_apps.events.factories import (
    EventFactory,
    ProductFactory,
    QuotaFactory,
    organizer_create,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(in_a, client_a, community_a):
    user = organizer_create(email="boss@alpha.example")
    login(client_a, community_a, user)
    return user


@pytest.fixture
def festival(in_a):
    quota = QuotaFactory(size=10, role_mode="lead_follow", max_difference=5)
    return ProductFactory(
        name="Full pass", event=EventFactory(title="Summer Fest"), price_minor=12900, quotas=[quota]
    )


def _order(product, *, email="ana@example.org", name="Ana Buyer", role="lead", provider="manual"):
    return order_checkout(
        email=email,
        name=name,
        provider=provider,
        lines=[LineIn(product_id=product.pk, quantity=1, role=role)],
    ).order


def _paid(product, **kwargs):
    from core_apps.orders.services import order_mark_paid

    order = _order(product, **kwargs)
    return order_mark_paid(order=order, actor=None, provider="manual")


def _audit(order, action):
    return AuditEntry.objects.filter(
        action=action, target_type="orders.order", target_id=str(order.pk)
    )


# --- The list -----------------------------------------------------------------


def test_the_list_searches_filters_and_formats_money_and_times(client_a, organizer, festival):
    ana = _order(festival, email="ana@example.org", name="Ana Buyer")
    ben = _paid(festival, email="ben@example.org", name="Ben Dancer", role="follow")
    other = ProductFactory(name="Party", price_minor=1000, quotas=[QuotaFactory()])
    _order(other, email="cy@example.org", name="Cy", role="")

    page = client_a.get("/manage/orders/").content.decode()
    assert ana.code in page and ben.code in page
    assert "€129.00" in page and "Times in " in page
    assert "minor" not in page

    def codes(query: str) -> set[str]:
        response = client_a.get("/manage/orders/" + query)
        assert response.status_code == 200
        return {o.code for o in response.context["page"]}

    assert codes("?q=ben@example") == {ben.code}
    assert codes(f"?q={ana.code.lower()}") == {ana.code}
    assert codes("?q=Ana+Buy") == {ana.code}
    assert codes("?status=paid") == {ben.code}
    assert codes(f"?product={other.pk}") - {ana.code, ben.code} == codes(f"?product={other.pk}")
    assert codes(f"?event={festival.event_id}") == {ana.code, ben.code}
    assert codes("?provider=stripe") == set()
    # The range is whole days in the community's zone: "today" is its date, not UTC's.
    today = timezone.localdate(timezone=ZoneInfo(community_current().time_zone))
    assert codes(f"?created_from={today - timedelta(days=1)}&created_until={today}") >= {
        ana.code,
        ben.code,
    }
    assert codes(f"?created_until={today - timedelta(days=2)}") == set()


def test_the_list_pages_fifty_at_a_time_keeping_the_filters(client_a, organizer, festival):
    big = Quota.objects.filter(pk__in=festival.quotas.all()).update(size=200, role_mode="off")
    assert big
    for i in range(52):
        _order(festival, email=f"p{i}@example.org", role="")
    first = client_a.get("/manage/orders/?status=pending")
    assert len(first.context["page"]) == 50
    assert "status=pending&amp;page=2" in first.content.decode()
    second = client_a.get("/manage/orders/?status=pending&page=2")
    assert len(second.context["page"]) == 2


def test_a_bad_filter_is_a_message_not_a_500(client_a, organizer):
    response = client_a.get("/manage/orders/?created_from=yesterday&product=999999")
    assert response.status_code == 400
    assert response.context["form"].errors["created_from"]


# --- The detail page -----------------------------------------------------------


def test_the_order_page_shows_positions_money_invoices_log_and_audit(
    client_a, organizer, festival, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = _paid(festival)
    page = client_a.get(f"/manage/orders/{order.code}/").content.decode()
    position = order.positions.get()
    assert "Ana Buyer" in page and "Full pass" in page and "Leader" in page
    assert "€129.00" in page
    assert f"/manage/orders/{order.code}/invoices/" in page
    assert "order.paid" in page  # the order log
    assert 'data-audit="order.paid"' in page
    assert f"/manage/orders/{order.code}/positions/{position.pk}/change/" in page
    invoice = order.invoices.get()
    pdf = client_a.get(f"/manage/orders/{order.code}/invoices/{invoice.number}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_an_unknown_order_is_a_404(client_a, organizer):
    assert client_a.get("/manage/orders/NOPE/").status_code == 404
    assert client_a.get("/manage/orders/NOPE/refund/").status_code == 404


def test_members_cannot_see_or_act_on_orders(in_a, client_a, community_a, festival):
    order = _order(festival)
    login(client_a, community_a, UserFactory())
    assert client_a.get(f"/manage/orders/{order.code}/").status_code == 403
    response = client_a.post(f"/manage/orders/{order.code}/mark-paid/", {"reason": "x"})
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING


# --- Actions -----------------------------------------------------------------


def test_mark_paid_needs_confirmation_and_a_reason_and_is_audited(
    client_a, organizer, festival, django_capture_on_commit_callbacks
):
    order = _order(festival)
    confirm = client_a.get(f"/manage/orders/{order.code}/mark-paid/")
    assert confirm.status_code == 200 and "€129.00" in confirm.content.decode()
    refused = client_a.post(f"/manage/orders/{order.code}/mark-paid/", {"reason": ""})
    assert refused.status_code == 400
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        done = client_a.post(
            f"/manage/orders/{order.code}/mark-paid/",
            {"reason": "Seen on the bank statement", "reference": "TRX-1"},
        )
    assert done.status_code == 302 and done["Location"] == f"/manage/orders/{order.code}/"
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.payment_reference == "TRX-1"
    entry = _audit(order, "order.mark_paid").get()
    assert entry.actor == organizer and entry.data["reason"] == "Seen on the bank statement"
    assert order.invoices.count() == 1  # the service's effects followed


def test_marking_a_cancelled_order_paid_is_refused_with_a_message(client_a, organizer, festival):
    order = _order(festival)
    order.status = Order.Status.CANCELLED
    order.save(update_fields=["status"])
    response = client_a.post(f"/manage/orders/{order.code}/mark-paid/", {"reason": "oops"})
    assert response.status_code == 409
    assert "cancelled order can't be marked as paid" in html.unescape(response.content.decode())
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert not _audit(order, "order.mark_paid").exists()


def test_a_partial_refund_takes_a_decimal_amount_and_is_audited(
    client_a, organizer, festival, django_capture_on_commit_callbacks
):
    order = _paid(festival)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            f"/manage/orders/{order.code}/refund/", {"amount": "29.50", "reason": "Missed a day"}
        )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.refunded_minor == 2950 and order.status == Order.Status.PARTIALLY_REFUNDED
    assert order.positions.get().status == Position.Status.VALID  # places stay
    assert order.invoices.filter(kind="credit_note", total_minor=-2950).exists()
    entry = _audit(order, "order.refund").get()
    assert entry.data["amount_minor"] == 2950 and entry.data["reason"] == "Missed a day"
    page = client_a.get(f"/manage/orders/{order.code}/").content.decode()
    assert "€29.50" in page


def test_a_full_refund_releases_the_places(client_a, organizer, festival):
    order = _paid(festival)
    quota = festival.quotas.get()
    assert quota.sold == 1 and quota.sold_lead == 1
    response = client_a.post(f"/manage/orders/{order.code}/refund/", {"reason": "Ill"})
    assert response.status_code == 302
    order.refresh_from_db()
    quota.refresh_from_db()
    assert order.status == Order.Status.REFUNDED and order.refunded_minor == 12900
    assert quota.sold == 0 and quota.sold_lead == 0


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("129.01", "at most what is left to refund (€129.00)"),
        ("-5", "zero or more"),
        ("0", "more than zero"),
        ("1.234", "at most 2 decimals"),
        ("ten", "is not an amount"),
    ],
)
def test_a_bad_refund_amount_is_a_message_and_nothing_is_refunded(
    client_a, organizer, festival, amount, message
):
    order = _paid(festival)
    response = client_a.post(
        f"/manage/orders/{order.code}/refund/", {"amount": amount, "reason": "test"}
    )
    assert response.status_code in (400, 409)
    assert message in response.content.decode()
    order.refresh_from_db()
    assert order.refunded_minor == 0 and order.status == Order.Status.PAID
    assert not order.refunds.exists() and not _audit(order, "order.refund").exists()


def test_a_pending_order_cannot_be_refunded(client_a, organizer, festival):
    order = _order(festival)
    response = client_a.post(f"/manage/orders/{order.code}/refund/", {"reason": "x"})
    assert response.status_code == 409
    assert "nothing to refund" in response.content.decode()


def test_cancel_gives_the_places_back_and_is_audited(client_a, organizer, festival):
    order = _order(festival)
    response = client_a.post(f"/manage/orders/{order.code}/cancel/", {"reason": "Duplicate"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert festival.quotas.get().sold == 0
    assert _audit(order, "order.cancel").get().data["reason"] == "Duplicate"


def test_a_paid_order_is_refunded_not_cancelled(client_a, organizer, festival):
    order = _paid(festival)
    response = client_a.post(f"/manage/orders/{order.code}/cancel/", {"reason": "x"})
    assert response.status_code == 409 and "use Refund" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_resend_queues_the_tickets_email_again_once_per_request(
    client_a, organizer, festival, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        order = _paid(festival)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(f"/manage/orders/{order.code}/resend/", {"reason": "Lost it"})
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["ana@example.org"]]
    assert _audit(order, "order.tickets_resend").get().data["reason"] == "Lost it"
    assert OrderLog.objects.filter(order=order, action="tickets.resent").count() == 1


def test_resend_of_an_unpaid_order_is_refused(client_a, organizer, festival):
    order = _order(festival)
    response = client_a.post(f"/manage/orders/{order.code}/resend/", {"reason": "x"})
    assert response.status_code == 409


def test_changing_an_attendees_role_moves_the_place_between_the_role_counts(
    client_a, organizer, festival
):
    order = _paid(festival)
    position = order.positions.get()
    quota = festival.quotas.get()
    assert (quota.sold_lead, quota.sold_follow) == (1, 0)
    url = f"/manage/orders/{order.code}/positions/{position.pk}/change/"
    assert 'value="Ana Buyer"' in client_a.get(url).content.decode()
    response = client_a.post(
        url,
        {"name": "Ana B. Buyer", "email": "ana.b@example.org", "role": "follow", "reason": "Typo"},
    )
    assert response.status_code == 302
    position.refresh_from_db()
    quota.refresh_from_db()
    assert (position.attendee_name, position.attendee_email, position.role_admitted) == (
        "Ana B. Buyer",
        "ana.b@example.org",
        "follow",
    )
    assert (quota.sold, quota.sold_lead, quota.sold_follow) == (1, 0, 1)
    entry = _audit(order, "order.attendee_change").get()
    assert entry.data["previous"]["role"] == "lead" and entry.data["to"]["role"] == "follow"


def test_a_role_balanced_ticket_cannot_lose_its_role(client_a, organizer, festival):
    order = _paid(festival)
    position = order.positions.get()
    response = client_a.post(
        f"/manage/orders/{order.code}/positions/{position.pk}/change/",
        {"name": "Ana", "email": "ana@example.org", "role": "", "reason": "x"},
    )
    assert response.status_code == 400
    position.refresh_from_db()
    assert position.role_admitted == "lead"
    assert festival.quotas.get().sold_lead == 1


def test_another_orders_ticket_is_not_found(client_a, organizer, festival):
    one = _order(festival)
    two = _order(festival, email="two@example.org")
    other = two.positions.get()
    response = client_a.get(f"/manage/orders/{one.code}/positions/{other.pk}/change/")
    assert response.status_code == 404


def test_extending_the_deadline_keeps_the_places_and_is_audited(client_a, organizer, festival):
    order = _order(festival)
    before = order.expires_at
    until = (timezone.now() + timedelta(days=10)).astimezone(ZoneInfo("Europe/Berlin"))
    response = client_a.post(
        f"/manage/orders/{order.code}/extend/",
        {"until": until.strftime("%Y-%m-%dT%H:%M"), "reason": "Asked by email"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.expires_at > before
    assert order.expires_at.astimezone(until.tzinfo).strftime("%Y-%m-%d %H:%M") == until.strftime(
        "%Y-%m-%d %H:%M"
    )
    assert _audit(order, "order.deadline_extend").get().data["reason"] == "Asked by email"


def test_a_deadline_in_the_past_is_refused(client_a, organizer, festival):
    order = _order(festival)
    before = order.expires_at
    response = client_a.post(
        f"/manage/orders/{order.code}/extend/",
        {"until": "2020-01-01T10:00", "reason": "x"},
    )
    assert response.status_code == 400
    assert "must be later" in response.content.decode()
    order.refresh_from_db()
    assert order.expires_at == before


# --- Tenancy -----------------------------------------------------------------


def test_staff_of_one_community_cannot_see_or_act_on_anothers_orders(
    community_a, community_b, client_a, client_b
):
    with schema_context(community_b.schema_name):
        product = ProductFactory(price_minor=1000, quotas=[QuotaFactory()])
        b_order = _order(product, role="")
    with schema_context(community_a.schema_name):
        a_staff = organizer_create(email="a-staff@alpha.example")
    login(client_a, community_a, a_staff)
    # B's order code on A's host: not there.
    assert client_a.get(f"/manage/orders/{b_order.code}/").status_code == 404
    response = client_a.post(f"/manage/orders/{b_order.code}/mark-paid/", {"reason": "x"})
    assert response.status_code == 404
    assert not client_a.get(f"/manage/orders/?q={b_order.code}").context["page"].object_list
    # A's session on B's host: not signed in there.
    login(client_b, community_a, a_staff)
    assert client_b.get(f"/manage/orders/{b_order.code}/").status_code == 302
    with schema_context(community_b.schema_name):
        b_order.refresh_from_db()
        assert b_order.status == Order.Status.PENDING
