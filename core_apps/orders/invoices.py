"""Invoice and credit-note PDFs (fpdf2: pure Python, no system libraries)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext
from fpdf import FPDF

from core_apps.orders.models import Invoice, Order, PaymentSettings
from core_apps.orders.selectors import bank_transfer_details
from tenants.current import community_current


def _text(value: str) -> str:
    # The PDF core fonts cover Latin-1; anything else is replaced, never an error.
    return value.encode("latin-1", "replace").decode("latin-1")


def _money(minor: int, currency: str) -> str:
    return f"{currency} {Decimal(minor) / 100:.2f}"


def invoice_pdf(*, invoice: Invoice) -> bytes:
    """The PDF of an invoice or credit note, with the community's legal details
    and VAT per line."""
    community = community_current()
    legal = PaymentSettings.objects.first()
    order = invoice.order
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    if invoice.kind == Invoice.Kind.CREDIT_NOTE:
        title = gettext("Credit note %(number)s") % {"number": invoice.number}
    else:
        title = gettext("Invoice %(number)s") % {"number": invoice.number}
    pdf.cell(0, 10, _text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    seller = [legal.legal_name if legal and legal.legal_name else community.name]
    if legal and legal.legal_address:
        seller += legal.legal_address.splitlines()
    if legal and legal.vat_id:
        seller.append(gettext("VAT ID %(vat_id)s") % {"vat_id": legal.vat_id})
    for line in seller:
        pdf.cell(0, 5, _text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    header = (
        gettext("Date: %(date)s") % {"date": f"{invoice.created:%Y-%m-%d}"},
        gettext("Order: %(code)s") % {"code": order.code},
        gettext("Customer: %(name)s <%(email)s>") % {"name": order.name, "email": order.email},
    )
    for line in header:
        pdf.cell(0, 5, _text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 10)
    columns = (
        (gettext("Item"), 100),
        (gettext("VAT rate"), 25),
        (gettext("VAT"), 30),
        (gettext("Total"), 35),
    )
    for text, width in columns:
        pdf.cell(width, 6, _text(text), border=1)
    pdf.ln()
    pdf.set_font("Helvetica", size=10)
    sign = -1 if invoice.kind == Invoice.Kind.CREDIT_NOTE else 1
    for line in invoice.lines if sign > 0 else []:
        pdf.cell(100, 6, _text(str(line["description"]))[:60], border=1)
        pdf.cell(25, 6, str(line["tax_rate"]), border=1)
        pdf.cell(30, 6, _money(int(line["tax_minor"]), invoice.currency), border=1)
        pdf.cell(35, 6, _money(int(line["price_minor"]), invoice.currency), border=1)
        pdf.ln()
    if sign < 0:
        pdf.cell(
            190, 6, _text(gettext("Refund for order %(code)s") % {"code": order.code}), border=1
        )
        pdf.ln()
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(155, 6, _text(gettext("Total (VAT included)")))
    pdf.cell(35, 6, _money(invoice.total_minor, invoice.currency), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.cell(155, 6, _text(gettext("of which VAT")))
    pdf.cell(35, 6, _money(invoice.tax_minor, invoice.currency), new_x="LMARGIN", new_y="NEXT")
    bank = bank_transfer_details()
    if bank and sign > 0 and order.provider == Order.Provider.MANUAL:
        # Where a bank-transfer buyer pays (the order page and reminder say it too).
        pdf.ln(4)
        lines = [
            gettext("Payment by bank transfer to:"),
            gettext("Account holder: %(holder)s") % {"holder": bank["holder"]},
            f"IBAN: {bank['iban']}",
            *([f"BIC: {bank['bic']}"] if bank["bic"] else []),
            *([gettext("Bank: %(bank)s") % {"bank": bank["bank"]}] if bank["bank"] else []),
            gettext("Reference: %(reference)s")
            % {"reference": order.payment_reference or order.code},
        ]
        for line in lines:
            pdf.cell(0, 5, _text(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
