"""The booking contract as a PDF, rendered from the terms frozen at confirmation.

A one-page text PDF needs no layout engine, so it is written directly (PDF 1.4,
the standard Helvetica font, Latin-1 text).
"""

from __future__ import annotations

import textwrap
from typing import Any

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
LEFT, TOP, LINE_HEIGHT, WRAP = 56, 786, 15, 90


def _pdf_text(line: str) -> str:
    encoded = line.encode("latin-1", "replace").decode("latin-1")
    return encoded.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


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
    return lines[: (TOP - 40) // LINE_HEIGHT]


def contract_pdf(terms: dict[str, Any]) -> bytes:
    """Render ``terms`` (see ``services.artist_booking_accept``) as a PDF document."""
    commands = ["BT", "/F1 11 Tf", f"{LEFT} {TOP} Td", f"{LINE_HEIGHT} TL"]
    for index, line in enumerate(contract_lines(terms)):
        if index == 0:
            commands += ["/F1 16 Tf", f"({_pdf_text(line)}) Tj", "/F1 11 Tf", "T*"]
        else:
            commands.append(f"({_pdf_text(line)}) '")
    commands.append("ET")
    stream = "\n".join(commands).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
        ).encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(out)
