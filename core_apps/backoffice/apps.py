from __future__ import annotations

from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """The organizer's back office at ``/manage/``: one chrome (base template,
    stylesheet, navigation) around the staff pages of every app. No tables:
    pages call the owning apps' selectors and services."""

    name = "core_apps.backoffice"
    label = "backoffice"
