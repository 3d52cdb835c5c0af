"""The booking contract as a PDF, rendered from the terms frozen at confirmation
(fpdf2 with an embedded Unicode font, so every name prints as written)."""

from __future__ import annotations

import textwrap
from typing import Any

from pista.pdf import FONT_FAMILY, pdf_bytes, pdf_document

WRAP, MAX_LINES = 90, 48


def contract_lines(terms: dict[str, Any]) -> list[str]:
    """The contract's text, one entry per printed line."""
    lines = [
        f"Booking contract no. {terms['booking']}",
        "",
        f"Community: {terms['community']}",
        f"Artist: {terms['artist']}",
        f"Organizer: {terms['organizer']}",
        f"Engagement: {terms['title']}",
        f"From: {terms['starts_at']}",
        f"Until: {terms['ends_at']}",
        f"Fee: {terms['fee']}",
        f"Deposit: {terms['deposit']}",
        "",
        "What is agreed:",
        *textwrap.wrap(terms.get("wanted") or "-", WRAP),
        "",
        "Travel:",
        *textwrap.wrap(terms.get("travel_terms") or "-", WRAP),
        "",
        "Accommodation:",
        *textwrap.wrap(terms.get("accommodation_terms") or "-", WRAP),
        "",
        f"Agreed on {terms['confirmed_at']} through Pista by both parties.",
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
