from django.apps import AppConfig


class ArtistsConfig(AppConfig):
    name = "core_apps.artists"
    label = "artists"
    default_auto_field = "django.db.models.BigAutoField"
