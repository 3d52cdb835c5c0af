from __future__ import annotations

from django.apps import AppConfig


class ArtistsConfig(AppConfig):
    name = "core_apps.artists"
    label = "artists"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms.models import HomePage

        # Each registers itself with the platform on import: the home-page
        # listing, the main menu's entry and the demo data.
        from core_apps.artists import demo, listings, menus  # noqa: F401

        # The teachers index lives directly under a community's home page.
        if "artists.TeachersIndexPage" not in HomePage.subpage_types:
            HomePage.subpage_types = [*HomePage.subpage_types, "artists.TeachersIndexPage"]
