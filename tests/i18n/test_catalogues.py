"""Spanish and German catalogues complete, compiled and current; templates translatable.

The first tests check the project itself; the ``*_fixture`` tests run each check's logic
on small hand-made catalogues and templates so a check that cannot fail is noticed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import service_unavailable
from tests.i18n.checks import (
    first,
    loads_i18n,
    mo_mismatches,
    po_msgids,
    po_problems,
    project_templates,
    source_msgids,
    template_text,
    untranslated_text,
    xgettext_available,
)

BASE = Path(settings.BASE_DIR)
LANGUAGES = ("es", "de")


def catalogue(language: str, base: Path = BASE) -> Path:
    return base / "locale" / language / "LC_MESSAGES" / "django.po"


# -- the project ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete(language: str) -> None:
    po = catalogue(language)
    assert po.exists(), f"{po.relative_to(BASE)} is missing: run `make messages` and translate it"
    problems = po_problems(po)
    assert not problems, f"{po.relative_to(BASE)}: entries untranslated or fuzzy, {first(problems)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_po(language: str) -> None:
    po = catalogue(language)
    mo = po.with_suffix(".mo")
    name = mo.relative_to(BASE)
    assert po.exists() and mo.exists(), f"{name} is missing: run `make compilemessages`"
    mismatches = mo_mismatches(po, mo)
    assert not mismatches, f"{name} is stale (run `make compilemessages`), {first(mismatches)}"


def test_templates_showing_text_load_i18n() -> None:
    missing = []
    for path in project_templates(BASE):
        source = path.read_text(encoding="utf-8")
        words = template_text(source, html=path.suffix == ".html")
        if words and not loads_i18n(source):
            missing.append(f"{path.relative_to(BASE)}: {' '.join(words[:8])}")
    assert not missing, f"templates show text without {{% load i18n %}}, {first(missing)}"


def test_templates_translate_their_text() -> None:
    untranslated = []
    for path in project_templates(BASE):
        words = untranslated_text(path.read_text(encoding="utf-8"), html=path.suffix == ".html")
        if words:
            untranslated.append(f"{path.relative_to(BASE)}: {' '.join(words[:8])}")
    tags = "{% translate %}/{% blocktranslate %}"
    assert not untranslated, f"text outside {tags}, {first(untranslated)}"


@pytest.fixture
def gettext_tools() -> None:
    if not xgettext_available():
        service_unavailable("xgettext and msguniq (Debian's gettext) are not installed")


@pytest.mark.usefixtures("gettext_tools")
def test_catalogue_is_current_with_the_source() -> None:
    po = catalogue("es")
    assert po.exists(), f"{po.relative_to(BASE)} is missing: run `make messages`"
    missing = sorted(source_msgids(BASE) - po_msgids(po))
    readable = [msgid.replace("\x04", " | ") for msgid in missing]
    assert not missing, f"source msgids not in the catalogue (`make messages`), {first(readable)}"


@pytest.mark.usefixtures("gettext_tools")
@pytest.mark.parametrize("language", ("de",))
def test_catalogues_share_their_msgids(language: str) -> None:
    """``de`` holds what ``es`` holds (the currency test runs makemessages once, for ``es``)."""
    es, other = catalogue("es"), catalogue(language)
    assert es.exists() and other.exists(), "run `make messages`"
    missing = sorted(po_msgids(es) - po_msgids(other))
    assert not missing, f"{other.relative_to(BASE)} lacks msgids that es has, {first(missing)}"


# -- the checks, on fixtures ---------------------------------------------------------------

PO_HEADER = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

"""

COMPLETE_PO = (
    PO_HEADER
    + """msgid "Buy tickets"
msgstr "Comprar entradas"

msgctxt "dance role"
msgid "Leader"
msgstr "Líder"

msgid "%(count)s ticket"
msgid_plural "%(count)s tickets"
msgstr[0] "%(count)s entrada"
msgstr[1] "%(count)s entradas"
"""
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def compile_po(po: Path) -> Path:
    mo = po.with_suffix(".mo")
    subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)
    return mo


def test_po_problems_fixture(tmp_path: Path) -> None:
    assert po_problems(write(tmp_path / "ok.po", COMPLETE_PO)) == []

    broken = (
        PO_HEADER
        + """msgid "Empty"
msgstr ""

#, fuzzy
msgid "Guessed"
msgstr "Adivinado"

msgid "%(count)s seat"
msgid_plural "%(count)s seats"
msgstr[0] "%(count)s plaza"
msgstr[1] ""
"""
    )
    assert po_problems(write(tmp_path / "broken.po", broken)) == [
        "untranslated: 'Empty'",
        "fuzzy: 'Guessed'",
        "untranslated: '%(count)s seat'",
    ]


