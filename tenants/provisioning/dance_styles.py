"""The dance styles a community can declare at signup (events may add their own)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

DANCE_STYLES = [
    ("salsa", _("Salsa")),
    ("bachata", _("Bachata")),
    ("kizomba", _("Kizomba")),
    ("tango", _("Argentine tango")),
    ("west-coast-swing", _("West Coast Swing")),
    ("lindy-hop", _("Lindy Hop")),
    ("zouk", _("Brazilian zouk")),
    ("ballroom", _("Ballroom")),
    ("blues", _("Blues")),
    ("forro", _("Forró")),
]
DANCE_STYLE_CODES = frozenset(code for code, _label in DANCE_STYLES)
