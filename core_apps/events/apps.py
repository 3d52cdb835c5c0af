from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "core_apps.events"
    label = "events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core_apps.events import demo  # noqa: F401 - registers the demo seeder
        from core_apps.events.selectors import events_published_exist
        from tenants.onboarding import onboarding_step_register, url_first

        onboarding_step_register(
            key="event",
            label=str(_("Publish your first event")),
            url=url_first("manage:events", "events:manage-create", fallback="/events/manage/"),
            done=lambda community: events_published_exist(),
            position=30,
        )
