"""Every theme's fonts print Polish, Czech and Turkish names (a latin-ext face,
self-hosted beside the latin one), and Inter Greek too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from themes.registry import FONTS, THEME_LIST, THEMES_DIR, Theme

STATIC = THEMES_DIR / "static" / "themes"
LATIN_EXT_SAMPLE = "łčğş"  # Polish, Czech, Turkish
GREEK_SAMPLE = "Σοφία"


def font_faces() -> list[dict[str, str]]:
    """The ``@font-face`` rules of ``fonts.css``: family, file and unicode-range."""
    css = (STATIC / "fonts.css").read_text()
    faces = []
    for body in re.findall(r"@font-face\{([^}]*)\}", css):
        rule = dict(item.split(":", 1) for item in body.split(";") if item)
        faces.append(
            {
                "family": rule["font-family"].strip('"'),
                "file": re.search(r"url\(([^)]+)\)", rule["src"]).group(1),
                "range": rule["unicode-range"],
            }
        )
    return faces


def covers(unicode_range: str, text: str) -> bool:
    """Whether a CSS ``unicode-range`` includes every character of ``text``."""
    spans = []
    for part in unicode_range.split(","):
        start, _, end = part.strip().removeprefix("U+").partition("-")
        spans.append((int(start, 16), int(end or start, 16)))
    return all(any(lo <= ord(ch) <= hi for lo, hi in spans) for ch in text)


def faces_for(family: str, sample: str) -> list[dict[str, str]]:
    return [f for f in font_faces() if f["family"] == family and covers(f["range"], sample)]


def theme_families(theme: Theme) -> set[str]:
    return {FONTS[key].family for key in (theme.heading_font, theme.body_font)} - {""}


@pytest.mark.parametrize("theme", THEME_LIST, ids=lambda theme: theme.name)
def test_each_themes_fonts_declare_a_latin_ext_face_that_is_shipped(theme):
    for family in theme_families(theme):
        faces = faces_for(family, LATIN_EXT_SAMPLE)
        assert faces, f"{theme.name}: no latin-ext face for {family}"
        for face in faces:
            assert "latin-ext" in face["file"]
            assert (STATIC / face["file"]).is_file(), face["file"]
            assert not face["file"].startswith(("http:", "https:", "//"))  # CSP: self-hosted


def test_inter_declares_a_greek_face_that_is_shipped():
    faces = faces_for("Inter", GREEK_SAMPLE)
    assert [f["file"] for f in faces] == ["fonts/inter-greek-wght-normal.woff2"]
    assert (STATIC / faces[0]["file"]).is_file()


def test_every_shipped_font_file_is_declared_and_licensed():
    declared = {Path(f["file"]).name for f in font_faces()}
    shipped = {path.name for path in (STATIC / "fonts").glob("*.woff2")}
    assert declared == shipped
    for name in shipped:
        family = name.split("-latin")[0].split("-greek")[0]
        assert (STATIC / "fonts" / f"{family}-LICENSE.txt").is_file(), name


def test_the_subset_files_hold_the_glyphs_their_faces_declare():
    # Reading woff2 takes brotli (a runtime dependency, through whitenoise[brotli]).
    from fontTools.ttLib import TTFont

    for family, sample in [(font.family, LATIN_EXT_SAMPLE) for font in FONTS.values()] + [
        ("Inter", GREEK_SAMPLE)
    ]:
        for face in faces_for(family, sample) if family else []:
            cmap = TTFont(STATIC / face["file"]).getBestCmap()
            missing = [ch for ch in sample if ord(ch) not in cmap]
            assert not missing, f"{face['file']} lacks {missing}"
