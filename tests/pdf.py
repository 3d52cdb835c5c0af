"""The text of a PDF as a reader sees it (poppler's ``pdftotext``)."""

from __future__ import annotations

import shutil
import subprocess

from tests.conftest import service_unavailable


def pdf_text(document: bytes) -> str:
    """What ``pdftotext`` extracts from ``document`` (layout kept)."""
    binary = shutil.which("pdftotext")
    if binary is None:
        service_unavailable("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(
        [binary, "-layout", "-enc", "UTF-8", "-", "-"],
        input=document,
        capture_output=True,
        check=True,
        timeout=30,
    )
    return result.stdout.decode("utf-8")
