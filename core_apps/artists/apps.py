from __future__ import annotations

from django.apps import AppConfig


class ArtistsConfig(AppConfig):
    name = "core_apps.artists"
    label = "artists"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms.listings import listing_provider_register
        from core_apps.artists.listings import featured_artists_listing

        listing_provider_register(kind="teachers", provider=featured_artists_listing)
        from cms.navigation import menu_link_register
        from core_apps.artists.menus import artists_menu_links

        menu_link_register(section="main", position=40, provider=artists_menu_links)
        from cms.models import HomePage
        from core_apps.artists.demo import artists_demo_seed
        from tenants.demo import demo_seeder

        # The teachers index lives directly under a community's home page.
        if "artists.TeachersIndexPage" not in HomePage.subpage_types:
            HomePage.subpage_types = [*HomePage.subpage_types, "artists.TeachersIndexPage"]
        demo_seeder(artists_demo_seed)
