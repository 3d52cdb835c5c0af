"""Payment settings in the back office, and the bank details bank-transfer
buyers see on their order page, in the reminder email and on the invoice."""

from __future__ import annotations

import html

import pytest

from core_apps.orders.models import Order, PaymentSettings
from core_apps.orders.services import LineIn, order_checkout, orders_remind_unpaid
from core_apps.privacy.models import AuditEntry
from tests.conftest import login
from tests.core_apps.events.factories import ProductFactory, QuotaFactory, organizer_create
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

FORM = {
    "legal_name": "Alpha Salsa e.V.",
    "legal_address": "Hauptstr. 1\n10115 Berlin",
    "vat_id": "de 123456789",
    "bank_account_holder": "Alpha Salsa e.V.",
    "iban": "DE89 3704 0044 0532 0130 00",
    "bic": "COBADEFFXXX",
    "bank_name": "Commerzbank",
    "payment_days": "5",
    "reminder_days": "2",
    "bank_transfer_enabled": "on",
    "card_enabled": "on",
}


@pytest.fixture
def organizer(in_a, client_a, community_a):
    user = organizer_create()
    login(client_a, community_a, user)
    return user


def test_an_organizer_saves_the_payment_settings_and_it_is_audited(client_a, organizer):
    assert client_a.get("/manage/payments/").status_code == 200
    response = client_a.post("/manage/payments/", FORM)
    assert response.status_code == 302
    row = PaymentSettings.objects.get()
    assert row.iban == "DE89370400440532013000" and row.vat_id == "DE123456789"
    assert (row.payment_days, row.reminder_days) == (5, 2)
    entry = AuditEntry.objects.get(action="payments.settings_update")
    assert entry.actor == organizer and "iban" in entry.data["changed"]
    assert "DE89 3704 0044 0532 0130 00" in client_a.get("/manage/payments/").content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"iban": "DE89 3704 0044 0532 0130 01"}, "iban", "check digits are wrong"),
        ({"iban": "hello"}, "iban", "not a valid IBAN"),
        ({"bic": "NOPE"}, "bic", "not a valid BIC"),
        ({"reminder_days": "5"}, "reminder_days", "before the payment deadline"),
    ],
)
def test_bad_payment_settings_are_refused_next_to_their_field(
    client_a, organizer, changes, field, message
):
    response = client_a.post("/manage/payments/", {**FORM, **changes})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not PaymentSettings.objects.filter(iban__startswith="DE").exists()


def test_members_cannot_open_the_payment_settings(in_a, client_a, community_a):
    from tests.factories import UserFactory

    login(client_a, community_a, UserFactory())
    assert client_a.get("/manage/payments/").status_code == 403
    assert client_a.post("/manage/payments/", FORM).status_code == 403


def test_bank_transfer_buyers_see_the_bank_details_everywhere(
    client_a, organizer, mailoutbox, settings
):
    from django.utils import timezone

    client_a.post("/manage/payments/", FORM)
    product = ProductFactory(price_minor=12900, quotas=[QuotaFactory()])
    order = order_checkout(
        email="ana@example.org",
        name="Ana",
        provider="manual",
        lines=[LineIn(product_id=product.pk, quantity=1)],
    ).order
    assert order.expires_at - timezone.now() > timezone.timedelta(days=4)  # 5 days to pay
    page = html.unescape(client_a.get(f"/orders/{order.code}/{order.secret}/").content.decode())
    assert "DE89 3704 0044 0532 0130 00" in page and "COBADEFFXXX" in page
    assert "€129.00" in page and order.code in page
    # The reminder comes the set number of days before the deadline.
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() + timezone.timedelta(days=1))
    assert orders_remind_unpaid() == 1
    body = mailoutbox[-1].body
    assert "DE89 3704 0044 0532 0130 00" in body and "€129.00" in body
    # The invoice says where to pay.
    from core_apps.orders.invoices import invoice_pdf
    from core_apps.orders.services import invoice_create

    invoice = invoice_create(order=order)
    pdf = invoice_pdf(invoice=invoice)
    assert pdf.startswith(b"%PDF")
    assert "IBAN: DE89 3704 0044 0532 0130 00" in pdf_text(pdf)


def test_a_bank_transfer_order_emails_the_bank_details_at_once(
    client_a, organizer, mailoutbox, django_capture_on_commit_callbacks
):
    from pista.formats import datetime_format
    from tenants.current import community_current

    client_a.post("/manage/payments/", FORM)
    product = ProductFactory(price_minor=12900, quotas=[QuotaFactory()])
    with django_capture_on_commit_callbacks(execute=True):
        order = order_checkout(
            email="ana@example.org",
            name="Ana",
            provider="manual",
            lines=[LineIn(product_id=product.pk, quantity=1)],
        ).order
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ana@example.org"] and order.code in message.subject
    body = message.body
    zone = order.event.time_zone if order.event else community_current().time_zone
    for text in (
        "Alpha Salsa e.V.",  # the account holder
        "DE89 3704 0044 0532 0130 00",
        "COBADEFFXXX",
        "€129.00",
        f"Reference: {order.code}",
        datetime_format(order.expires_at, zone),  # the deadline
    ):
        assert text in body, text
    # Paid by card instead: no transfer instructions.
    with django_capture_on_commit_callbacks(execute=True):
        order_checkout(
            email="ben@example.org",
            name="Ben",
            provider="simulated",
            lines=[LineIn(product_id=product.pk, quantity=1)],
        )
    assert len(mailoutbox) == 1


def test_a_disabled_bank_transfer_is_not_offered_or_accepted(client_a, organizer):
    from core_apps.orders.services import InvalidProvider

    client_a.post("/manage/payments/", {**FORM, "bank_transfer_enabled": ""})
    product = ProductFactory(price_minor=1000, quotas=[QuotaFactory()])
    with pytest.raises(InvalidProvider):
        order_checkout(
            email="x@example.org",
            name="X",
            provider="manual",
            lines=[LineIn(product_id=product.pk, quantity=1)],
        )


def test_staff_of_one_community_cannot_change_anothers_payment_settings(
    community_a, community_b, client_b
):
    from django_tenants.utils import schema_context

    with schema_context(community_a.schema_name):
        staff = organizer_create(email="pay-a@alpha.example")
    login(client_b, community_a, staff)
    assert client_b.post("/manage/payments/", FORM).status_code == 302
    with schema_context(community_b.schema_name):
        assert not PaymentSettings.objects.filter(iban__startswith="DE").exists()