@pytest.mark.usefixtures("gettext_tools")
def test_mo_mismatches_fixture(tmp_path: Path) -> None:
    po = write(tmp_path / "django.po", COMPLETE_PO)
    mo = compile_po(po)
    assert mo_mismatches(po, mo) == []

    # The .po changes after compiling: a new translation, a plural form, a context.
    write(
        po,
        COMPLETE_PO.replace('"Comprar entradas"', '"Compra tus entradas"')
        .replace('"%(count)s entradas"', '"%(count)s tickets"')
        .replace('"Líder"', '"Guía"'),
    )
    assert mo_mismatches(po, mo) == [
        "'Buy tickets': .mo has 'Comprar entradas'",
        "'Leader': .mo has 'Líder'",
        "'%(count)s ticket' (form 1): .mo has '%(count)s entradas'",
    ]

    # A msgid the .mo has never seen.
    write(po, COMPLETE_PO + '\nmsgid "Sold out"\nmsgstr "Agotado"\n')
    assert mo_mismatches(po, mo) == ["'Sold out': .mo has 'Sold out'"]


def test_template_text_fixture() -> None:
    marked = (
        '{% extends "base.html" %}{% load static i18n %}\n'
        "{% block body_class %}page-home{% endblock %}\n"
        "{% comment %}Staff only: explain nothing here.{% endcomment %}\n"
        '<h1>{% translate "Your tickets" %}</h1>\n'
        '<img src="{{ url }}" alt="{% translate "QR code" %}" style="font-family:serif">\n'
        "<p>{% blocktranslate with name=order.name %}Hello {{ name }}{% endblocktranslate %}"
        " · CSV</p>\n"
        "<script>document.title = 'Not shown';</script>\n"
        "<p>{{ space.size }} m² · {{ n }} min — Pista</p>\n"
    )
    assert loads_i18n(marked)
    assert template_text(marked) == ["Hello"]
    assert untranslated_text(marked) == []

    unmarked = '<p>Sold out</p><input placeholder="Your email" value="{{ v }}"><p>{{ price }}</p>'
    assert not loads_i18n(unmarked)
    assert template_text(unmarked) == ["Sold", "out", "Your", "email"]
    assert untranslated_text(unmarked) == ["Sold", "out", "Your", "email"]

    mixed = '{% load i18n %}<h2>{% translate "Tickets" %}</h2><p>No tickets yet</p>'
    assert untranslated_text(mixed) == ["No", "tickets", "yet"]
    assert untranslated_text("{% load i18n %}Hello {{ name }},\n", html=False) == ["Hello"]
    assert template_text("{{ community.name }}: {{ order.code }}\n", html=False) == []


def test_project_templates_fixture(tmp_path: Path) -> None:
    app = "app/templates/app"
    templates = (f"{app}/page.html", f"{app}/mail.txt", "tests/templates/x.html")
    for relative in templates:
        write_path = tmp_path / relative
        write_path.parent.mkdir(parents=True, exist_ok=True)
        write_path.write_text("x", encoding="utf-8")
    found = [path.relative_to(tmp_path).as_posix() for path in project_templates(tmp_path)]
    assert found == ["app/templates/app/mail.txt", "app/templates/app/page.html"]


@pytest.mark.usefixtures("gettext_tools")
def test_source_msgids_fixture(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "templates").mkdir(parents=True)
    write(
        app / "forms.py",
        "from django.utils.translation import gettext_lazy as _, pgettext_lazy\n"
        'LABEL = _("Your name")\nROLE = pgettext_lazy("dance role", "Leader")\n',
    )
    write(app / "templates" / "page.html", '{% load i18n %}<p>{% translate "Sold out" %}</p>')
    (tmp_path / "tests").mkdir()
    ignored = 'from django.utils.translation import gettext as _\n_("Ignored")\n'
    write(tmp_path / "tests" / "ignored.py", ignored)
    locale = tmp_path / "locale" / "es" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    write(locale / "django.po", PO_HEADER + 'msgid "Your name"\nmsgstr "Tu nombre"\n')

    found = source_msgids(tmp_path)
    assert found == {"Your name", "dance role\x04Leader", "Sold out"}
    assert sorted(found - po_msgids(locale / "django.po")) == ["Sold out", "dance role\x04Leader"]
    # The committed catalogue is left as it was.
    assert po_msgids(locale / "django.po") == {"Your name"}
