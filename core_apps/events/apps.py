from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "core_apps.events"
    label = "events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core_apps.events import demo  # noqa: F401 - registers the demo seeder
