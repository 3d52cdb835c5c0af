from __future__ import annotations

from django.apps import AppConfig


class BookingsConfig(AppConfig):
    """No tables: installed for the ``money`` template filter and shared templates."""

    name = "core_apps.bookings"
    label = "bookings"
