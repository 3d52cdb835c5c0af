from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "core_apps.events"
    label = "events"
    default_auto_field = "django.db.models.BigAutoField"
