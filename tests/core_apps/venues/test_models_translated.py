"""Every field and model of the venues app has a translatable name, and the
weekdays are full day names in the visitor's language."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise

from core_apps.venues.models import OpeningHours, Weekday


def test_every_venues_model_and_field_has_a_translatable_name():
    untranslated = []
    for model in apps.get_app_config("venues").get_models():
        for name in ("verbose_name", "verbose_name_plural"):
            if not isinstance(getattr(model._meta, name), Promise):
                untranslated.append(f"{model.__name__}.Meta.{name}")
        for field in model._meta.get_fields():
            if field.auto_created:
                continue
            if not isinstance(field.verbose_name, Promise):
                untranslated.append(f"{model.__name__}.{field.name}")
    assert not untranslated


@pytest.mark.parametrize(
    ("language", "monday", "sunday", "weekday"),
    [
        ("en", "Monday", "Sunday", "weekday"),
        ("es", "lunes", "domingo", "día de la semana"),
        ("de", "Montag", "Sonntag", "Wochentag"),
    ],
)
def test_weekdays_are_full_day_names_in_the_visitors_language(language, monday, sunday, weekday):
    assert [value for value, _ in Weekday.choices] == list(range(7))
    with translation.override(language):
        assert OpeningHours(weekday=0).get_weekday_display() == monday
        assert OpeningHours(weekday=6).get_weekday_display() == sunday
        assert str(OpeningHours._meta.get_field("weekday").verbose_name) == weekday
