"""Checks behind tests/i18n/test_catalogues.py, kept apart so they can be tested on fixtures.

- ``po_problems``: untranslated (an empty ``msgstr`` or plural form) and fuzzy entries;
- ``mo_mismatches``: a compiled ``.mo`` that no longer says what its ``.po`` says;
- ``template_text`` / ``untranslated_text``: words a template shows (and those it shows
  outside ``{% translate %}``/``{% blocktranslate %}``);
- ``source_msgids``: the msgids ``makemessages`` finds in the source, extracted into a
  temporary locale directory so the committed catalogues are never touched.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

from babel.messages.pofile import read_po
from django.core.management import call_command
from django.template.base import Lexer, TokenType
from django.test import override_settings

# Directories makemessages never reads (and ``make messages`` ignores the same).
IGNORED_DIRS = (".venv", "tests", "bench", "docs", "infra", "site", "node_modules", "locale")

# Attributes a person reads (or hears, through a screen reader).
SHOWN_ATTRIBUTES = frozenset({"alt", "title", "placeholder", "aria-label", "aria-description"})

# Shown as they are in every language: the product's name, units, and the prefix of
# the audit log's action codes (the filter's placeholder). Acronyms (CSV, IBAN) too.
SHOWN_AS_IS = frozenset({"Pista", "min", "cm", "km", "m²", "auth"})

# ASCII and typographic punctuation (quotes, dashes, the multiplication sign), digits.
_PUNCTUATION = ".,:;!?()[]\"'\u201c\u201d\u2018\u2019«»\u2014\u2013…*/|·•→←\u00d7+&#%0123456789"
# Blocks that fill an attribute (``{% block body_class %}``), not the page's text.
_ATTRIBUTE_BLOCK = re.compile(r"(?:^|_)(?:class|classes|style|attrs|id)$")
_WORD = re.compile("^[^\\W\\d_]+(?:['\u2019][^\\W\\d_]+)*$")


def _words(text: str) -> list[str]:
    """The words of ``text`` to translate.

    CSS and identifiers (``font-family:``, ``page-home``), acronyms and file extensions
    are not words.
    """
    words = []
    for chunk in text.split():
        if chunk.startswith("."):  # a file's extension: ticket-{{ pk }}.png
            continue
        chunk = chunk.strip(_PUNCTUATION)
        shown_as_is = chunk.isupper() or chunk in SHOWN_AS_IS
        if len(chunk) > 1 and _WORD.match(chunk) and not shown_as_is:
            words.append(chunk)
    return words


class _ShownText(HTMLParser):
    """Collects the text a page shows: element data (not scripts or styles) and shown attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden_depth += 1
        self.texts.extend(value for name, value in attrs if name in SHOWN_ATTRIBUTES and value)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.texts.extend(value for name, value in attrs if name in SHOWN_ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.texts.append(data)


def _shown_words(markup: str, html: bool) -> list[str]:
    if not html:
        return _words(markup)
    parser = _ShownText()
    parser.feed(markup)
    parser.close()
    return [word for text in parser.texts for word in _words(text)]


def _template_markup(source: str, keep_translated: bool) -> str:
    """The template's literal text with template tags blanked out.

    Comments, ``{% verbatim %}`` and blocks that fill an attribute are dropped; the text
    inside ``{% blocktranslate %}`` is kept only with ``keep_translated``.
    """
    parts: list[str] = []
    skip_until: str | None = None
    translating = False
    blocks: list[str] = []
    for token in Lexer(source).tokenize():
        bits = token.contents.split()
        content = bits[0] if bits else ""
        if token.token_type == TokenType.BLOCK:
            if skip_until:
                if content == skip_until:
                    skip_until = None
                continue
            if content in ("comment", "verbatim"):
                skip_until = "end" + content
            elif content in ("blocktranslate", "blocktrans"):
                translating = True
            elif content in ("endblocktranslate", "endblocktrans"):
                translating = False
            elif content == "block":
                blocks.append(bits[1] if len(bits) > 1 else "")
            elif content == "endblock" and blocks:
                blocks.pop()
            parts.append(" ")
        elif token.token_type == TokenType.TEXT and not skip_until:
            in_attribute = bool(blocks) and _ATTRIBUTE_BLOCK.search(blocks[-1]) is not None
            shown = (keep_translated or not translating) and not in_attribute
            parts.append(token.contents if shown else " ")
        elif not skip_until:
            parts.append(" ")
    return "".join(parts)


def loads_i18n(source: str) -> bool:
    return bool(re.search(r"\{%\s*load\s[^%]*\bi18n\b", source))


def template_text(source: str, html: bool = True) -> list[str]:
    """The words a template shows, whether or not they are marked for translation."""
    return _shown_words(_template_markup(source, keep_translated=True), html)


def untranslated_text(source: str, html: bool = True) -> list[str]:
    """The words a template shows outside ``{% translate %}`` and ``{% blocktranslate %}``."""
    return _shown_words(_template_markup(source, keep_translated=False), html)


def project_templates(base: Path) -> list[Path]:
    """Every template of the project's apps and themes (``.html`` and ``.txt``)."""
    found = []
    for directory in base.rglob("templates"):
        relative = directory.relative_to(base)
        if not directory.is_dir() or relative.parts[0] in IGNORED_DIRS:
            continue
        found.extend(p for p in directory.rglob("*") if p.suffix in (".html", ".txt"))
    return sorted(found)


def po_problems(po_path: Path) -> list[str]:
    """The msgids of ``po_path`` that are untranslated (any empty form) or fuzzy."""
    with po_path.open("rb") as handle:
        catalogue = read_po(handle)
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif not strings or any(not text for text in strings):
            problems.append(f"untranslated: {msgid!r}")
    return problems


def mo_mismatches(po_path: Path, mo_path: Path) -> list[str]:
    """The msgids whose translation in ``mo_path`` differs from ``po_path``'s (not fuzzy ones)."""
    with po_path.open("rb") as handle:
        catalogue = read_po(handle)
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    mismatches = []
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        context = message.context
        if isinstance(message.id, tuple):
            singular, plural = message.id[0], message.id[1]
            for n, expected in enumerate(message.string):
                count = _count_for_form(catalogue.plural_expr, n)
                if count is None:
                    continue
                got = (
                    compiled.npgettext(context, singular, plural, count)
                    if context
                    else compiled.ngettext(singular, plural, count)
                )
                if expected and got != expected:
                    mismatches.append(f"{singular!r} (form {n}): .mo has {got!r}")
        else:
            msgid = message.id
            got = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
            if message.string and got != message.string:
                mismatches.append(f"{message.id!r}: .mo has {got!r}")
    return mismatches


def _count_for_form(plural_expr: str, form: int) -> int | None:
    """A number ``n`` that selects plural form ``form`` under ``plural_expr``."""
    select = gettext.c2py(plural_expr)
    return next((n for n in range(200) if select(n) == form), None)


def source_msgids(base: Path, language: str = "es") -> set[str]:
    """The msgids (with their context, ``ctx\\x04id``) makemessages extracts from ``base``.

    Django's makemessages (xgettext) writes into a temporary ``LOCALE_PATHS`` directory
    right under ``base`` (makemessages stores a file's strings in the first locale path
    whose parent holds the file, and ``base/locale`` would otherwise win); its name starts
    with a dot so makemessages does not read it. The committed ``locale/`` is left as it is.
    """
    locale_dir = Path(tempfile.mkdtemp(prefix=".makemessages-", dir=base))
    try:
        (locale_dir / language / "LC_MESSAGES").mkdir(parents=True)
        with override_settings(LOCALE_PATHS=[locale_dir]):
            _makemessages(base, language)
        po_path = locale_dir / language / "LC_MESSAGES" / "django.po"
        return po_msgids(po_path) if po_path.exists() else set()
    finally:
        shutil.rmtree(locale_dir)


def _makemessages(base: Path, language: str) -> None:
    previous = Path.cwd()
    os.chdir(base)
    try:
        call_command(
            "makemessages",
            locale=[language],
            ignore_patterns=[f"{name}/*" for name in IGNORED_DIRS],
            no_obsolete=True,
            verbosity=0,
            stdout=StringIO(),
        )
    finally:
        os.chdir(previous)


def po_msgids(po_path: Path) -> set[str]:
    """A catalogue's non-header msgids, keyed ``context\\x04msgid`` when they have a context."""
    with po_path.open("rb") as handle:
        catalogue = read_po(handle)
    return {_key(message.id, message.context) for message in catalogue if message.id}


def _key(message_id: str | tuple[str, ...], context: str | None) -> str:
    msgid = message_id[0] if isinstance(message_id, tuple) else message_id
    return f"{context}\x04{msgid}" if context else msgid


def xgettext_available() -> bool:
    return shutil.which("xgettext") is not None and shutil.which("msguniq") is not None


def first(items: Iterable[str], limit: int = 20) -> str:
    """The first ``limit`` items, one a line, with how many more there are."""
    items = list(items)
    shown = "\n  ".join(items[:limit])
    more = f"\n  … and {len(items) - limit} more" if len(items) > limit else ""
    return f"{len(items)}:\n  {shown}{more}"
