"""The booking contract as a PDF, rendered from the terms frozen at confirmation
(fpdf2 with an embedded Unicode font, so every name prints as written), its
wording in the community's language."""

from __future__ import annotations

import textwrap
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from pista.pdf import FONT_FAMILY, pdf_bytes, pdf_document

WRAP, MAX_LINES = 90, 48


def contract_lines(terms: dict[str, Any]) -> list[str]:
    """The contract's text, one entry per printed line."""
    lines = [
        _("Booking contract no. %(number)s") % {"number": terms["booking"]},
        "",
        _("Community: %(name)s") % {"name": terms["community"]},
        _("Artist: %(name)s") % {"name": terms["artist"]},
        _("Organizer: %(name)s") % {"name": terms["organizer"]},
        _("Engagement: %(title)s") % {"title": terms["title"]},
        _("From: %(time)s") % {"time": terms["starts_at"]},
        _("Until: %(time)s") % {"time": terms["ends_at"]},
        _("Fee: %(amount)s") % {"amount": terms["fee"]},
        _("Deposit: %(amount)s") % {"amount": terms["deposit"]},
        "",
        _("What is agreed:"),
        *textwrap.wrap(terms.get("wanted") or "-", WRAP),
        "",
        _("Travel:"),
        *textwrap.wrap(terms.get("travel_terms") or "-", WRAP),
        "",
        _("Accommodation:"),
        *textwrap.wrap(terms.get("accommodation_terms") or "-", WRAP),
        "",
        _("Agreed on %(time)s through Pista by both parties.") % {"time": terms["confirmed_at"]},
    ]
    return lines[:MAX_LINES]


def contract_pdf(terms: dict[str, Any], *, language: str) -> bytes:
    """Render ``terms`` (see ``services.artist_booking_accept``) as a PDF document
    worded in ``language``."""
    pdf = pdf_document()
    with translation.override(language):
        title, *body = contract_lines(terms)
    pdf.set_font(FONT_FAMILY, "B", 16)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, size=11)
    for line in body:
        pdf.cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    return pdf_bytes(pdf)
