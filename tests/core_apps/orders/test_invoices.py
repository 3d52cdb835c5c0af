"""Invoice PDFs print every name as written (an embedded Unicode font), in the
order's language with its money and date conventions, in the community's zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django_tenants.utils import schema_context

from core_apps.artists.contracts import contract_pdf
from core_apps.orders.invoices import invoice_pdf
from core_apps.orders.models import Invoice, PaymentSettings
from core_apps.orders.services import LineIn, invoice_create, order_checkout
from pista.formats import date_format, money_format
from tests.core_apps.events.factories import ProductFactory, QuotaFactory
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

NAMES = {
    "Polish": "Zażółć gęślą jaźń",
    "Czech": "Příliš žluťoučký kůň",
    "Greek": "Καλημέρα Σοφία",
    "Turkish": "Işıl Güneş Çağ",  # noqa: RUF001 (a Turkish dotless i)
}


def _invoice(*, name: str, language: str = "", price_minor: int = 12900) -> Invoice:
    product = ProductFactory(name="Workshop", price_minor=price_minor, quotas=[QuotaFactory()])
    order = order_checkout(
        email="buyer@example.org",
        name=name,
        provider="manual",
        lines=[LineIn(product_id=product.pk, quantity=1)],
        language=language,
    ).order
    return invoice_create(order=order)


def _text(invoice: Invoice) -> str:
    return pdf_text(invoice_pdf(invoice=invoice))


def test_an_invoice_for_lukasz_dvorak_extracts_back_to_the_same_text(in_a):
    text = _text(_invoice(name="Łukasz Dvořák — Σ"))
    assert "Łukasz Dvořák — Σ <buyer@example.org>" in text
    assert "Workshop — Łukasz Dvořák — Σ" in text  # the line's attendee
    assert "?" not in text.replace("<buyer@example.org>", "")


def test_polish_czech_greek_and_turkish_names_print_in_invoices_and_contracts(in_a):
    terms = {
        "booking": 7,
        "community": "Tango del Barrio",
        "artist": NAMES["Greek"],
        "organizer": NAMES["Turkish"],
        "title": NAMES["Czech"],
        "starts_at": "2026-07-04 21:00 CEST",
        "ends_at": "2026-07-04 23:00 CEST",
        "fee": "950,00 zł",
        "deposit": "",
        "wanted": NAMES["Polish"],
        "travel_terms": "",
        "accommodation_terms": "",
        "confirmed_at": "2026-06-01",
    }
    contract = pdf_text(contract_pdf(terms, language="en"))
    for language, name in NAMES.items():
        invoice = _text(_invoice(name=name))
        assert f"{name} <buyer@example.org>" in invoice, language
        assert name in contract, language


def test_a_spanish_invoice_shows_spanish_money_and_dates_in_the_communitys_zone(in_a, community_a):
    invoice = _invoice(name="Ana", language="es", price_minor=12900)
    # Late on July 4th in UTC is already July 5th in Berlin.
    created = datetime(2026, 7, 4, 23, 30, tzinfo=UTC)
    Invoice.objects.filter(pk=invoice.pk).update(created=created)
    invoice.refresh_from_db()
    text = _text(invoice)
    amount = money_format(12900, "EUR", locale="es")
    assert amount == "129,00\xa0€"
    # pdftotext reads Babel's no-break space back as a space.
    assert amount.replace("\xa0", " ") in text and "€129.00" not in text and "EUR" not in text
    day = date_format(created, community_a.time_zone, locale="es")
    assert "5 jul 2026" in day and day in text


def test_an_invoice_prints_only_its_own_communitys_legal_details(in_a, community_b):
    PaymentSettings.objects.create(legal_name="Alpha Salsa e.V.", vat_id="DE123")
    with schema_context(community_b.schema_name):
        PaymentSettings.objects.create(legal_name="Beta Tango Sp. z o.o.", vat_id="PL999")
    text = _text(_invoice(name="Ana"))
    assert "Alpha Salsa e.V." in text and "DE123" in text
    assert "Beta Tango" not in text and "PL999" not in text
