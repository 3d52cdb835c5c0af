from __future__ import annotations

from django.apps import AppConfig


class ArtistsConfig(AppConfig):
    name = "core_apps.artists"
    label = "artists"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms.models import HomePage
        from core_apps.artists.demo import artists_demo_seed
        from tenants.demo import demo_seeder

        # The teachers index lives directly under a community's home page.
        if "artists.TeachersIndexPage" not in HomePage.subpage_types:
            HomePage.subpage_types = [*HomePage.subpage_types, "artists.TeachersIndexPage"]
        demo_seeder(artists_demo_seed)
