"""PDF documents with embedded Unicode fonts (fpdf2 + DejaVu Sans).

The PDF core fonts cover Latin-1 only, so "Łukasz Dvořák", "—", Greek or
Turkish names would print as "?". Every PDF the platform writes (invoices,
contracts) starts from :func:`pdf_document`, which embeds DejaVu Sans (subset
to the glyphs used) in regular and bold.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().with_name("fonts")
FONT_FAMILY = "DejaVuSans"


def pdf_document() -> FPDF:
    """An A4 document on its first page, in DejaVu Sans 10 pt."""
    pdf = FPDF(format="A4")
    pdf.add_font(FONT_FAMILY, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT_FAMILY, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_font(FONT_FAMILY, size=10)
    pdf.add_page()
    return pdf


def pdf_bytes(pdf: FPDF) -> bytes:
    """The finished document."""
    return bytes(pdf.output())
