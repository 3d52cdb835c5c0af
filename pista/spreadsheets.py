"""Cells of the CSV and XLSX files Pista exports, safe to open in a spreadsheet.

A cell that a spreadsheet would read as a formula (``=HYPERLINK(...)``,
``+cmd|' /C calc'!A0``, ``@SUM(...)``, ``-2+3``) runs when staff open an export
of what members typed. Every exported text cell goes through ``cell_safe``,
which prefixes such cells with an apostrophe so they stay text (OWASP's advice
for CSV injection). Used by ``core_apps.orders.exports`` and the group member
export in ``core_apps.community.api.social``.
"""

from __future__ import annotations

# Leading characters that start a formula or a DDE call in Excel, LibreOffice or
# Google Sheets, including the full-width forms some locales accept, and the
# tab and line breaks that can hide one behind whitespace.
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def cell_safe(value: object) -> str:
    """``value`` as text that no spreadsheet evaluates as a formula."""
    text = "" if value is None else str(value)
    stripped = text.lstrip(" \u00a0")
    if stripped[:1] in FORMULA_STARTS and stripped:
        return "'" + text
    return text
