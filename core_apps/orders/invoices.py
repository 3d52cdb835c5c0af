"""Invoice and credit-note PDFs (fpdf2 with an embedded Unicode font, so every
name prints as written), in the order's language (else the community's), money
and dates per that locale, dates in the community's zone."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_percent
from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import Align

from core_apps.orders.models import Invoice, Order, PaymentSettings
from core_apps.orders.selectors import bank_transfer_details
from pista.formats import date_format, locale_current, money_format
from pista.pdf import FONT_FAMILY, pdf_bytes, pdf_document
from tenants.current import community_current

# Item, VAT rate, VAT, total (mm; an A4 page leaves 190 between the margins).
COLUMNS = (95, 25, 35, 35)


def invoice_pdf(*, invoice: Invoice) -> bytes:
    """The PDF of an invoice or credit note, with the community's legal details
    and VAT per line."""
    community = community_current()
    with translation.override(invoice.order.language or community.language):
        return pdf_bytes(_invoice_document(invoice, zone=community.time_zone))


def _invoice_document(invoice: Invoice, *, zone: str) -> FPDF:
    community = community_current()
    legal = PaymentSettings.objects.first()
    order = invoice.order
    credit = invoice.kind == Invoice.Kind.CREDIT_NOTE
    pdf = pdf_document()

    def line(text: str) -> None:
        pdf.cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")

    def total(label: str, minor: int) -> None:
        pdf.cell(sum(COLUMNS[:-1]), 6, label)
        pdf.cell(COLUMNS[-1], 6, _money(minor, invoice), align=Align.R, new_x="LMARGIN")
        pdf.ln(6)

    title = _("Credit note %(number)s") if credit else _("Invoice %(number)s")
    pdf.set_font(FONT_FAMILY, "B", 16)
    pdf.cell(0, 10, title % {"number": invoice.number}, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, size=10)
    line(legal.legal_name if legal and legal.legal_name else community.name)
    if legal and legal.legal_address:
        for address_line in legal.legal_address.splitlines():
            line(address_line)
    if legal and legal.vat_id:
        line(_("VAT ID %(vat_id)s") % {"vat_id": legal.vat_id})
    pdf.ln(4)
    line(_("Date: %(date)s") % {"date": date_format(invoice.created, zone)})
    line(_("Order: %(code)s") % {"code": order.code})
    line(_("Customer: %(name)s <%(email)s>") % {"name": order.name, "email": order.email})
    pdf.ln(4)

    with pdf.table(
        col_widths=COLUMNS,
        width=sum(COLUMNS),
        text_align=(Align.L, Align.R, Align.R, Align.R),
        line_height=6,
        first_row_as_headings=True,
    ) as table:
        table.row([_("Item"), _("VAT rate"), _("VAT"), _("Total")])
        if credit:
            table.row([_("Refund for order %(code)s") % {"code": order.code}, "", "", ""])
        else:
            for item in invoice.lines:
                table.row(
                    [
                        str(item["description"]),
                        _percent(str(item["tax_rate"])),
                        _money(int(item["tax_minor"]), invoice),
                        _money(int(item["price_minor"]), invoice),
                    ]
                )
    pdf.ln(2)
    pdf.set_font(FONT_FAMILY, "B", 10)
    total(_("Total (VAT included)"), invoice.total_minor)
    pdf.set_font(FONT_FAMILY, size=10)
    total(_("of which VAT"), invoice.tax_minor)

    bank = bank_transfer_details()
    if bank and not credit and order.provider == Order.Provider.MANUAL:
        # Where a bank-transfer buyer pays (the order page and reminder say it too).
        pdf.ln(4)
        line(_("Payment by bank transfer to:"))
        line(_("Account holder: %(holder)s") % {"holder": bank["holder"]})
        line(_("IBAN: %(iban)s") % {"iban": bank["iban"]})
        if bank["bic"]:
            line(_("BIC: %(bic)s") % {"bic": bank["bic"]})
        if bank["bank"]:
            line(_("Bank: %(bank)s") % {"bank": bank["bank"]})
        line(_("Reference: %(reference)s") % {"reference": order.payment_reference or order.code})
    return pdf


def _money(minor: int, invoice: Invoice) -> str:
    return money_format(minor, invoice.currency)


def _percent(rate: str) -> str:
    """A VAT rate as stored (``"7.50"``) the locale's way: ``7.5%``, ``7,5 %``."""
    return format_percent(Decimal(rate) / 100, locale=locale_current(), decimal_quantization=False)
