from __future__ import annotations

from django.apps import AppConfig


class VenuesConfig(AppConfig):
    name = "core_apps.venues"
    label = "venues"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each registers itself with the platform on import: the home-page
        # listing, the main menu's entry and the demo data.
        from core_apps.venues import demo, listings, menus  # noqa: F401
