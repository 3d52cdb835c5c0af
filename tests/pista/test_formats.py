"""Money per locale (Babel) and times in a named zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from pista.formats import InvalidMoneyAmount, datetime_format, money_format, money_parse


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "€129.00"), ("de", "129,00\xa0€"), ("es", "129,00\xa0€")],
)
def test_money_follows_the_active_language(language, expected):
    with translation.override(language):
        assert money_format(12900, "EUR") == expected


def test_currencies_keep_their_own_decimals():
    with translation.override("en"):
        assert money_format(1290, "JPY") == "¥1,290"
        assert money_format(None, "EUR") == "—"
    assert money_parse("1290", "JPY") == 1290


@pytest.mark.parametrize(("typed", "minor"), [("129", 12900), ("129.5", 12950), (" 0.01 ", 1)])
def test_typed_amounts_become_minor_units(typed, minor):
    assert money_parse(typed, "EUR") == minor


@pytest.mark.parametrize("typed", ["abc", "-1", "1.234", "NaN", "Infinity"])
def test_bad_amounts_are_refused_with_a_message(typed):
    with pytest.raises(InvalidMoneyAmount):
        money_parse(typed, "EUR")


def test_times_are_shown_in_the_given_zone_and_name_it():
    moment = datetime(2026, 7, 4, 19, 0, tzinfo=UTC)
    with translation.override("de"):
        assert datetime_format(moment, "Europe/Berlin") == "Sa., 4. Juli 2026, 21:00 CEST"
    with translation.override("en"):
        assert datetime_format(moment, "America/New_York").endswith("3:00\u202fPM EDT")
        assert datetime_format(moment, "No/Such_Zone").endswith("UTC")


def test_template_filters_render_money_and_zoned_times():
    template = Template(
        "{% load pista_formats %}{{ a|money:'EUR' }} | {{ t|in_zone:'Europe/Madrid' }}"
    )
    with translation.override("es"):
        text = template.render(Context({"a": 500, "t": datetime(2026, 1, 2, 20, 30, tzinfo=UTC)}))
    assert text == "5,00\xa0€ | vie, 2 ene 2026, 21:30 CET"
