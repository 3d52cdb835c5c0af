"""The booking contract as a PDF, rendered from the terms frozen at confirmation
(fpdf2 with an embedded Unicode font, so every name prints as written)."""

from __future__ import annotations

import textwrap
from typing import Any

from django.utils.translation import gettext

from pista.pdf import FONT_FAMILY, pdf_bytes, pdf_document

WRAP, MAX_LINES = 90, 48


def contract_lines(terms: dict[str, Any]) -> list[str]:
    """The contract's text, one entry per printed line."""
    fields = (
        (gettext("Community: %(value)s"), "community"),
        (gettext("Artist: %(value)s"), "artist"),
        (gettext("Organizer: %(value)s"), "organizer"),
        (gettext("Engagement: %(value)s"), "title"),
        (gettext("From: %(value)s"), "starts_at"),
        (gettext("Until: %(value)s"), "ends_at"),
        (gettext("Fee: %(value)s"), "fee"),
        (gettext("Deposit: %(value)s"), "deposit"),
    )
    lines = [
        gettext("Booking contract no. %(number)s") % {"number": terms["booking"]},
        "",
        *(label % {"value": terms[key]} for label, key in fields),
        "",
        gettext("What is agreed:"),
        *textwrap.wrap(terms.get("wanted") or "-", WRAP),
        "",
        gettext("Travel:"),
        *textwrap.wrap(terms.get("travel_terms") or "-", WRAP),
        "",
        gettext("Accommodation:"),
        *textwrap.wrap(terms.get("accommodation_terms") or "-", WRAP),
        "",
        gettext("Agreed on %(date)s through Pista by both parties.")
        % {"date": terms["confirmed_at"]},
    ]
    return lines[:MAX_LINES]


def contract_pdf(terms: dict[str, Any]) -> bytes:
    """Render ``terms`` (see ``services.artist_booking_accept``) as a PDF document."""
    pdf = pdf_document()
    title, *body = contract_lines(terms)
    pdf.set_font(FONT_FAMILY, "B", 16)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, size=11)
    for line in body:
        pdf.cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    return pdf_bytes(pdf)
