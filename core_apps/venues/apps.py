from __future__ import annotations

from django.apps import AppConfig


class VenuesConfig(AppConfig):
    name = "core_apps.venues"
    label = "venues"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms.listings import listing_provider_register
        from core_apps.venues.listings import venues_listing

        listing_provider_register(kind="venues", provider=venues_listing)
        from cms.navigation import menu_link_register
        from core_apps.venues.menus import venues_menu_links

        menu_link_register(section="main", position=50, provider=venues_menu_links)
        from core_apps.venues.demo import venues_demo_seed
        from tenants.demo import demo_seeder

        demo_seeder(venues_demo_seed)
