"""Invoices and credit notes: gap-free sequential numbers per community."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.utils.translation import gettext as _

from core_apps.orders.models import (
    Invoice,
    Order,
)
from core_apps.orders.services.common import order_log, tax_included
from core_apps.orders.services.errors import LinkExpired
from pista.errors import NotFound
from pista.tenancy import current_schema

if TYPE_CHECKING:
    pass


def invoice_create(
    *, order: Order, kind: str = Invoice.Kind.INVOICE, total_minor: int | None = None
) -> Invoice:
    """Issue the next invoice (or credit note) number of the community.

    The number comes from one counter row incremented by a conditional UPDATE
    in the same transaction as the invoice, so a rolled-back invoice gives its
    number back: numbers have no gaps and no duplicates.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE orders_invoicesequence SET last = last + 1 RETURNING last")
            row = cursor.fetchone()
            if row is None:
                # First invoice ever: create the counter (a unique pk decides races).
                cursor.execute(
                    "INSERT INTO orders_invoicesequence (id, last) VALUES (1, 0) "
                    "ON CONFLICT DO NOTHING"
                )
                cursor.execute("UPDATE orders_invoicesequence SET last = last + 1 RETURNING last")
                row = cursor.fetchone()
        number = int(row[0])
        positions = list(order.positions.select_related("product"))
        lines = [
            {
                "description": f"{p.product.name} — {p.attendee_name}",
                "price_minor": p.price_minor,
                "tax_rate": str(p.tax_rate),
                "tax_minor": p.tax_minor,
            }
            for p in positions
        ]
        total = order.total_minor if total_minor is None else total_minor
        tax = (
            order.tax_minor
            if kind == Invoice.Kind.INVOICE
            else -tax_included(-total, positions[0].tax_rate if positions else Decimal(0))
        )
        invoice = Invoice.objects.create(
            order=order,
            number=number,
            kind=kind,
            total_minor=total,
            tax_minor=tax,
            currency=order.currency,
            lines=lines,
        )
        order_log(order=order, action=f"{kind}.issued", number=number)
    return invoice


INVOICE_LINK_SALT = "pista.orders.invoice-link"


def invoice_link_signature(*, invoice: Invoice) -> str:
    """A short-lived signature for one invoice's download link, bound to this
    community, the order and the invoice number (``PISTA_PRIVATE_LINK_SECONDS``)."""
    return signing.dumps(
        [current_schema(), invoice.order.code, invoice.number], salt=INVOICE_LINK_SALT
    )


def invoice_for_signed_link(*, order: Order, number: int, signature: str) -> Invoice:
    """The order's invoice ``number`` when ``signature`` was made for it here and
    has not expired. Raises NotFound, LinkExpired."""
    try:
        signed = signing.loads(
            signature, salt=INVOICE_LINK_SALT, max_age=settings.PISTA_PRIVATE_LINK_SECONDS
        )
    except signing.SignatureExpired as exc:
        raise LinkExpired(
            _("This invoice link has expired: open the invoice again from your order page.")
        ) from exc
    except signing.BadSignature as exc:
        raise NotFound(_("No such invoice.")) from exc
    if signed != [current_schema(), order.code, number]:
        raise NotFound(_("No such invoice."))
    invoice = order.invoices.filter(number=number).first()
    if invoice is None:
        raise NotFound(_("No such invoice."))
    return invoice
