from __future__ import annotations

from django.apps import AppConfig


class VenuesConfig(AppConfig):
    name = "core_apps.venues"
    label = "venues"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core_apps.venues.demo import venues_demo_seed
        from tenants.demo import demo_seeder

        demo_seeder(venues_demo_seed)
