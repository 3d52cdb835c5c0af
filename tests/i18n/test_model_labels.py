"""Every model of Pista's own apps names itself and its fields in the reader's
language: what the admin, Wagtail, forms, API docs and validation messages
show is translatable."""

from __future__ import annotations

import inspect
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils.functional import Promise

ROOT = Path(settings.BASE_DIR).resolve()


def _own_models():
    for config in apps.get_app_configs():
        if _ours(config.path):
            yield from config.get_models()


def _ours(path: str) -> bool:
    resolved = Path(path).resolve()
    return ROOT in resolved.parents and ".venv" not in resolved.parts


def _from_a_library(model, name: str) -> bool:
    """Whether field ``name`` comes from a library's abstract base (Wagtail's
    ``site`` of a setting, ``sort_order`` of an orderable): its label is the
    library's."""
    for base in model.__mro__[1:]:
        meta = getattr(base, "_meta", None)
        if meta is None or not meta.abstract or _ours(inspect.getfile(base)):
            continue
        if any(field.name == name for field in meta.local_fields):
            return True
    return False


def test_every_own_model_and_field_has_a_translatable_name():
    models = list(_own_models())
    assert len(models) > 50  # the walk found the project's apps
    untranslated = []
    for model in models:
        for name in ("verbose_name", "verbose_name_plural"):
            if not isinstance(getattr(model._meta, name), Promise):
                untranslated.append(f"{model._meta.label}.Meta.{name}")
        for field in model._meta.get_fields(include_parents=False):
            if field.auto_created or not field.concrete or _from_a_library(model, field.name):
                continue
            if not isinstance(field.verbose_name, Promise):
                untranslated.append(f"{model._meta.label}.{field.name}")
    assert not untranslated, untranslated
