"""Names and slugs typed by people, normalised before they are stored.

Display names, group and artist names are shown to other members, so Unicode
tricks must not let one person pass for another or scramble a page:
``name_clean`` applies NFKC (full-width and mathematical-bold "Admin" become
plain ASCII "Admin"), removes control and format characters (bidi
overrides such as U+202E, isolates, zero-width joiners and spaces, BOMs) and
collapses whitespace. ``slug_make`` transliterates to ASCII before slugifying,
so a slug built from Cyrillic look-alikes of "Salsa" is plain ``salsa`` and
cannot pose as a different address.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from anyascii import anyascii
from django.utils.text import slugify

# Categories removed from names: control (Cc), format (Cf: bidi controls,
# zero-width characters), private use (Co), surrogates (Cs), unassigned (Cn).
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})


def name_clean(text: str) -> str:
    """``text`` NFKC-normalised, without control/format characters, on one line."""
    normalised = unicodedata.normalize("NFKC", text or "")
    kept = "".join(
        " " if char.isspace() else char
        for char in normalised
        if char.isspace() or unicodedata.category(char) not in _REMOVED_CATEGORIES
    )
    return " ".join(kept.split())


def slug_make(text: str) -> str:
    """An ASCII slug for ``text`` (empty when nothing transliterates)."""
    return slugify(anyascii(name_clean(text)))


def slug_unique(text: str, *, taken: Callable[[str], bool], fallback: str) -> str:
    """A slug for ``text`` (``fallback`` when nothing transliterates) that
    ``taken`` does not report, numbered ``-2``, ``-3`` … as needed."""
    base = slug_make(text)[:70] or fallback
    slug, number = base, 1
    while taken(slug):
        number += 1
        slug = f"{base}-{number}"
    return slug
