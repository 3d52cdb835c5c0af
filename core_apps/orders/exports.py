"""Attendee lists as CSV and XLSX, with role counts."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable

from django.utils.translation import gettext, gettext_lazy
from openpyxl import Workbook

from core_apps.orders.models import Position
from core_apps.ticketing.models import Product
from pista.spreadsheets import cell_safe

# Lazy: the column names are read in the language of the request that exports.
HEADER = [
    gettext_lazy("Order"),
    gettext_lazy("Name"),
    gettext_lazy("Email"),
    gettext_lazy("Role"),
    gettext_lazy("Price (minor)"),
    gettext_lazy("Checked in"),
]


def _header() -> list[str]:
    return [str(name) for name in HEADER]


def _rows(positions: Iterable[Position]) -> tuple[list[list[str]], Counter[str]]:
    rows, roles = [], Counter[str]()
    for p in positions:
        rows.append(
            [
                p.order.code,
                p.attendee_name,
                p.attendee_email,
                p.role_admitted,
                str(p.price_minor),
                p.checked_in_at.isoformat() if p.checked_in_at else "",
            ]
        )
        roles[p.role_admitted or "none"] += 1
    return rows, roles


def attendees_csv(*, product: Product, positions: Iterable[Position]) -> str:
    rows, roles = _rows(positions)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_header())
    writer.writerows([[cell_safe(c) for c in row] for row in rows])
    writer.writerow([])
    for role, count in sorted(roles.items()):
        writer.writerow([gettext("Role count"), role, str(count)])
    return out.getvalue()


def attendees_xlsx(*, product: Product, positions: Iterable[Position]) -> bytes:
    rows, roles = _rows(positions)
    book = Workbook()
    sheet = book.active
    sheet.title = "Attendees"
    sheet.append(_header())
    for row in rows:
        sheet.append([cell_safe(c) for c in row])
    counts = book.create_sheet("Roles")
    counts.append(["Role", "Count"])
    for role, count in sorted(roles.items()):
        counts.append([role, count])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
