"""PDFs print every name as written: Unicode fonts are embedded."""

from __future__ import annotations

import pytest

from core_apps.artists.contracts import contract_pdf
from pista.pdf import pdf_bytes, pdf_document
from tests.pdf import pdf_text

NAMES = ["Łukasz Dvořák — Σ", "Zofia Żółć", "Jiří Šťastný", "Γιώργος Παπαδόπουλος", "Şükrü Ağaoğlu"]


@pytest.mark.parametrize("name", NAMES)
def test_a_document_extracts_back_to_the_names_written(name):
    pdf = pdf_document()
    pdf.cell(0, 6, name)
    assert name in pdf_text(pdf_bytes(pdf))


def test_a_contract_keeps_polish_czech_greek_and_turkish_names():
    terms = {
        "booking": 7,
        "community": "Tango del Barrio",
        "artist": "Łukasz Dvořák — Σ",
        "organizer": "Şükrü Ağaoğlu",
        "title": "Γιώργος workshop",
        "starts_at": "2026-07-04 21:00 CEST",
        "ends_at": "2026-07-04 23:00 CEST",
        "fee": "950,00 zł",
        "deposit": "100,00 Kč",
        "wanted": "Dvě lekce",
        "travel_terms": "",
        "accommodation_terms": "",
        "confirmed_at": "2026-06-01",
    }
    text = pdf_text(contract_pdf(terms, language="en"))
    for value in (
        "Łukasz Dvořák — Σ",
        "Şükrü Ağaoğlu",
        "Γιώργος workshop",
        "950,00 zł",
        "Dvě lekce",
    ):
        assert value in text
